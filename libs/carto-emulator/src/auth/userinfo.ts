/**
 * Auth0's `/userinfo`: the profile of the user a JWT access token was issued to (its `aud` includes
 * `<issuer>userinfo`). oidc-provider's own userinfo only takes opaque tokens, hence this route.
 */
import { findUserBySub } from '../directory.js';
import { bearerToken, type OAuthVerifier } from '../oauth-verifier.js';
import { profileClaims } from './claims.js';
import type { AuthContext } from './context.js';
import type { KoaContext, Middleware } from './koa.js';

function allowCors(ctx: KoaContext, auth: AuthContext): void {
  const origin = ctx.get('Origin');
  ctx.vary('Origin');
  if (origin && auth.options.webOrigins.includes(origin)) ctx.set('Access-Control-Allow-Origin', origin);
}

function unauthorized(ctx: KoaContext, description: string): void {
  ctx.status = 401;
  ctx.set(
    'WWW-Authenticate',
    `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  );
  ctx.body = { error: 'invalid_token', error_description: description };
}

/** Serves `GET`/`POST /userinfo` and its CORS preflight. */
export function userinfoRoute(auth: AuthContext, verify: OAuthVerifier): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/userinfo') return next();
    allowCors(ctx, auth);
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'GET, POST');
      ctx.set('Access-Control-Allow-Headers', ctx.get('Access-Control-Request-Headers') || 'Authorization');
      ctx.set('Access-Control-Max-Age', '3600');
      ctx.status = 204;
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'POST') return next();
    ctx.set('Cache-Control', 'no-store');
    const token = bearerToken(ctx.get('Authorization'));
    if (!token) return unauthorized(ctx, 'Missing bearer token');
    let payload;
    try {
      payload = await verify(token, `${auth.issuer}userinfo`);
    } catch (error) {
      return unauthorized(ctx, `Invalid token: ${(error as Error).message}`);
    }
    const user = findUserBySub(payload.sub ?? '');
    if (!user) return unauthorized(ctx, 'The token is not for a user');
    const orgId = typeof payload['org_id'] === 'string' ? payload['org_id'] : undefined;
    ctx.body = profileClaims(user, auth.state, orgId);
  };
}
