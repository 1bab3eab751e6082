import type { CartoUser } from './types';

/** CARTO's namespaced claims (CARTO.md §2). */
const CARTO_CLAIM = 'http://app.carto.com/';

/** A JWT's claims, as parsed JSON. */
export type Claims = Record<string, unknown>;

/**
 * Reads a JWT's payload without verifying it. Only for display (email, permissions) of a token this
 * client just received over TLS from the token endpoint; CARTO's APIs verify the signature.
 */
export function decodeJwtPayload(token: string): Claims | undefined {
  try {
    const base64 = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value?.constructor === Object ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `JSON.parse` reviver that freezes every object and array it builds (`Object.freeze` returns
 * primitives as they are): a user object an app edits cannot change what the client holds, or persists.
 */
export const frozen = (_key: string, value: unknown): unknown => Object.freeze(value);

/** Builds the {@link CartoUser} from the ID token's claims and the access token's claims. */
export function userFromClaims(idClaims: Claims = {}, accessClaims: Claims = {}): CartoUser {
  // The ID token wins; the access token fills in what it lacks (CARTO puts email and account in both).
  const claim = (name: string) => (idClaims[name] ?? accessClaims[name]) || undefined;
  const permissions = accessClaims['permissions'];
  // The JSON round trip drops the claims that are absent, so the user object lists only what is known.
  return JSON.parse(
    JSON.stringify({
      sub: claim('sub') ?? '',
      email: claim('email') ?? claim(`${CARTO_CLAIM}email`),
      name: claim('name'),
      accountId: claim(`${CARTO_CLAIM}account_id`),
      organization: claim('org_id'),
      userMetadata: claim(`${CARTO_CLAIM}user_metadata`),
      permissions: Array.isArray(permissions) ? permissions.filter((p) => typeof p === 'string') : [],
    }),
    frozen,
  );
}
