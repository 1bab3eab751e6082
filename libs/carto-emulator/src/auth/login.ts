/**
 * The login interaction: oidc-provider sends the browser to `/u/login/<uid>` when the user must log in;
 * this page checks the e-mail and password against the seeded users and resumes the authorization.
 */
import type { Provider } from 'oidc-provider';

import { authenticateUser, findOrganization } from '../directory.js';
import { readForm } from '../http/body.js';
import { errorPage, loginPage } from './html.js';
import { sendHtml, type Middleware } from './koa.js';
import { LOGIN_PATH } from './provider-config.js';

const ROUTE = new RegExp(`^${LOGIN_PATH}/([A-Za-z0-9_-]+)$`);

/** Serves `GET` (the form) and `POST` (the credentials) of `/u/login/<uid>`. */
export function loginRoutes(provider: Provider): Middleware {
  return async (ctx, next) => {
    const match = ROUTE.exec(ctx.path);
    if (!match || (ctx.method !== 'GET' && ctx.method !== 'POST')) return next();
    const action = `${LOGIN_PATH}/${match[1]}`;

    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      sendHtml(
        ctx,
        400,
        errorPage(
          'invalid_request',
          'This login expired or was not found: start again from the application.',
        ),
      );
      return;
    }
    if (details.uid !== match[1] || details.prompt.name !== 'login') {
      sendHtml(ctx, 400, errorPage('invalid_request', `Unexpected interaction "${details.prompt.name}".`));
      return;
    }
    const orgId = details.params['organization'];
    const organization = typeof orgId === 'string' ? findOrganization(orgId)?.displayName : undefined;
    const loginHint = details.params['login_hint'];

    if (ctx.method === 'GET') {
      sendHtml(
        ctx,
        200,
        loginPage({ action, organization, email: typeof loginHint === 'string' ? loginHint : '' }),
      );
      return;
    }

    const form = await readForm(ctx.req);
    const email = form.get('email') ?? '';
    const user = authenticateUser(email, form.get('password') ?? '');
    if (!user) {
      sendHtml(ctx, 400, loginPage({ action, organization, email, error: 'Wrong email or password.' }));
      return;
    }
    const returnTo = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
    ctx.status = 303;
    ctx.redirect(returnTo);
  };
}
