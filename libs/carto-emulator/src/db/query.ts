/**
 * Running user SQL: one statement (the extended protocol refuses more), inside a READ ONLY transaction
 * that is always rolled back, as the SELECT-only role.
 */
import type { PGlite } from '@electric-sql/pglite';

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

/**
 * Runs `sql` read-only. With `check`, asks Postgres (EXPLAIN) which relations the query reads, so that
 * unqualified names, views and subqueries cannot slip past a grant check, and lets `check` refuse it.
 */
export async function runReadOnly(pg: PGlite, sql: string, check?: RelationCheck): Promise<QueryOutput> {
  return pg.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION READ ONLY');
    if (check) {
      const explained = await tx.query<Record<string, unknown>>(`EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`);
      check(relationsOf(explained.rows));
    }
    const result = await tx.query<Record<string, unknown>>(sql);
    await tx.rollback();
    return {
      rows: result.rows,
      schema: result.fields.map((field) => ({
        name: field.name,
        type: TYPE_NAMES[field.dataTypeID] ?? 'string',
      })),
    };
  });
}
