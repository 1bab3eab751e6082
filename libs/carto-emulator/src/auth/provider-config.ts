/**
 * The oidc-provider configuration that makes a certified OpenID provider behave like CARTO's Auth0
 * tenant (CARTO.md §2, §3; TOOLCHAIN.md "The emulator on oidc-provider 9.13.3").
 */
import type { JWK } from 'jose';
import { errors, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

import { DEMO } from '../demo.js';
import {
  API_SCOPES,
  M2M_CLIENTS,
  M2M_PERMISSIONS,
  findM2MClient,
  findOrganization,
  findUserBySub,
} from '../directory.js';
import { audienceForResource, resourceForAudience } from './audience.js';
import { createExtraTokenClaims, createFindAccount, createJwtCustomizer } from './claims.js';
import type { AuthContext } from './context.js';
import { errorPage } from './html.js';
import { createMemoryAdapter } from './memory-adapter.js';

/** Path prefix of the login interaction (Auth0's Universal Login lives under `/u/login`). */
export const LOGIN_PATH = '/u/login';

const DAY = 86400;

/** Auth0 answers token requests for a missing or unknown audience with 403 `access_denied`. */
function accessDenied403(description: string): errors.AccessDenied {
  const error = new errors.AccessDenied(description);
  error.status = 403;
  error.statusCode = 403;
  return error;
}

function spaClient(auth: AuthContext): ClientMetadata {
  return {
    client_id: DEMO.spaClientId,
    client_name: 'CARTO SPA demo',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [...auth.options.callbackUrls],
    post_logout_redirect_uris: [...auth.options.logoutUrls],
  };
}

function m2mClients(): ClientMetadata[] {
  return M2M_CLIENTS.map((client) => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    client_name: `CARTO M2M (${client.clientId})`,
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  }));
}

/**
 * oidc-provider drops `offline_access` unless `prompt=consent` (OpenID Connect Core §11); Auth0 keeps
 * it for first-party SPAs, which is how they get rotating refresh tokens. Re-admit it from the raw query.
 */
function readmitOfflineAccess(ctx: KoaContextWithOIDC, auth: AuthContext): void {
  const params = ctx.oidc.params as Record<string, unknown> | undefined;
  const raw = ctx.query['scope'];
  if (!params || !auth.options.refreshTokens || typeof raw !== 'string') return;
  if (!raw.split(' ').includes('offline_access') || !ctx.oidc.client?.grantTypeAllowed('refresh_token'))
    return;
  const scopes = typeof params['scope'] === 'string' ? params['scope'].split(' ') : [];
  if (!scopes.includes('offline_access')) params['scope'] = [...scopes, 'offline_access'].join(' ');
}

