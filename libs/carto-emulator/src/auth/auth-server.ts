/**
 * The authorization server: oidc-provider configured like CARTO's Auth0 tenant, plus the Auth0 routes
 * it lacks (login page, sign-up, `/v2/logout`, `/userinfo`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import type { JWK } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

import { readText } from '../http/body.js';
import type { Handler } from '../http/front-door.js';
import { createOAuthVerifier, type OAuthVerifier } from '../oauth-verifier.js';
import type { AuthContext } from './context.js';
import { publicJwk } from './keys.js';
import type { Middleware } from './koa.js';
import { loginRoutes } from './login.js';
import { logoutRoute } from './logout.js';
import { createProviderConfiguration } from './provider-config.js';
import { signupRoutes } from './signup.js';
import { userinfoRoute } from './userinfo.js';

/** The auth server's request handler and the verifier of the tokens it issues. */
export interface AuthServer {
  readonly handler: Handler;
  readonly verify: OAuthVerifier;
}

/**
 * Auth0's token endpoint also takes JSON (CARTO.md §3); oidc-provider only form-encoding. Hand it the
 * parsed body the way an upstream body parser would.
 */
async function acceptJsonTokenRequest(req: IncomingMessage): Promise<void> {
  if (req.method !== 'POST' || !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return;
  if (!req.url?.startsWith('/oauth/token')) return;
  let body: unknown;
  try {
    body = JSON.parse(await readText(req));
  } catch {
    body = {};
  }
  const form: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value;
  }
  (req as IncomingMessage & { body?: unknown }).body = form;
  req.headers['content-type'] = 'application/x-www-form-urlencoded';
  // Koa only sees a body when a length is announced; the stream itself is already consumed.
  req.headers['content-length'] = String(Buffer.byteLength(new URLSearchParams(form).toString()));
  delete req.headers['transfer-encoding'];
}

/**
 * Auth0's token responses list every granted scope (`openid profile email offline_access …`);
 * oidc-provider lists only the API's when the token is for an API. Report the granted scope.
 */
const auth0TokenScope: Middleware = async (ctx, next) => {
  await next();
  if (ctx.path !== '/oauth/token' || ctx.status !== 200) return;
  const body = ctx.body as Record<string, unknown> | undefined;
  const entities = (ctx as KoaContextWithOIDC).oidc?.entities;
  const granted = entities?.AuthorizationCode?.scope ?? entities?.RefreshToken?.scope;
  if (body && typeof body === 'object' && granted) body['scope'] = granted;
};

/** Creates the provider for `auth.issuer` and its Auth0 routes. */
export async function createAuthServer(auth: AuthContext, signingKey: JWK): Promise<AuthServer> {
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const provider = new Provider(auth.issuer, createProviderConfiguration(auth, signingKey, cookieKeys));
  const verify = await createOAuthVerifier(publicJwk(signingKey), auth.issuer, auth.state.clock);
  provider.use(auth0TokenScope);
  provider.use(loginRoutes(provider));
  provider.use(signupRoutes(provider, auth));
  provider.use(logoutRoute(provider, auth));
  provider.use(userinfoRoute(auth, verify));
  const callback = provider.callback();
  return {
    verify,
    async handler(req, res) {
      await acceptJsonTokenRequest(req);
      await callback(req, res);
    },
  };
}
