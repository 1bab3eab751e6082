import { configError, ERR_INSECURE_URL } from './errors';

/** CARTO's production defaults (CARTO.md, Constants). */
export const CARTO_AUTH_DOMAIN = 'https://auth.carto.com';
export const CARTO_AUDIENCE = 'carto-cloud-native-api';
export const CARTO_APP_URL = 'https://app.carto.com';
export const CARTO_ACCOUNTS_URL = 'https://accounts.app.carto.com';

/**
 * Parses `value` (resolved against `base`, if given), or returns `undefined` when it is not a URL
 * (`URL.parse` is too new for some browsers).
 */
export function parseUrl(value: string | URL, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** `true` for hosts that never leave the machine: plain `http:` is acceptable only there. */
export function isLoopbackHost(hostname: string): boolean {
  return /^(localhost|\[::1]|127(\.\d{1,3}){3})$/.test(hostname);
}

/**
 * Parses a configured absolute URL and refuses `http:` outside loopback, synchronously, with a coded
 * `TypeError`: a token must never cross the network in clear text.
 */
export function secureUrl(value: string, what: string): URL {
  const url = parseUrl(value);
  if (!url) throw configError(`${what}: not a URL: ${value}`);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url;
  throw configError(`${what}: https required: ${value}`, ERR_INSECURE_URL);
}

/** A base URL that paths are appended to: no query, fragment or credentials, no trailing slash. */
export function baseUrl(value: string, what: string): string {
  const url = secureUrl(value, what);
  // Origin and path, nothing else: no credentials, no query or fragment, not even a bare `?` or `#`
  // (`search` and `hash` are empty then, yet `…/?/v3/sql` is a query and `…/#/v3/sql` a fragment).
  if (url.href !== url.origin + url.pathname) throw configError(`${what}: not a base URL: ${value}`);
  return url.href.replace(/\/+$/, '');
}
