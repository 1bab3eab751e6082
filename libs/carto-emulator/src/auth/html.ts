/** The HTML pages of the authorization server: plain forms a browser (or a test agent) can fill in. */
import { DEMO } from '../demo.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · CARTO emulator</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; margin: 0; }
  main { max-width: 24rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin: 0.8rem 0; }
  input { display: block; width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; }
  button { margin-top: 1rem; width: 100%; padding: 0.6rem; font: inherit; background: #162945; color: #fff; border: 0; border-radius: 4px; }
  .error { color: #b00020; }
  .hint { color: #555; font-size: 0.85rem; }
</style>
</head>
<body><main>
${body}
</main></body>
</html>`;
}

/** Options of {@link loginPage}. */
export interface LoginPageOptions {
  action: string;
  email?: string;
  error?: string;
  /** Display name of the organization the login is for (Auth0 Organizations). */
  organization?: string;
}

/** The login form: fields `email` and `password`, one submit button (DESIGN.md §4). */
export function loginPage({ action, email = '', error, organization }: LoginPageOptions): string {
  const heading = organization ? `Log in to ${organization}` : 'Log in to CARTO';
  return layout(
    heading,
    `<h1>${escapeHtml(heading)}</h1>
${organization ? `<p data-testid="organization">Organization: <strong>${escapeHtml(organization)}</strong></p>` : ''}
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
  <label>Email <input type="email" name="email" value="${escapeHtml(email)}" autocomplete="username" required autofocus></label>
  <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>
<p class="hint">Demo users: ${escapeHtml(DEMO.users.demo)}, ${escapeHtml(DEMO.users.sso)}, ${escapeHtml(DEMO.users.signup)}; password <code>${escapeHtml(DEMO.password)}</code>.</p>`,
  );
}

/** Options of {@link signupPage}. */
export interface SignupPageOptions {
  action: string;
  redirectUri: string;
  /** E-mail of the signed-in user; when absent the form asks for it. */
  email?: string;
  organization?: string;
  error?: string;
}

/** The emulated CARTO app's sign-up page: one form, one "Finish sign-up" button (CARTO.md §2). */
export function signupPage({ action, redirectUri, email, organization, error }: SignupPageOptions): string {
  return layout(
    'Finish sign-up',
    `<h1>Welcome to CARTO</h1>
${organization ? `<p>Organization: <strong>${escapeHtml(organization)}</strong></p>` : ''}
${email ? `<p>Signed in as <strong data-testid="signup-email">${escapeHtml(email)}</strong>.</p>` : '<p>Enter the e-mail you signed up with.</p>'}
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
  <input type="hidden" name="redirectUri" value="${escapeHtml(redirectUri)}">
  ${email ? '' : '<label>Email <input type="email" name="email" autocomplete="username" required></label>'}
  <button type="submit">Finish sign-up</button>
</form>`,
  );
}

/** A page for errors that cannot go back to the client (bad redirect URI, unknown client…). */
export function errorPage(error: string, description: string): string {
  // The usual cause of a refused redirect URI here: the sample was opened at localhost.
  const hint =
    error === 'invalid_redirect_uri'
      ? '<p class="hint">The samples are registered at <code>http://127.0.0.1:&lt;port&gt;</code>, as CARTO registers exact origins: open them there, not at <code>localhost</code>.</p>'
      : '';
  return layout(
    'Error',
    `<h1>Something went wrong</h1>
<p class="error" role="alert"><strong>${escapeHtml(error)}</strong>${description ? `: ${escapeHtml(description)}` : ''}</p>${hint}`,
  );
}

/** The auth server's root: what this server is and where to start. */
export function indexPage(issuer: string): string {
  return layout(
    'Auth server',
    `<h1>CARTO emulator</h1>
<p>A local stand-in for <code>auth.carto.com</code> (an OpenID provider shaped like CARTO's Auth0 tenant).</p>
<p>Issuer <code>${escapeHtml(issuer)}</code> · <a href="/.well-known/openid-configuration">discovery document</a></p>
<p class="hint">Demo users (password <code>${escapeHtml(DEMO.password)}</code>): ${Object.values(DEMO.users)
      .map((email) => `<code>${escapeHtml(email)}</code>`)
      .join(
        ', ',
      )}. SPA client <code>${escapeHtml(DEMO.spaClientId)}</code>, M2M client <code>${escapeHtml(DEMO.m2mClientId)}</code>.</p>`,
  );
}

/** Shown by `/v2/logout` without `returnTo`. */
export function loggedOutPage(): string {
  return layout('Logged out', '<h1>You are logged out</h1><p>You can close this page.</p>');
}