/** Builds the provider configuration for one emulator. */
export function createProviderConfiguration(
  auth: AuthContext,
  signingKey: JWK,
  cookieKeys: string[],
): Configuration {
  const { options } = auth;
  const authUrl = auth.issuer.replace(/\/$/, '');
  return {
    adapter: createMemoryAdapter(),
    clients: [spaClient(auth), ...m2mClients()],
    jwks: { keys: [signingKey] as Configuration['jwks'] extends { keys: infer K } | undefined ? K : never },
    cookies: {
      keys: cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: {
      authorization: '/authorize',
      token: '/oauth/token',
      jwks: '/.well-known/jwks.json',
      revocation: '/oauth/revoke',
    },
    // `/v2/logout` and `/userinfo` are the emulator's own routes (Auth0 shapes); advertise them.
    discovery: {
      end_session_endpoint: `${authUrl}/v2/logout`,
      userinfo_endpoint: `${authUrl}/userinfo`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Auth0's /oauth/revoke: a client may revoke only the tokens issued to it.
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      // Auth0's silent authentication: `response_mode=web_message` answers a hidden iframe with a page
      // that posts the code to the app's window, so the app never loads inside the frame.
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: {
        enabled: true,
        async defaultResource(ctx, _client, oneOf) {
          if (oneOf) return oneOf;
          if (ctx.oidc.route !== 'token') return resourceForAudience(ctx.oidc.params?.['audience']);
          const params = ctx.oidc.params as Record<string, unknown>;
          if (params['grant_type'] !== 'client_credentials') return undefined;
          // extraParams never reach the token endpoint: read Auth0's `audience` from the raw body.
          const audience = (ctx.oidc.body as Record<string, unknown> | undefined)?.['audience'];
          if (typeof audience !== 'string' || !audience) {
            throw accessDenied403('An audience is required: send audience=carto-cloud-native-api');
          }
          const resource = resourceForAudience(audience);
          if (!resource) throw accessDenied403(`Service not found: ${audience}`);
          // Auth0 grants an M2M client every permission it holds when no scope is asked for.
          if (!params['scope']) params['scope'] = M2M_PERMISSIONS.join(' ');
          return resource;
        },
        // Code and refresh exchanges keep the API audience even when `openid` is in scope.
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, resource, client) {
          const audience = audienceForResource(resource);
          if (!audience) throw new errors.InvalidTarget();
          return {
            audience,
            scope: API_SCOPES.join(' '),
            accessTokenFormat: 'jwt',
            accessTokenTTL: findM2MClient(client.clientId) ? options.m2mTokenTtl : options.accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    claims: {
      // CARTO's namespaced claims reach the ID token whenever `openid` is granted (an Auth0 Action does this).
      openid: ['sub', 'http://app.carto.com/account_id', 'http://app.carto.com/user_metadata', 'org_id'],
      email: ['email', 'email_verified'],
      profile: ['name', 'nickname'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    extraParams: {
      audience(ctx, value) {
        if (ctx.oidc.route !== 'authorization') return;
        if (!value)
          throw new errors.AccessDenied('An audience is required: add audience=carto-cloud-native-api');
        if (!resourceForAudience(value)) throw new errors.AccessDenied(`Service not found: ${value}`);
        readmitOfflineAccess(ctx, auth);
      },
      organization(_ctx, value) {
        if (value && !findOrganization(value))
          throw new errors.InvalidRequest(`parameter organization is invalid: ${value}`);
      },
    },
    // First-party clients: consent is automatic. Organization membership is checked here, once the
    // user is known (also for `prompt=none`).
    async loadExistingGrant(ctx) {
      const { account, client, params } = ctx.oidc;
      if (!account || !client) return undefined;
      const orgId =
        typeof params?.['organization'] === 'string' && params['organization']
          ? params['organization']
          : undefined;
      if (orgId && !findUserBySub(account.accountId)?.organizations.includes(orgId)) {
        throw new errors.AccessDenied(`the user is not a member of the organization ${orgId}`);
      }
      const grant = new ctx.oidc.provider.Grant({ accountId: account.accountId, clientId: client.clientId });
      const oidcScopes = [...ctx.oidc.requestParamOIDCScopes];
      if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
      for (const [resource, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
        grant.addResourceScope(
          resource,
          [...ctx.oidc.requestParamScopes].filter((s) => server.scopes.has(s)).join(' '),
        );
      }
      const grantId = await grant.save();
      if (orgId) auth.orgByGrant.set(grantId, orgId);
      return grant;
    },
    issueRefreshToken: (_ctx, client, code) =>
      options.refreshTokens && client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // Rotation on every use; reusing a rotated token revokes the whole grant (oidc-provider does this).
    rotateRefreshToken: true,
    findAccount: createFindAccount(auth),
    extraTokenClaims: createExtraTokenClaims(auth),
    formats: { customizers: { jwt: createJwtCustomizer(auth) } },
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientId === DEMO.spaClientId && options.webOrigins.includes(origin),
    ttl: {
      AccessToken: options.accessTokenTtl,
      ClientCredentials: options.m2mTokenTtl,
      IdToken: options.idTokenTtl,
      RefreshToken: options.refreshTokenTtl,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * DAY,
      Grant: Math.max(options.refreshTokenTtl, 14 * DAY),
    },
    interactions: { url: (_ctx, interaction) => `${LOGIN_PATH}/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(String(out['error'] ?? 'server_error'), String(out['error_description'] ?? ''));
    },
  };
}
