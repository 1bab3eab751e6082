/** URL helpers shared by both servers. */

/** Parses an absolute URL; undefined instead of throwing. */
export function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** The origin of an absolute http(s) URL, or undefined. */
export function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const url = parseUrl(value);
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : undefined;
}
