import {
  apiToken,
  createCartoAuth,
  discoverTenant,
  m2m,
  memoryPorts,
  querySql,
  tokensApi,
  validateTokenRequest,
  type CartoAuthClient,
} from '..';
import { baseUrlFromConfig } from './discovery';
import { DEMO, countRequests, useEmulator } from '../../test/harness';

const emulator = useEmulator();
const ORIGIN = 'http://127.0.0.1:4200';

function m2mClient(allowedOrigins?: string[]): CartoAuthClient {
  return createCartoAuth({
    strategy: m2m({
      clientId: DEMO.m2mClientId,
      clientSecret: DEMO.m2mClientSecret,
      authDomain: emulator().authUrl,
    }),
    apiBaseUrl: emulator().apiUrl,
    ...(allowedOrigins ? { allowedOrigins } : {}),
    ports: memoryPorts({ clock: { now: Date.now, setTimer: () => 0, clearTimer: () => undefined } }),
  });
}

/** An API-token client whose requests carry `Origin`, as a browser page on that origin would send. */
function browserLikeClient(token: string, origin = ORIGIN): CartoAuthClient {
  return createCartoAuth({
    strategy: apiToken({ token }),
    apiBaseUrl: emulator().apiUrl,
    ports: memoryPorts({
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), origin } }),
    }),
  });
}

describe('validateTokenRequest (CARTO rules checked before sending)', () => {
  it.each([
    ['imports combined with another API', { allowed_apis: ['imports', 'sql'] }],
    ['an unknown API', { allowed_apis: ['tiles'] }],
    ['no API', { allowed_apis: [] }],
    ['a referer with a trailing slash', { referers: ['https://app.example.com/'] }],
    ['a wildcard with one segment before *', { grants: [{ connection_name: 'carto_dw', source: 'demo.*' }] }],
    ['no grants', { grants: [] }],
  ])('refuses %s', (_name, request) => {
    expect(() => validateTokenRequest(request as never)).toThrow(
      expect.objectContaining({ code: 'invalid_token_request' }),
    );
  });

  it.each([
    ['imports alone', { allowed_apis: ['imports'] }],
    ['a two-segment wildcard', { grants: [{ connection_name: 'carto_dw', source: 'demo.public.*' }] }],
    ['the whole connection', { grants: [{ connection_name: 'carto_dw', source: '*' }] }],
    [
      'a SQL query source',
      { grants: [{ connection_name: 'carto_dw', source: 'select * from demo.public.cities' }] },
    ],
  ])('accepts %s', (_name, request) => {
    expect(() => validateTokenRequest(request as never)).not.toThrow();
  });
});

describe('CARTO helpers against the emulator', () => {
  beforeEach(() => emulator().admin.reset());

  it('mints, lists, reads, updates and deletes an API access token (token factory)', async () => {
    const tokens = tokensApi(m2mClient());
    const created = await tokens.create({
      grants: [{ connection_name: 'carto_dw', source: 'demo.public.cities' }],
      referers: [ORIGIN],
      allowed_apis: ['sql'],
    });
    expect(created).toMatchObject({ token: expect.any(String), allowed_apis: ['sql'], referers: [ORIGIN] });
    expect((await tokens.list()).map((t) => t.token)).toContain(created.token);
    expect(await tokens.get(created.token)).toMatchObject({ token: created.token });
    expect(await tokens.update(created.token, { allowed_apis: ['sql', 'maps'] })).toMatchObject({
      allowed_apis: ['sql', 'maps'],
    });

    const { rows } = await querySql(browserLikeClient(created.token), {
      connection: 'carto_dw',
      query: 'select name, lat, lon from demo.public.cities limit 5',
    });
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ name: expect.any(String), lat: expect.any(Number), lon: expect.any(Number) });

    await tokens.delete(created.token);
    await expect(tokens.get(created.token)).rejects.toMatchObject({ code: 'api_error', status: 404 });
  });

  it('surfaces CARTO refusals as api_error with status and body: wrong referer, missing grant', async () => {
    const { token } = await tokensApi(m2mClient()).create({
      grants: [{ connection_name: 'carto_dw', source: 'demo.public.cities' }],
      referers: [ORIGIN],
      allowed_apis: ['sql'],
    });
    await expect(
      querySql(browserLikeClient(token, 'https://evil.example'), {
        connection: 'carto_dw',
        query: 'select 1 from demo.public.cities',
      }),
    ).rejects.toMatchObject({
      code: 'api_error',
      status: 403,
      body: { error: 'Unauthorized referer' },
    });
    await expect(
      querySql(browserLikeClient(token), {
        connection: 'carto_dw',
        query: 'select 1 from demo.public.countries',
      }),
    ).rejects.toMatchObject({ code: 'api_error', status: 403 });
  });

  it('the Tokens API refuses an API access token (it needs an OAuth token)', async () => {
    const { token } = await tokensApi(m2mClient()).create({
      grants: [{ connection_name: 'carto_dw', source: '*' }],
      allowed_apis: ['sql'],
    });
    await expect(tokensApi(browserLikeClient(token)).list()).rejects.toMatchObject({
      code: 'api_error',
      status: 403,
    });
  });

  it('querySql switches from GET to POST above 7000 characters', async () => {
    const client = m2mClient();
    const short = await querySql(client, {
      connection: 'carto_dw',
      query: 'select count(*) as n from demo.public.cities',
    });
    const padding = 'x'.repeat(7_100);
    const long = await querySql(client, {
      connection: 'carto_dw',
      query: `select count(*) as n from demo.public.cities where name <> '${padding}'`,
    });
    expect(long.rows).toEqual(short.rows);
    expect(await countRequests(emulator(), '/v3/sql/carto_dw/query', 'GET')).toBe(1);
    expect(await countRequests(emulator(), '/v3/sql/carto_dw/query', 'POST')).toBe(1);
  });

  it('discovers the tenant API base URL from the accounts API and config.yaml', async () => {
    const client = m2mClient([emulator().apiUrl]);
    const tenant = await discoverTenant(client, { accountsUrl: emulator().apiUrl });
    expect(tenant.apiBaseUrl).toBe(emulator().apiUrl);
    expect(tenant.tenantDomain).toBe(new URL(emulator().apiUrl).host);
  });

  it('discoverTenant refuses, before sending, an accounts origin the client would not send its token to', async () => {
    const client = m2mClient(); // allowedOrigins: the API origin only
    const accountsUrl = 'https://accounts.example.com';
    await expect(discoverTenant(client, { accountsUrl })).rejects.toMatchObject({
      code: 'invalid_config',
      message: expect.stringContaining(accountsUrl),
    });
  });

  it('reads apis.baseUrl from config.yaml and ignores other sections', () => {
    expect(
      baseUrlFromConfig('other:\n  baseUrl: wrong\napis:\n  foo: 1\n  baseUrl: "https://x.example"\n'),
    ).toBe('https://x.example');
    expect(baseUrlFromConfig('apis: {}\n')).toBeUndefined();
  });
});
