import { configError } from '../errors';
import { parseUrl, secureUrl } from '../urls';

/**
 * Parses each allowed origin once. Origins must be HTTPS (or loopback `http:`): a token must never be
 * attached to a clear-text request.
 */
export function normalizeOrigins(origins: string | readonly string[]): ReadonlySet<string> {
  return new Set(
    // `flat` takes one string as a one-entry list, and anything else reaches the URL check (coded error).
    [origins].flat().map((origin) => {
      const url = secureUrl(origin, 'allowedOrigins');
      // An entry with a path would silently allow the whole origin: refuse it instead (origins only).
      // Any spelling of an origin is one (upper case, `:443`, Unicode host): URL normalises it.
      if (url.href !== `${url.origin}/`) throw configError(`not an origin: ${origin}`);
      return url.origin;
    }),
  );
}

/**
 * `true` only when `url`, parsed with `URL`, has exactly an allowed origin (scheme, host and port).
 * Never a prefix or substring test: `https://api.example.com.evil.example`, `https://api.example.com@evil.example`
 * and relative URLs are all refused (case-08).
 */
export function allowedOrigin(url: string | URL, origins: ReadonlySet<string>): boolean {
  // An unparsable URL has no origin, and `undefined` is never in the set.
  return origins.has(parseUrl(url)?.origin as string);
}
