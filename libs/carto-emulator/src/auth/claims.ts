/**
 * CARTO's claims (CARTO.md §2, §3): the account's profile for ID tokens and `/userinfo`, and the extra
 * claims and Auth0 shape of the JWT access tokens.
 */
import type {
  Account,
  AccountClaims,
  AccessToken,
  ClientCredentials,
  JWTStructured,
  KoaContextWithOIDC,
} from 'oidc-provider';

import { DEMO } from '../demo.js';
import {
  ACCOUNT_ID_CLAIM,
  ACTING_AS_CLAIM,
  EMAIL_CLAIM,
  M2M_PERMISSIONS,
  USER_METADATA_CLAIM,
  USER_PERMISSIONS,
  findM2MClient,
  findUserBySub,
  type DirectoryUser,
} from '../directory.js';
import type { EmulatorState } from '../state.js';
import type { AuthContext } from './context.js';

/** Claims of a user's profile, as in the ID token and `/userinfo`. */
export function profileClaims(
  user: DirectoryUser,
  state: EmulatorState,
  orgId: string | undefined,
): Record<string, unknown> {
  return {
    sub: user.sub,
    email: user.email,
    email_verified: true,
    name: user.name,
    nickname: user.email.split('@')[0],
    [ACCOUNT_ID_CLAIM]: user.accountId,
    // Absent until sign-up is finished: the signal CARTO's apps use to send users to sign-up.
    ...(state.hasUserMetadata(user) ? { [USER_METADATA_CLAIM]: { account_id: user.accountId } } : {}),
    ...(orgId ? { org_id: orgId } : {}),
  };
}

function grantIdOf(token: unknown): string | undefined {
  const grantId = (token as { grantId?: unknown } | undefined)?.grantId;
  return typeof grantId === 'string' ? grantId : undefined;
}

/** oidc-provider `findAccount`: the seeded user, with the organization of the grant the token came from. */
export function createFindAccount(auth: AuthContext) {
  return (_ctx: KoaContextWithOIDC, sub: string, token?: unknown): Account | undefined => {
    const user = findUserBySub(sub);
    if (!user) return undefined;
    const grantId = grantIdOf(token);
    const orgId = grantId ? auth.orgByGrant.get(grantId) : undefined;
    return { accountId: user.sub, claims: () => profileClaims(user, auth.state, orgId) as AccountClaims };
  };
}

/** oidc-provider `extraTokenClaims`: permissions, account, e-mail, organization, M2M markers. */
export function createExtraTokenClaims(auth: AuthContext) {
  return (
    _ctx: KoaContextWithOIDC,
    token: AccessToken | ClientCredentials,
  ): Record<string, unknown> | undefined => {
    if (token.kind === 'ClientCredentials') {
      const owner = findUserBySub(findM2MClient(token.clientId ?? '')?.ownerSub ?? '');
      if (!owner) return undefined;
      return {
        gty: 'client-credentials',
        permissions: [...M2M_PERMISSIONS],
        [ACCOUNT_ID_CLAIM]: owner.accountId,
        [ACTING_AS_CLAIM]: owner.sub,
      };
    }
    const user = token.accountId ? findUserBySub(token.accountId) : undefined;
    if (!user) return undefined;
    const orgId = token.grantId ? auth.orgByGrant.get(token.grantId) : undefined;
    return {
      permissions: [...USER_PERMISSIONS],
      [ACCOUNT_ID_CLAIM]: user.accountId,
      [EMAIL_CLAIM]: user.email,
      ...(orgId ? { org_id: orgId } : {}),
    };
  };
}

/**
 * oidc-provider `formats.customizers.jwt`: Auth0's access token shape, which `extraTokenClaims` cannot
 * give (it cannot override `sub`, `aud` or `client_id`).
 */
export function createJwtCustomizer(auth: AuthContext) {
  return (ctx: KoaContextWithOIDC, token: AccessToken | ClientCredentials, jwt: JWTStructured): void => {
    jwt.header = { typ: 'JWT' };
    const payload = jwt.payload;
    payload['azp'] = token.clientId;
    delete payload['client_id'];
    if (token.kind === 'ClientCredentials') {
      payload['sub'] = `${token.clientId}@clients`;
      // Auth0 gives M2M tokens a single string audience (no userinfo without openid).
      payload['aud'] = DEMO.audience;
      return;
    }
    payload['aud'] = [DEMO.audience, `${auth.issuer}userinfo`];
    // Auth0 lists every granted scope (OpenID ones too); oidc-provider only the API's.
    const entities = ctx.oidc?.entities;
    const sourceScope = entities?.AuthorizationCode?.scope ?? entities?.RefreshToken?.scope;
    if (sourceScope) payload['scope'] = sourceScope;
  };
}
