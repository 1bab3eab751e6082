/**
 * Authentication of CARTO API requests (CARTO.md "how to send a token"): `Authorization: Bearer` only,
 * either an OAuth access token from the authorization server (RS256) or an API access token (HS256).
 */
import type { IncomingMessage } from 'node:http';

import { decodeProtectedHeader, errors, type JWTPayload } from 'jose';

import { DEMO } from '../demo.js';
import { ACCOUNT_ID_CLAIM } from '../directory.js';
import { HttpError } from '../http/body.js';
import { bearerToken } from '../oauth-verifier.js';
import type { ApiTokenRecord } from './api-tokens.js';
import type { ApiContext } from './context.js';

/** Who is calling. */
export type Principal =
  | { readonly kind: 'oauth'; readonly accountId: string; readonly claims: JWTPayload }
  | { readonly kind: 'api-token'; readonly accountId: string; readonly record: ApiTokenRecord };

function unauthorized(description: string): HttpError {
  return new HttpError(401, { error: 'Unauthorized', description });
}

/** 403 with CARTO's body. */
export function forbidden(description: string): HttpError {
  return new HttpError(403, { error: 'Forbidden', description });
}

async function verifyOAuth(token: string, ctx: ApiContext): Promise<Principal> {
  let claims: JWTPayload;
  try {
    claims = await ctx.verify(token, DEMO.audience);
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized('The access token has expired');
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
      throw unauthorized(`The access token is not for the audience ${DEMO.audience}`);
    }
    throw unauthorized(`Invalid access token: ${(error as Error).message}`);
  }
  const accountId = claims[ACCOUNT_ID_CLAIM];
  if (typeof accountId !== 'string') throw unauthorized('The access token carries no CARTO account');
  return { kind: 'oauth', accountId, claims };
}

/** Resolves the request's bearer token to a principal; throws a 401 {@link HttpError} otherwise. */
export async function authenticate(req: IncomingMessage, ctx: ApiContext): Promise<Principal> {
  // A token in ?access_token= is deliberately ignored: CARTO moved every client to the header.
  const token = bearerToken(req.headers.authorization);
  if (!token) throw unauthorized('Missing token: send it in an "Authorization: Bearer <token>" header');
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('Malformed token');
  }
  if (alg === 'RS256') return verifyOAuth(token, ctx);
  if (alg === 'HS256') {
    const record = await ctx.tokens.verify(token);
    if (typeof record === 'string') throw unauthorized(record);
    return { kind: 'api-token', accountId: record.accountId, record };
  }
  throw unauthorized('Unsupported token');
}

/** Requires an OAuth access token holding `permission` (Auth0 RBAC). */
export function requireOAuth(
  principal: Principal,
  api: string,
  permission?: string,
): Extract<Principal, { kind: 'oauth' }> {
  if (principal.kind !== 'oauth') throw forbidden(`The ${api} requires an OAuth access token`);
  const permissions = principal.claims['permissions'];
  if (permission && !(Array.isArray(permissions) && permissions.includes(permission))) {
    throw forbidden(`The access token lacks the ${permission} permission`);
  }
  return principal;
}
