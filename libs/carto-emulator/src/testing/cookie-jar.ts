/** A minimal cookie jar: per origin, path-scoped, honouring `Max-Age`/`Expires` deletion (RFC 6265). */

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number;
}

function defaultPath(url: URL): string {
  const slash = url.pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : url.pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** Cookies of one user agent. */
export class CookieJar {
  readonly #byOrigin = new Map<string, Map<string, StoredCookie>>();

  /** Stores the `Set-Cookie` headers of a response to `url`. */
  store(url: URL, setCookies: readonly string[]): void {
    const jar = this.#byOrigin.get(url.origin) ?? new Map<string, StoredCookie>();
    this.#byOrigin.set(url.origin, jar);
    for (const header of setCookies) {
      const [pair = '', ...attributeParts] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        path: defaultPath(url),
        expiresAt: Infinity,
      };
      for (const part of attributeParts) {
        const [rawKey = '', ...rest] = part.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path' && value.startsWith('/')) cookie.path = value;
        else if (key === 'max-age' && /^-?\d+$/.test(value))
          cookie.expiresAt = Date.now() + Number(value) * 1000;
        else if (key === 'expires' && cookie.expiresAt === Infinity && !Number.isNaN(Date.parse(value)))
          cookie.expiresAt = Date.parse(value);
      }
      const key = `${cookie.name}\u0000${cookie.path}`;
      if (cookie.expiresAt <= Date.now()) jar.delete(key);
      else jar.set(key, cookie);
    }
  }

  /** The `Cookie` header for a request to `url`, or undefined when there is none. */
  header(url: URL): string | undefined {
    const jar = this.#byOrigin.get(url.origin);
    if (!jar) return undefined;
    const now = Date.now();
    const cookies = [...jar.values()]
      .filter((cookie) => cookie.expiresAt > now && pathMatches(url.pathname, cookie.path))
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length);
    return cookies.length ? cookies.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** Names of the cookies held for an origin. */
  names(origin: string): string[] {
    return [...(this.#byOrigin.get(origin)?.values() ?? [])].map((cookie) => cookie.name);
  }

  clear(): void {
    this.#byOrigin.clear();
  }
}
