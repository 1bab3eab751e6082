/**
 * The emulated CARTO app's sign-up pages (CARTO.md §2): users without `user_metadata` are sent to
 * `<app>/?redirectUri=…` (or `<app>/sso/<orgId>?redirectUri=…`), finish sign-up, and log in again.
 * Here the "app" lives on the auth server's origin, under `/app/`, so it can read the login session.
 */
import type { Provider } from 'oidc-provider';

import { findOrganization, findUserByEmail, findUserBySub, type DirectoryUser } from '../directory.js';
import { readForm } from '../http/body.js';
import { originOf } from '../http/url.js';
import type { AuthContext } from './context.js';
import { errorPage, signupPage } from './html.js';
import { queryParam, sendHtml, type KoaContext, type Middleware } from './koa.js';

const ROUTE = /^\/app(?:\/sso\/([A-Za-z0-9_-]+))?\/?$/;

async function sessionUser(provider: Provider, ctx: KoaContext): Promise<DirectoryUser | undefined> {
  const session = await provider.Session.get(ctx);
  return session.accountId ? findUserBySub(session.accountId) : undefined;
}

/** Serves `GET`/`POST` of `/app/` and `/app/sso/<orgId>`. */
export function signupRoutes(provider: Provider, auth: AuthContext): Middleware {
  return async (ctx, next) => {
    const match = ROUTE.exec(ctx.path);
    if (!match || (ctx.method !== 'GET' && ctx.method !== 'POST')) return next();
    const orgId = match[1];
    const organization = orgId ? findOrganization(orgId) : undefined;
    if (orgId && !organization) {
      sendHtml(ctx, 404, errorPage('not_found', `Unknown organization ${orgId}.`));
      return;
    }
    const form = ctx.method === 'POST' ? await readForm(ctx.req) : undefined;
    const redirectUri = form?.get('redirectUri') ?? queryParam(ctx, 'redirectUri') ?? '';
    const redirectOrigin = originOf(redirectUri);
    if (!redirectOrigin || !auth.options.webOrigins.includes(redirectOrigin)) {
      sendHtml(
        ctx,
        400,
        errorPage(
          'invalid_request',
          `redirectUri ${JSON.stringify(redirectUri)} is not on an allowed web origin.`,
        ),
      );
      return;
    }
    const signedIn = await sessionUser(provider, ctx);
    const page = {
      action: ctx.path,
      redirectUri,
      email: signedIn?.email,
      organization: organization?.displayName,
    };
    if (!form) {
      sendHtml(ctx, 200, signupPage(page));
      return;
    }
    const user = signedIn ?? findUserByEmail(form.get('email') ?? '');
    if (!user) {
      sendHtml(ctx, 400, signupPage({ ...page, error: 'No user with that e-mail.' }));
      return;
    }
    auth.state.finishSignup(user);
    ctx.status = 302;
    ctx.redirect(redirectUri);
  };
}
