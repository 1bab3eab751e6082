/**
 * Auth0's `/v2/logout?client_id=…&returnTo=…` (CARTO.md §2): ends the login session and redirects to
 * `returnTo` only when it is an allowed logout URL. Tokens already issued stay valid, as at Auth0.
 */
import type { Provider } from 'oidc-provider';

import { DEMO } from '../demo.js';
import { findM2MClient } from '../directory.js';
import { parseUrl } from '../http/url.js';
import type { AuthContext } from './context.js';
import { errorPage, loggedOutPage } from './html.js';
import { queryParam, sendHtml, type Middleware } from './koa.js';

/** Auth0 matches logout URLs without their query string. */
function withoutQuery(url: string): string | undefined {
  const parsed = parseUrl(url);
  return parsed ? `${parsed.origin}${parsed.pathname}` : undefined;
}

/** Serves `GET /v2/logout`. */
export function logoutRoute(provider: Provider, auth: AuthContext): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/v2/logout' || ctx.method !== 'GET') return next();
    const clientId = queryParam(ctx, 'client_id');
    const returnTo = queryParam(ctx, 'returnTo');
    if (clientId && clientId !== DEMO.spaClientId && !findM2MClient(clientId)) {
      sendHtml(ctx, 400, errorPage('invalid_request', `Unknown client_id ${clientId}.`));
      return;
    }
    if (returnTo) {
      const allowed =
        clientId && clientId !== DEMO.spaClientId ? [] : auth.options.logoutUrls.map(withoutQuery);
      const wanted = withoutQuery(returnTo);
      if (!wanted || !allowed.includes(wanted)) {
        sendHtml(
          ctx,
          400,
          errorPage('invalid_request', `returnTo ${JSON.stringify(returnTo)} is not an allowed logout URL.`),
        );
        return;
      }
    }
    const session = await provider.Session.get(ctx);
    if (session.accountId) await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null, { signed: true });
    if (returnTo) {
      ctx.status = 302;
      ctx.redirect(returnTo);
    } else {
      sendHtml(ctx, 200, loggedOutPage());
    }
  };
}
