import { CartoAuthError, configError, ERR_INVALID_RESPONSE } from '../errors';
import { CARTO_API_VERSION, CARTO_CLIENT_ID, pathSegment, requestJson, type CartoApiClient } from './api';

/** CARTO switches from GET to POST above this URL length (CARTO.md, common conventions). */
export const MAX_GET_URL_LENGTH = 7000;

/** Arguments of {@link querySql}. */
export interface SqlQuery {
  /** Connection name, e.g. `carto_dw`. */
  connection: string;
  query: string;
  signal?: AbortSignal;
}

/** A SQL API answer. */
export interface SqlResult<Row = Record<string, unknown>> {
  rows: Row[];
  schema: Array<{ name: string; type: string }>;
  meta?: Record<string, unknown>;
}

/**
 * Runs a query through CARTO's SQL API (`/v3/sql/{connection}/query`) with the client's token:
 * a GET, or a POST with a JSON body when the URL would exceed 7000 characters.
 * @example
 * const { rows } = await querySql(auth, { connection: 'carto_dw', query: 'select * from demo.public.cities' });
 */
export async function querySql<Row = Record<string, unknown>>(
  auth: CartoApiClient,
  request: SqlQuery,
): Promise<SqlResult<Row>> {
  // `q=undefined` would reach CARTO as a query: a missing or empty one is the caller's mistake.
  if (typeof request?.query !== 'string' || !request.query.trim())
    throw configError(`querySql({ query }): not a query: ${JSON.stringify(request?.query)}`);
  const endpoint = `${auth.apiBaseUrl}/v3/sql/${pathSegment(request.connection, 'querySql({ connection })')}/query`;
  const params = new URLSearchParams({ q: request.query, client: CARTO_CLIENT_ID, v: CARTO_API_VERSION });
  const getUrl = `${endpoint}?${params}`;
  const signal = request.signal ? { signal: request.signal } : {};
  const result =
    getUrl.length <= MAX_GET_URL_LENGTH
      ? await requestJson<SqlResult<Row>>(auth, getUrl, { method: 'GET', ...signal })
      : await requestJson<SqlResult<Row>>(
          auth,
          `${endpoint}?${new URLSearchParams({ client: CARTO_CLIENT_ID, v: CARTO_API_VERSION })}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ q: request.query }),
            ...signal,
          },
        );
  // A proxy or a wrong apiBaseUrl can answer 200 with something else: fail here, not in the app.
  if (!Array.isArray(result?.rows))
    throw new CartoAuthError(ERR_INVALID_RESPONSE, `${endpoint} answered without rows.`);
  return result;
}
