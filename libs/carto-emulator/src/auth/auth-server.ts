/**
 * The authorization server: oidc-provider configured like CARTO's Auth0 tenant, plus the Auth0 routes
 * it lacks (login page, sign-up, `/v2/logout`, `/userinfo`).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { JWK } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

import type { EmulatorClock } from '../clock.js';
import { readText } from '../http/body.js';
import type { Handler } from '../http/front-door.js';
import { createOAuthVerifier, type OAuthVerifier } from '../oauth-verifier.js';
import type { AuthContext } from './context.js';
import { indexPage } from './html.js';
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

/** A `Set-Cookie` line with its `Expires` date moved by `-offsetMs` (deletions, dated 1970, are kept). */
function realTimeExpiry(cookie: string, offsetMs: number): string {
  return cookie.replace(/;\s*expires=([^;]*)/gi, (attribute, date: string) => {
    const time = Date.parse(date);
    return Number.isNaN(time) || time <= 0
      ? attribute
      : `; expires=${new Date(time - offsetMs).toUTCString()}`;
  });
}

/**
 * Dates the response's cookies in real time. oidc-provider (through Koa's `cookies`) computes `Expires`
 * from `Date.now()`, which follows the emulator's shifted clock, but browsers (and the testing user
 * agent) expire cookies by their own, real, clock: with the clock set back an hour, the one-hour login
 * interaction cookie would arrive already expired and no login could finish.
 */
function cookiesInRealTime(res: ServerResponse, clock: EmulatorClock): void {
  const writeHead = res.writeHead;
  res.writeHead = function writeHeadInRealTime(this: ServerResponse, ...args: unknown[]) {
    const offsetMs = clock.offsetMs;
    const cookies = this.getHeader('set-cookie');
    if (offsetMs !== 0 && cookies !== undefined) {
      const lines = Array.isArray(cookies) ? cookies : [String(cookies)];
      this.setHeader(
        'set-cookie',
        lines.map((line) => realTimeExpiry(line, offsetMs)),
      );
    }
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/** Creates the provider for `auth.issuer` and its Auth0 routes. */
export async function createAuthServer(auth: AuthContext, signingKey: JWK): Promise<AuthServer> {
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const provider = new Provider(auth.issuer, createProviderConfiguration(auth, signingKey, cookieKeys));
  const verify = await createOAuthVerifier(publicJwk(signingKey), auth.issuer, auth.state.clock);
  provider.use(auth0TokenScope);
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || (ctx.path !== '/' && ctx.path !== '/favicon.ico')) return next();
    if (ctx.path === '/favicon.ico') return void (ctx.status = 204); // no 404 in every login page's console
    ctx.type = 'html';
    ctx.body = indexPage(provider.issuer);
  });
  provider.use(loginRoutes(provider));
  provider.use(signupRoutes(provider, auth));
  provider.use(logoutRoute(provider, auth));
  provider.use(userinfoRoute(auth, verify));
  const callback = provider.callback();
  return {
    verify,
    async handler(req, res) {
      await acceptJsonTokenRequest(req);
      cookiesInRealTime(res, auth.state.clock);
      await callback(req, res);
    },
  };
}
