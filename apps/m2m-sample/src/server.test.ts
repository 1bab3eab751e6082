import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createCartoAuth, m2m } from '@carto-auth/core';
import { nodePorts } from '@carto-auth/core/node';
import { spawnEmulator, type TestEmulator } from '@carto-auth/emulator/testing';
import { configFromEnv, type SampleConfig } from './config';
import { startSample, type RunningSample } from './server';
import { createTokenFactory } from './token-factory';

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

  // Node ends a real server process on an unhandled rejection; here it must not happen at all.
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));
  afterEach(() => expect(unhandled.splice(0)).toEqual([]));

  // The sample logs failures on the server: kept out of the test output, and checked where it matters.
  let logged: jest.SpyInstance;
  beforeEach(() => (logged = jest.spyOn(console, 'error').mockImplementation(() => {})));
  afterEach(() => logged.mockRestore());

  // Extra samples (other settings), closed after each test.
  const extra: RunningSample[] = [];
  const startExtra = async (overrides: Partial<SampleConfig>) => {
    const started = await startSample({
      ...configFromEnv({}),
      port: 0,
      authDomain: emulator.authUrl,
      apiBaseUrl: emulator.apiUrl,
      ...overrides,
    });
    extra.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((s) => s.close()));
  });

  const m2mAccessToken = async (): Promise<string> => {
    const response = await fetch(`${emulator.authUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'carto-m2m-demo',
        client_secret: 'carto-m2m-demo-secret',
        audience: 'carto-cloud-native-api',
      }),
    });
    return (await response.json()).access_token;
  };
  const sqlFrom = (origin: string, token: string) =>
    fetch(
      `${emulator.apiUrl}/v3/sql/carto_dw/query?q=${encodeURIComponent('select name from demo.public.cities limit 3')}`,
      { headers: { authorization: `Bearer ${token}`, origin } },
    );
  // A hung answer fails the test instead of its time-out.
  const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(5_000) });

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

  it('answers 400 to a request target that is not a URL, and keeps serving', async () => {
    const answer = await rawGet(sample.url, '//[');
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect((await get(`${sample.url}/api/token`)).status).toBe(200);
  });

  it('answers /api/rows with 502 { error, message } when the SQL API fails, and keeps serving', async () => {
    await emulator.admin.fault({ path: '/v3/sql/carto_dw/query', status: 503 });
    const failed = await get(`${sample.url}/api/rows`);
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ error: 'api_error', message: expect.any(String) });
    const next = await get(`${sample.url}/api/rows`);
    expect(next.status).toBe(200);
    expect((await next.json()).rows.length).toBeGreaterThan(5);
  });

  it('does not cache a mint answered 200 without a token: the next request mints a usable one', async () => {
    // A proxy in front of the emulator's API that answers the first token creation with `{}`.
    let glitched = false;
    const proxy = createServer((req, res) => {
      if (!glitched && req.method === 'POST' && req.url?.startsWith('/v3/tokens')) {
        glitched = true;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const upstream = httpRequest(
        new URL(req.url ?? '/', emulator.apiUrl),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await listen(proxy);
    try {
      const viaProxy = await startExtra({ apiBaseUrl: urlOf(proxy) });
      const first = await get(`${viaProxy.url}/api/token`);
      expect(first.status).toBe(502);
      expect((await first.json()).error).toBe('invalid_response');
      const second = await get(`${viaProxy.url}/api/token`);
      expect(second.status).toBe(200);
      const { token } = await second.json();
      expect(typeof token).toBe('string');
      expect((await sqlFrom(viaProxy.origin, token)).status).toBe(200);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('retries a mint that failed (Tokens API 503) on the next request', async () => {
    const fresh = await startExtra({});
    await emulator.admin.fault({ path: '/v3/tokens', method: 'POST', status: 503 });
    expect((await get(`${fresh.url}/api/token`)).status).toBe(502);
    const next = await get(`${fresh.url}/api/token`);
    expect(next.status).toBe(200);
    expect(typeof (await next.json()).token).toBe('string');
  });

  it('binds 0.0.0.0 but mints for http://127.0.0.1:PORT, where the browser-side query works', async () => {
    const wildcard = await startExtra({ host: '0.0.0.0' });
    const { port } = wildcard.server.address() as AddressInfo;
    expect(wildcard.url).toBe(`http://127.0.0.1:${port}`);
    expect(wildcard.origin).toBe(wildcard.url);
    const { token } = await (await get(`${wildcard.url}/api/token`)).json();
    expect((await sqlFrom(wildcard.origin, token)).status).toBe(200);
  });

  it('binds :: without crashing and mints for http://127.0.0.1:PORT', async () => {
    const wildcard = await startExtra({ host: '::' });
    const { port } = wildcard.server.address() as AddressInfo;
    expect(wildcard.origin).toBe(`http://127.0.0.1:${port}`);
    expect((await get(wildcard.url)).status).toBe(200);
    const { token } = await (await get(`${wildcard.url}/api/token`)).json();
    expect((await sqlFrom(wildcard.origin, token)).status).toBe(200);
  });

  it('brackets an IPv6 literal: binds ::1 and mints for http://[::1]:PORT', async () => {
    const v6 = await startExtra({ host: '::1' });
    const { port } = v6.server.address() as AddressInfo;
    expect(v6.origin).toBe(`http://[::1]:${port}`);
    const { token } = await (await get(`${v6.url}/api/token`)).json();
    expect((await sqlFrom(v6.origin, token)).status).toBe(200);
  });

  it('mints for PUBLIC_ORIGIN when set (a proxy in front of the sample)', async () => {
    const behindProxy = await startExtra({
      publicOrigin: configFromEnv({ PUBLIC_ORIGIN: 'https://maps.example.com' }).publicOrigin,
    });
    expect(behindProxy.origin).toBe('https://maps.example.com');
    expect((await get(behindProxy.url)).status).toBe(200);
    const { token } = await (await get(`${behindProxy.url}/api/token`)).json();
    expect((await sqlFrom('https://maps.example.com', token)).status).toBe(200);
    expect((await sqlFrom(behindProxy.url, token)).status).toBe(403);
  });

  it.each([
    'maps.example.com',
    'https://maps.example.com/app',
    'ftp://maps.example.com',
    'https://maps.example.com?x',
  ])('refuses PUBLIC_ORIGIN %s at start-up: not an http(s) origin', async (publicOrigin) => {
    await expect(startExtra({ publicOrigin })).rejects.toThrow(/PUBLIC_ORIGIN/);
  });

  it('mints tokens that expire in an hour (expiration_date)', async () => {
    const fresh = await startExtra({});
    const { token } = await (await get(`${fresh.url}/api/token`)).json();
    const record = await (
      await fetch(`${emulator.apiUrl}/v3/tokens/${token}`, {
        headers: { authorization: `Bearer ${await m2mAccessToken()}` },
      })
    ).json();
    const left = Date.parse(record.expiration_date) - Date.now();
    expect(left).toBeGreaterThan(55 * 60_000);
    expect(left).toBeLessThanOrEqual(60 * 60_000);
  });

  it('replaces a cached token before its expiration_date passes', async () => {
    const m2mClient = createCartoAuth({
      strategy: m2m({
        clientId: 'carto-m2m-demo',
        clientSecret: 'carto-m2m-demo-secret',
        authDomain: emulator.authUrl,
      }),
      apiBaseUrl: emulator.apiUrl,
      ports: nodePorts(),
    });
    let clock = Date.now();
    const factory = createTokenFactory(m2mClient, {
      connection: 'carto_dw',
      table: 'demo.public.cities',
      referer: 'http://127.0.0.1:1',
      now: () => clock,
    });
    try {
      const first = await factory.token();
      clock += 45 * 60_000;
      expect(await factory.token()).toBe(first);
      clock += 10 * 60_000; // 5 minutes before it expires
      const second = await factory.token();
      expect(second).not.toBe(first);
      expect(await factory.token()).toBe(second);
    } finally {
      m2mClient.stop();
    }
  });

  it('answers the browser 502 with the error code only, and logs the details on the server', async () => {
    await emulator.admin.fault({
      path: '/v3/sql/carto_dw/query',
      status: 503,
      body: { error: 'internal', description: 'db-7.internal.example refused the connection' },
    });
    const failed = await get(`${sample.url}/api/rows`);
    expect(failed.status).toBe(502);
    const body = await failed.json();
    expect(body.error).toBe('api_error');
    expect(body.message).not.toMatch(/db-7|internal|127\.0\.0\.1|503/);
    expect(JSON.stringify(logged.mock.calls)).toContain('db-7.internal.example');
  });
});

/** Sends `GET <target>` as is (fetch would normalise it) and returns the raw answer. */
function rawGet(url: string, target: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), hostname);
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to GET ${target}`)));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`);
  });
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
