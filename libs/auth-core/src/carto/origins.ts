import { secureUrl } from '../urls';

/**
 * Parses each allowed origin once. Origins must be HTTPS (or loopback `http:`): a token must never be
 * attached to a clear-text request.
 */
export function normalizeOrigins(origins: readonly string[]): ReadonlySet<string> {
  return new Set(origins.map((origin) => secureUrl(origin, 'allowedOrigins').origin));
}

/**
 * `true` only when `url`, parsed with `URL`, has exactly an allowed origin (scheme, host and port).
 * Never a prefix or substring test: `https://api.example.com.evil.example`, `https://api.example.com@evil.example`
 * and relative URLs are all refused (case-08).
 */
export function allowedOrigin(url: string | URL, origins: ReadonlySet<string>): boolean {
  try {
    return origins.has(new URL(url).origin);
  } catch {
    return false;
  }
}
