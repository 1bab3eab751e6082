import { configError } from '../errors';

/** Parses each allowed origin once; anything with a path, query or credentials is a mistake. */
export function normalizeOrigins(origins: readonly string[]): ReadonlySet<string> {
  const normalized = new Set<string>();
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw configError(`allowedOrigins entries must be absolute origins like https://api.example.com, got "${origin}".`);
    }
    normalized.add(url.origin);
  }
  return normalized;
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
