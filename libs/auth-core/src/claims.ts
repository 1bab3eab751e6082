import type { CartoUser } from './types';

/** CARTO's namespaced claims (CARTO.md §2). */
export const CLAIM_ACCOUNT_ID = 'http://app.carto.com/account_id';
export const CLAIM_EMAIL = 'http://app.carto.com/email';
export const CLAIM_USER_METADATA = 'http://app.carto.com/user_metadata';

/** A JWT's claims, as parsed JSON. */
export type Claims = Record<string, unknown>;

/**
 * Reads a JWT's payload without verifying it. Only for display (email, permissions) of a token this
 * client just received over TLS from the token endpoint; CARTO's APIs verify the signature.
 */
export function decodeJwtPayload(token: string): Claims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Claims) : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** Builds the {@link CartoUser} from the ID token's claims and the access token's claims. */
export function userFromClaims(idClaims: Claims | undefined, accessClaims: Claims | undefined): CartoUser {
  const id = idClaims ?? {};
  const access = accessClaims ?? {};
  const metadata = id[CLAIM_USER_METADATA] ?? access[CLAIM_USER_METADATA];
  const permissions = Array.isArray(access['permissions'])
    ? access['permissions'].filter((p): p is string => typeof p === 'string')
    : [];
  const user: CartoUser = { sub: text(id['sub']) ?? text(access['sub']) ?? '', permissions };
  const email = text(id['email']) ?? text(access[CLAIM_EMAIL]);
  const name = text(id['name']);
  const accountId = text(id[CLAIM_ACCOUNT_ID]) ?? text(access[CLAIM_ACCOUNT_ID]);
  const organization = text(id['org_id']) ?? text(access['org_id']);
  if (email) user.email = email;
  if (name) user.name = name;
  if (accountId) user.accountId = accountId;
  if (organization) user.organization = organization;
  if (metadata && typeof metadata === 'object') user.userMetadata = metadata as Record<string, unknown>;
  return user;
}
