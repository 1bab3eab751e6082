/**
 * The SQL API, `GET/POST /v3/sql/{connection}/query` (CARTO.md "CARTO APIs"): OAuth tokens query
 * everything; API access tokens need `sql` in `allowed_apis`, a grant for every table read, and a
 * matching origin when they carry referers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { SqlEngineError, SqlError, SqlTimeoutError } from '../db/engine.js';
import { RefusedQueryError, runReadOnly } from '../db/query.js';
import { HttpError, readJson, sendJson } from '../http/body.js';
import { originOf } from '../http/url.js';
import type { ApiTokenRecord } from './api-tokens.js';
import { authenticate, forbidden } from './authenticate.js';
import { findConnection, type Connection } from './connections.js';
import type { ApiContext } from './context.js';
import { firstUncovered, queryGranted } from './grants.js';

// SQLSTATE insufficient_privilege: the reader role may not read that table or run that function.
const INSUFFICIENT_PRIVILEGE = '42501';

/** CARTO's answer to a referer-restricted token used from another origin (or with none). */
function checkReferer(req: IncomingMessage, record: ApiTokenRecord): void {
  if (record.referers.length === 0) return;
  const origin = originOf(req.headers.origin) ?? originOf(req.headers.referer);
  if (!origin || !record.referers.includes(origin))
    throw new HttpError(403, { error: 'Unauthorized referer' });
}

async function readQuery(req: IncomingMessage, url: URL): Promise<string> {
  let q: unknown = url.searchParams.get('q');
  if (req.method === 'POST') q = ((await readJson(req)) as { q?: unknown } | undefined)?.q ?? q;
  if (typeof q !== 'string' || !q.trim())
    throw new HttpError(400, { error: 'Missing the q parameter with the SQL query' });
  return q;
}

/**
 * The grant check of an API access token: every relation in the plan needs a grant. Functions that run
 * SQL text or read a table by name (whose reads no plan shows) are not the grant check's business: the
 * reader role cannot execute them at all (`REVOKED_FUNCTIONS` in `db/seed.ts`), whatever their spelling.
 */
function grantCheck(record: ApiTokenRecord, connection: Connection) {
  return (relations: string[][]): void => {
    const missing = firstUncovered(record.grants, connection.name, relations);
    if (missing)
      throw forbidden(`The API access token has no grant for ${missing.join('.')} on ${connection.name}`);
  };
}

/** The HTTP answer to a query the engine did not run. */
function sqlFailure(error: unknown, record: ApiTokenRecord | undefined): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SqlTimeoutError) {
    return new HttpError(504, { error: 'Query timeout', description: error.message });
  }
  if (error instanceof SqlEngineError) return new HttpError(500, { error: error.message });
  // What the role may not do is outside any grant of an API access token.
  if (record && error instanceof SqlError && error.code === INSUFFICIENT_PRIVILEGE) {
    return forbidden(`The API access token cannot run this query: ${error.message}`);
  }
  if (error instanceof SqlError || error instanceof RefusedQueryError) {
    return new HttpError(400, { error: error.message });
  }
  return new HttpError(500, { error: `The SQL engine failed: ${(error as Error).message}` });
}

/** Handles one SQL API request for the connection named in the path. */
export async function handleSql(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
  connectionName: string,
  url: URL,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST') {
    throw new HttpError(405, { error: 'Method Not Allowed', description: 'Use GET or POST' });
  }
  const principal = await authenticate(req, ctx);
  const record = principal.kind === 'api-token' ? principal.record : undefined;
  if (record) {
    checkReferer(req, record);
    if (!record.allowed_apis.includes('sql'))
      throw forbidden('The API access token does not allow the SQL API');
  }
  const connection = findConnection(connectionName);
  if (!connection) throw new HttpError(404, { error: `Connection not found: ${connectionName}` });
  const q = await readQuery(req, url);

  const check =
    record && !queryGranted(record.grants, connection.name, q) ? grantCheck(record, connection) : undefined;
  let output;
  try {
    output = await runReadOnly(ctx.sql, q, check);
  } catch (error) {
    throw sqlFailure(error, record);
  }
  sendJson(res, 200, {
    rows: output.rows,
    schema: output.schema,
    meta: { cacheHit: false, totalBytesProcessed: '0', location: 'emulator', rowCount: output.rows.length },
  });
}
