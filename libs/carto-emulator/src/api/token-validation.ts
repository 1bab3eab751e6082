/**
 * Validation of Tokens API bodies with CARTO's rules and `{ error, description }` bodies (CARTO.md §1).
 */
import { HttpError } from '../http/body.js';
import { originOf } from '../http/url.js';
import { findConnection } from './connections.js';
import { ALLOWED_APIS, classifySource, type AllowedApi, type TokenGrant } from './grants.js';

/** The fields of an API access token a client can set. */
export interface TokenFields {
  grants: TokenGrant[];
  referers: string[];
  allowed_apis: AllowedApi[];
  /** ISO 8601 date-time, or null for a token that never expires. */
  expiration_date: string | null;
}

function invalid(error: string, description: string): HttpError {
  return new HttpError(400, { error, description });
}

function validateGrants(value: unknown): TokenGrant[] {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid('Invalid grants', 'grants must be a non-empty array');
  return value.map((grant: unknown, index) => {
    const { connection_name: connection, source } = (grant ?? {}) as Record<string, unknown>;
    if (typeof connection !== 'string' || typeof source !== 'string') {
      throw invalid(
        'Invalid grants',
        `grants[${index}] must be an object with string connection_name and source`,
      );
    }
    if (!findConnection(connection)) {
      throw invalid(
        'Invalid grants',
        `grants[${index}]: connection ${JSON.stringify(connection)} does not exist`,
      );
    }
    if (!classifySource(source)) {
      throw invalid(
        'Invalid grants',
        `grants[${index}]: source ${JSON.stringify(source)} must be a fully qualified table (project.dataset.table), ` +
          'a SQL query, a wildcard with at least two segments before * (project.dataset.*), or *',
      );
    }
    return { connection_name: connection, source };
  });
}

function validateReferers(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((referer) => typeof referer !== 'string' || !referer)) {
    throw invalid('Invalid referers', 'referers must be an array of non-empty strings');
  }
  const referers = value as string[];
  const withSlash = referers.find((referer) => referer.endsWith('/'));
  if (withSlash)
    throw invalid('Invalid referers', `referer ${JSON.stringify(withSlash)} must not end with "/"`);
  // The SQL API compares referers with the request's origin, exactly: anything else could never match.
  const notOrigin = referers.find((referer) => originOf(referer) !== referer);
  if (notOrigin !== undefined) {
    throw invalid(
      'Invalid referers',
      `referer ${JSON.stringify(notOrigin)} must be an origin as browsers send it: http(s)://host[:port], ` +
        'lower-case host, no default port, path, query or fragment',
    );
  }
  return referers;
}

function validateAllowedApis(value: unknown): AllowedApi[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(
      'Invalid allowed_apis',
      `allowed_apis must be a non-empty array of ${ALLOWED_APIS.join(', ')}`,
    );
  }
  const unknownApi = value.find((api) => !(ALLOWED_APIS as readonly unknown[]).includes(api));
  if (unknownApi !== undefined) {
    throw invalid(
      'Invalid allowed_apis',
      `unknown API ${JSON.stringify(unknownApi)}; use ${ALLOWED_APIS.join(', ')}`,
    );
  }
  const apis = [...new Set(value as AllowedApi[])];
  if (apis.includes('imports') && apis.length > 1) {
    throw invalid('Invalid allowed_apis', 'imports cannot be combined with any other API');
  }
  return apis;
}

function validateExpiration(value: unknown, now: number): string | null {
  if (value === null) return null;
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw invalid('Invalid expiration_date', 'expiration_date must be an ISO 8601 date-time or null');
  if (time <= now) throw invalid('Invalid expiration_date', 'expiration_date must be in the future');
  return new Date(time).toISOString();
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('Bad Request', 'the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Validates a `POST /v3/tokens` body; `now` is the emulator's time in epoch ms. */
export function validateCreate(body: unknown, now: number): TokenFields {
  const fields = asObject(body);
  return {
    grants: validateGrants(fields['grants']),
    referers: fields['referers'] === undefined ? [] : validateReferers(fields['referers']),
    allowed_apis: validateAllowedApis(fields['allowed_apis']),
    expiration_date:
      fields['expiration_date'] === undefined ? null : validateExpiration(fields['expiration_date'], now),
  };
}

/** Validates a `PATCH /v3/tokens/{token}` body: only the fields present, same rules. */
export function validatePatch(body: unknown, now: number): Partial<TokenFields> {
  const fields = asObject(body);
  const patch: Partial<TokenFields> = {};
  if (fields['grants'] !== undefined) patch.grants = validateGrants(fields['grants']);
  if (fields['referers'] !== undefined) patch.referers = validateReferers(fields['referers']);
  if (fields['allowed_apis'] !== undefined) patch.allowed_apis = validateAllowedApis(fields['allowed_apis']);
  if (fields['expiration_date'] !== undefined)
    patch.expiration_date = validateExpiration(fields['expiration_date'], now);
  return patch;
}
