/**
 * Running user SQL on the engine: only a statement Postgres can `EXPLAIN` (one SELECT/WITH/VALUES/TABLE
 * query; `SET`, `RESET`, `DO`, `COMMIT`, `COPY` and other utility statements cannot be explained, and the
 * extended protocol refuses a second statement), without writes in its plan, inside a READ ONLY
 * transaction that is always rolled back, as the restricted reader role (`seed.ts`).
 */
import type { SqlEngine } from './engine.js';
import { DATABASE } from './seed.js';

/** A column of a result: name and CARTO's type name. */
export interface ColumnSchema {
  name: string;
  type: string;
}

/** A query's rows and column types. */
export interface QueryOutput {
  rows: Record<string, unknown>[];
  schema: ColumnSchema[];
}

/**
 * Called with every relation the query reads, as `[database, schema, table]`, before the query runs;
 * throw to refuse it.
 */
export type RelationCheck = (relations: string[][]) => void;

// Postgres type OIDs to the type names CARTO's SQL API reports.
const TYPE_NAMES: Record<number, string> = {
  16: 'boolean',
  20: 'number',
  21: 'number',
  23: 'number',
  26: 'number',
  700: 'number',
  701: 'number',
  1700: 'number',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamp',
  114: 'object',
  3802: 'object',
};

interface PlanNode {
  'Relation Name'?: string;
  Schema?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

/** Every relation a plan reads (scans of tables, including those behind views), deduplicated. */
function relationsOf(plan: unknown): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const { 'Relation Name': relation, Schema: schema } = node as PlanNode;
    if (typeof relation === 'string') {
      const parts = [DATABASE, schema ?? 'public', relation];
      found.set(parts.join('.'), parts);
    }
    for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
  };
  visit(plan);
  return [...found.values()];
}

/** Whether a plan writes (INSERT/UPDATE/DELETE/MERGE, also inside a WITH). */
function writes(plan: unknown): boolean {
  if (Array.isArray(plan)) return plan.some(writes);
  if (typeof plan !== 'object' || plan === null) return false;
  if ((plan as PlanNode)['Node Type'] === 'ModifyTable') return true;
  return Object.values(plan).some((value) => typeof value === 'object' && writes(value));
}

/** A query the SQL API does not run, whatever the token (answered 400). */
export class RefusedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedQueryError';
  }
}

/**
 * Runs `sql` read-only. First asks Postgres (EXPLAIN) for the plan: a statement that cannot be explained
 * is refused with the database's error, a plan that writes with a {@link RefusedQueryError}. With
 * `check`, the relations the plan reads (so that unqualified names, views and subqueries cannot slip
 * past a grant check) are handed to `check`, which may throw to refuse the query.
 */
export async function runReadOnly(
  engine: SqlEngine,
  sql: string,
  check?: RelationCheck,
): Promise<QueryOutput> {
  const plan = await engine.explain(sql);
  if (writes(plan)) throw new RefusedQueryError('The SQL API runs read-only queries: the query writes');
  check?.(relationsOf(plan));
  const result = await engine.run(sql);
  return {
    rows: result.rows,
    schema: result.fields.map((field) => ({
      name: field.name,
      type: TYPE_NAMES[field.dataTypeID] ?? 'string',
    })),
  };
}
