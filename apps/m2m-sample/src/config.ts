/** Settings from the environment, defaulting to the local CARTO emulator (DESIGN §5). */
export interface SampleConfig {
  port: number;
  host: string;
  /**
   * The origin browsers load the page from (`PUBLIC_ORIGIN`, e.g. behind a proxy): the minted tokens
   * work from that origin only. Default: where the server listens (`startSample` maps wildcard binds to 127.0.0.1).
   */
  publicOrigin?: string;
  authDomain: string;
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  connection: string;
  table: string;
}

/** Reads the {@link SampleConfig} from `env`; unset variables take the emulator's values. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): SampleConfig {
  return {
    port: Number(env['PORT'] ?? 3000),
    host: env['HOST'] ?? '127.0.0.1',
    publicOrigin: env['PUBLIC_ORIGIN'] || undefined,
    authDomain: env['CARTO_AUTH_DOMAIN'] ?? 'http://127.0.0.1:9010',
    apiBaseUrl: env['CARTO_API_BASE_URL'] ?? 'http://127.0.0.1:9011',
    clientId: env['CARTO_M2M_CLIENT_ID'] ?? 'carto-m2m-demo',
    clientSecret: env['CARTO_M2M_CLIENT_SECRET'] ?? 'carto-m2m-demo-secret',
    connection: env['CARTO_CONNECTION'] ?? 'carto_dw',
    table: env['CARTO_TABLE'] ?? 'demo.public.cities',
  };
}

/**
 * `value` as an http(s) origin (lower-cased), or a `TypeError` at start-up: CARTO compares a token's
 * referers with the browser's `Origin` exactly, so anything else would only fail later, as a 403.
 */
export function parsePublicOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // refused below
  }
  // `href` is the origin plus "/" only when there is no path, query, fragment or credentials.
  if (!url || !/^https?:$/.test(url.protocol) || url.href !== `${url.origin}/`)
    throw new TypeError(
      `PUBLIC_ORIGIN must be an origin like https://maps.example.com (no path or query), not ${JSON.stringify(value)}.`,
    );
  return url.origin;
}
