/**
 * A tiny cookie-keeping "browser" for Node tests: follows the emulator's redirects, fills in its HTML
 * forms, and stops at the first URL outside the emulator (the app's callback), without fetching it.
 */
import { CookieJar } from './cookie-jar';
import { alertText, parseForm, type HtmlForm } from './html-form';

/** The e-mail and password {@link UserAgent.login} types into the login form. */
export interface LoginCredentials {
  email: string;
  password: string;
}

/** A cookie-keeping HTTP agent for the emulator's pages. */
export interface UserAgent {
  /**
   * Opens `authorizeUrl`, logs in through the emulator's login form (when one is shown; with an existing
   * session none is) and returns the URL the emulator finally redirects to outside itself: the app's
   * callback with `?code=&state=` or `?error=&state=`. That URL is not fetched.
   *
   * @throws {@link UserAgentError} when the credentials are refused (the form comes back), a page fails,
   * or more than 20 hops are needed.
   */
  login(authorizeUrl: string | URL, credentials: LoginCredentials): Promise<string>;
  /**
   * Like {@link UserAgent.login} without credentials: for `prompt=none`, `/v2/logout` and the sign-up page.
   * A page holding a form is submitted, with `fields` filled in; a page without one ends the walk and
   * its URL is returned.
   */
  follow(url: string | URL, fields?: Record<string, string>): Promise<string>;
  /** Names of the cookies held for an origin (e.g. to check that logout cleared the session). */
  cookieNames(origin: string): string[];
  /** Forgets every cookie (a fresh browser profile). */
  clearCookies(): void;
}

/** Why the agent stopped: a failed page, a refused form, or too many hops. */
export class UserAgentError extends Error {
  constructor(
    message: string,
    /** Status of the last response (0 when stuck). */
    readonly status: number,
    /** URL of the last response. */
    readonly url: string,
    /** Body of the last response. */
    readonly body: string,
  ) {
    super(message);
    this.name = 'UserAgentError';
  }
}

const MAX_HOPS = 20;

interface Step {
  url: URL;
  method: string;
  body?: URLSearchParams;
}

function submission(form: HtmlForm, pageUrl: URL, fields: Record<string, string>): Step {
  const values = new URLSearchParams();
  const seen = new Set<string>();
  for (const input of form.inputs) {
    seen.add(input.name);
    values.append(input.name, fields[input.name] ?? input.value);
  }
  for (const [name, value] of Object.entries(fields)) if (!seen.has(name)) values.append(name, value);
  const url = new URL(form.action || pageUrl.href, pageUrl);
  if (form.method === 'GET') {
    url.search = values.toString();
    return { url, method: 'GET' };
  }
  return { url, method: form.method, body: values };
}

/**
 * Creates a user agent with its own cookie jar.
 *
 * @example
 * ```ts
 * const agent = createUserAgent();
 * const callback = new URL(await agent.login(authorizeUrl, { email: DEMO.users.demo, password: DEMO.password }));
 * callback.searchParams.get('code');
 * ```
 */
export function createUserAgent(): UserAgent {
  const jar = new CookieJar();

  async function walk(
    start: string | URL,
    fields: Record<string, string>,
    kind: 'login' | 'follow',
  ): Promise<string> {
    let step: Step = { url: new URL(start), method: 'GET' };
    const origin = step.url.origin;
    let submitted = false;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml' };
      const cookie = jar.header(step.url);
      if (cookie) headers['cookie'] = cookie;
      if (step.body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(step.url, {
        method: step.method,
        headers,
        body: step.body?.toString(),
        redirect: 'manual',
      });
      jar.store(step.url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        const next = new URL(location, step.url);
        if (next.origin !== origin) return next.href;
        step =
          response.status === 307 || response.status === 308
            ? { ...step, url: next }
            : { url: next, method: 'GET' };
        continue;
      }
      const body = await response.text();
      const form = parseForm(body);
      if (!form) {
        if (response.status >= 400) {
          throw new UserAgentError(
            `${step.method} ${step.url.href} answered ${response.status}${alertText(body) ? `: ${alertText(body)}` : ''}`,
            response.status,
            step.url.href,
            body,
          );
        }
        return step.url.href;
      }
      if (submitted) {
        const what = kind === 'login' ? 'login form' : 'form';
        throw new UserAgentError(
          `The emulator showed the ${what} again (HTTP ${response.status}): ${alertText(body) ?? 'no error message'}`,
          response.status,
          step.url.href,
          body,
        );
      }
      submitted = true;
      step = submission(form, step.url, fields);
    }
    throw new UserAgentError(
      `Stuck: more than ${MAX_HOPS} hops from ${new URL(start).href}`,
      0,
      step.url.href,
      '',
    );
  }

  return {
    login: (authorizeUrl, { email, password }) => walk(authorizeUrl, { email, password }, 'login'),
    follow: (url, fields = {}) => walk(url, fields, 'follow'),
    cookieNames: (origin) => jar.names(origin),
    clearCookies: () => jar.clear(),
  };
}
