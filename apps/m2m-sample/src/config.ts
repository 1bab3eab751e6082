/** Settings from the environment, defaulting to the local CARTO emulator (DESIGN §5). */
export interface SampleConfig {
  port: number;
  host: string;
  authDomain: string;
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  connection: string;
  table: string;
}

export function configFromEnv(env: Record<string, string | undefined> = process.env): SampleConfig {
  return {
    port: Number(env['PORT'] ?? 3000),
    host: env['HOST'] ?? '127.0.0.1',
    authDomain: env['CARTO_AUTH_DOMAIN'] ?? 'http://127.0.0.1:9010',
    apiBaseUrl: env['CARTO_API_BASE_URL'] ?? 'http://127.0.0.1:9011',
    clientId: env['CARTO_M2M_CLIENT_ID'] ?? 'carto-m2m-demo',
    clientSecret: env['CARTO_M2M_CLIENT_SECRET'] ?? 'carto-m2m-demo-secret',
    connection: env['CARTO_CONNECTION'] ?? 'carto_dw',
    table: env['CARTO_TABLE'] ?? 'demo.public.cities',
  };
}
