/**
 * The grant model of API access tokens (CARTO.md §1): what a `source` may look like, and whether a
 * token's grants cover a query.
 */

/** One grant: a source (table, wildcard, `*` or SQL query) on a connection. */
export interface TokenGrant {
  connection_name: string;
  source: string;
}

/** The APIs an API access token can be allowed to call. */
export const ALLOWED_APIS = ['sql', 'maps', 'imports', 'lds'] as const;

/** One of {@link ALLOWED_APIS}. */
export type AllowedApi = (typeof ALLOWED_APIS)[number];

// An identifier: quoted ("…" or `…`) or bare (BigQuery project ids may hold hyphens).
const IDENT = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|[A-Za-z_][A-Za-z0-9_$-]*)`;
const TABLE = new RegExp(String.raw`^${IDENT}\.${IDENT}\.${IDENT}$`);
const WILDCARD = new RegExp(String.raw`^${IDENT}(?:\.${IDENT})+\.\*$`);
const QUERY = /^\s*\(?\s*(?:select|with)\b/i;

/** How a grant source is read. */
export type SourceKind = 'table' | 'wildcard' | 'all' | 'query';

/** Classifies a grant source, or undefined when it is none of the accepted forms. */
export function classifySource(source: string): SourceKind | undefined {
  const trimmed = source.trim();
  if (trimmed === '*') return 'all';
  if (QUERY.test(trimmed)) return 'query';
  // Backtick-quoted whole names (`project.dataset.table`), as BigQuery writes them.
  const unticked = /^`[^`]+`$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
  if (TABLE.test(unticked)) return 'table';
  if (WILDCARD.test(unticked)) return 'wildcard';
  return undefined;
}

/** Splits a dotted name into lower-cased parts, unquoting quoted parts (kept as written). */
export function nameParts(name: string): string[] {
  const trimmed = name.trim();
  const unticked = /^`[^`]+`$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
  const parts = unticked.match(new RegExp(`${IDENT}|\\*`, 'g')) ?? [];
  return parts.map((part) => (/^["`]/.test(part) ? part.slice(1, -1) : part.toLowerCase()));
}

/** SQL text as compared for query grants: trimmed, whitespace collapsed, trailing `;` dropped. */
export function normalizeSql(sql: string): string {
  return sql
    .trim()
    .replace(/;+\s*$/, '')
    .replace(/\s+/g, ' ');
}

/** Whether one grant covers the relation `parts` (`[database, schema, table]`). */
export function grantCovers(grant: TokenGrant, relation: readonly string[]): boolean {
  const kind = classifySource(grant.source);
  if (kind === 'all') return true;
  if (kind === 'table') return nameParts(grant.source).join('.') === relation.join('.');
  if (kind === 'wildcard') {
    const prefix = nameParts(grant.source).slice(0, -1);
    return prefix.every((part, index) => relation[index] === part);
  }
  return false;
}

/** Whether a query grant on the connection holds exactly this SQL text. */
export function queryGranted(grants: readonly TokenGrant[], connection: string, sql: string): boolean {
  const wanted = normalizeSql(sql);
  return grants.some(
    (grant) =>
      grant.connection_name === connection &&
      classifySource(grant.source) === 'query' &&
      normalizeSql(grant.source) === wanted,
  );
}

/** The first relation no grant on the connection covers, or undefined when all are covered. */
export function firstUncovered(
  grants: readonly TokenGrant[],
  connection: string,
  relations: readonly (readonly string[])[],
): readonly string[] | undefined {
  const onConnection = grants.filter((grant) => grant.connection_name === connection);
  return relations.find((relation) => !onConnection.some((grant) => grantCovers(grant, relation)));
}
