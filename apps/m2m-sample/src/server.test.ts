import { spawnEmulator, type TestEmulator } from '@carto-auth/emulator/testing';
import { configFromEnv } from './config';
import { startSample, type RunningSample } from './server';

describe('m2m-sample (token factory) against the emulator', () => {
  let emulator: TestEmulator;
  let sample: RunningSample;

  beforeAll(async () => {
    emulator = await spawnEmulator();
    sample = await startSample({
      ...configFromEnv({}),
      port: 0,
      authDomain: emulator.authUrl,
      apiBaseUrl: emulator.apiUrl,
    });
  }, 60_000);
  afterAll(async () => {
    await sample?.close();
    await emulator?.close();
  });

  it('serves a page with rows of demo.public.cities read with a minted API access token', async () => {
    const response = await fetch(sample.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-testid="query-table"');
    expect((html.match(/<tr>/g) ?? []).length).toBeGreaterThan(5);
    const log = await emulator.admin.requests();
    expect(log.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    expect(log.filter((r) => r.path === '/v3/tokens' && r.method === 'POST')).toHaveLength(1);
  });

  it('hands out one scoped token (cached), restricted to its origin and the SQL API', async () => {
    const first = await (await fetch(`${sample.url}/api/token`)).json();
    const second = await (await fetch(`${sample.url}/api/token`)).json();
    expect(second.token).toBe(first.token);
    const query = `${emulator.apiUrl}/v3/sql/carto_dw/query?q=${encodeURIComponent('select name from demo.public.cities limit 3')}`;
    const fromSample = await fetch(query, {
      headers: { authorization: `Bearer ${first.token}`, origin: sample.url },
    });
    expect(fromSample.status).toBe(200);
    expect((await fromSample.json()).rows).toHaveLength(3);
    const fromElsewhere = await fetch(query, {
      headers: { authorization: `Bearer ${first.token}`, origin: 'https://evil.example' },
    });
    expect(fromElsewhere.status).toBe(403);
  });

  it('mints a new token when the old one is rejected (deleted on the server)', async () => {
    const { token } = await (await fetch(`${sample.url}/api/token`)).json();
    const m2m = await fetch(`${emulator.authUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'carto-m2m-demo',
        client_secret: 'carto-m2m-demo-secret',
        audience: 'carto-cloud-native-api',
      }),
    });
    const { access_token } = await m2m.json();
    expect(
      (
        await fetch(`${emulator.apiUrl}/v3/tokens/${token}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${access_token}` },
        })
      ).status,
    ).toBe(204);
    const response = await fetch(sample.url);
    expect(response.status).toBe(200);
    const next = await (await fetch(`${sample.url}/api/token`)).json();
    expect(next.token).not.toBe(token);
  });
});
