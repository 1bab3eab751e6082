/**
 * Tokens at the CARTO APIs: cross-origin redirects, expired and foreign tokens, server clock skew.
 */
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  apiToken,
  createCartoAuth,
  discoverTenant,
  memoryPorts,
  querySql,
  tokensApi,
  validateTokenRequest,
} from '..';
import { DEMO, countRequests, demoM2mClient, spaPage, useEmulator } from '../../test/harness';

const emulator = useEmulator();

beforeEach(() => emulator().admin.reset());
afterEach(() => emulator().admin.setClockOffset(0));

/** A local HTTP server; `handler` answers and records. */
async function server(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close: () => Promise<void>; closeAllConnections: () => void }> {
  const s: Server = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => s.close(() => resolve())),
    closeAllConnections: () => s.closeAllConnections(),
  };
}

describe('the token stays with the allowed origins', () => {
  it('a 302 from an allowed origin to another origin does not carry the Authorization header', async () => {
    const seenByEvil: Array<string | undefined> = [];
    const evil = await server((req, res) => {
      seenByEvil.push(req.headers.authorization);
      res.end('{}');
    });
    const api = await server((_req, res) => {
      res.writeHead(302, { location: `${evil.url.replace('127.0.0.1', 'localhost')}/steal` });
      res.end();
    });
    try {
      const client = createCartoAuth({
        strategy: apiToken({ token: 'SECRET' }),
        apiBaseUrl: api.url,
        ports: memoryPorts(),
      });
      await client.fetch(`${api.url}/v3/sql`);
      expect(seenByEvil).toEqual([undefined]);
    } finally {
      await Promise.all([evil.close(), api.close()]);
    }
  });

  it('never puts the token in a URL, even when the SQL query is long enough for POST', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const token = await client.getAccessToken();
    await querySql(client, {
      connection: 'carto_dw',
      query: `select 1 as one where '${'x'.repeat(7_100)}' <> ''`,
    });
    await querySql(client, { connection: 'carto_dw', query: 'select 1 as one' });
    expect(page.recorded.filter((r) => r.url.includes(token))).toEqual([]);
    expect(
      page.recorded.filter(
        (r) =>
          r.authorization && !r.url.startsWith(emulator().apiUrl) && !r.url.startsWith(emulator().authUrl),
      ),
    ).toEqual([]);
  });
});

describe('expired and foreign tokens at the APIs', () => {
  it('an access token the API sees as expired (server clock +2 days) is renewed once and the query succeeds', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    await emulator().admin.setClockOffset(2 * 86_400);
    const before = await countRequests(emulator(), '/oauth/token');
    const { rows } = await querySql(client, { connection: 'carto_dw', query: 'select 1 as one' });
    expect(rows).toEqual([{ one: 1 }]);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
  });

  it('when the refresh token has expired too (server clock +31 days) the query fails with login_required, no loop', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    await emulator().admin.setClockOffset(31 * 86_400);
    await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
      code: 'login_required',
    });
    expect(await countRequests(emulator(), '/v3/sql/carto_dw/query', 'GET')).toBe(1);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
  });

  it('a foreign token used as an API token ends in unauthorized after one request', async () => {
    const client = createCartoAuth({
      strategy: apiToken({ token: 'eyJhbGciOiJub25lIn0.eyJhIjoiYWNfZGVtbyJ9.' }),
      apiBaseUrl: emulator().apiUrl,
      ports: memoryPorts(),
    });
    await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    expect(await countRequests(emulator(), '/v3/sql/carto_dw/query', 'GET')).toBe(1);
  });

  it('an RS256 token for another audience (what an ID token is) is refused with unauthorized', async () => {
    const idLike = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'carto-spa-demo' })).toString('base64url')}.x`;
    const client = createCartoAuth({
      strategy: apiToken({ token: idLike }),
      apiBaseUrl: emulator().apiUrl,
      ports: memoryPorts(),
    });
    await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });
});

describe('server clock skew', () => {
  it.each([[3_600], [-3_600]])(
    'login completes with the server clock off by %p s and does not renew in a loop',
    async (offset) => {
      await emulator().admin.setClockOffset(offset);
      const page = spaPage(emulator());
      const client = await page.signIn();
      expect(client.getSnapshot().status).toBe('authenticated');
      for (let i = 0; i < 5; i++) await client.getAccessToken();
      expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
    },
  );
});

describe('auth.fetch with signals and bodies (findings of a second adversarial review)', () => {
  it("a caller's signal ends the wait for a token, and fetch rejects with the signal's reason", async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    // Without the signal, only this (far longer than the test's own time-out) would end the wait.
    const client = demoM2mClient(emulator(), {}, { requestTimeoutMs: 600_000 });
    try {
      const sent = client.fetch(`${emulator().apiUrl}/v3/sql/carto_dw/query?q=select%201`, {
        signal: AbortSignal.timeout(100),
      });
      await expect(sent).rejects.toMatchObject({ name: 'TimeoutError' });
      const log = await emulator().admin.requests();
      expect(log.filter((entry) => entry.server === 'api')).toEqual([]);
    } finally {
      client.stop();
    }
  });

  it('a Request whose signal aborts ends the wait as well', async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const client = demoM2mClient(emulator(), {}, { requestTimeoutMs: 600_000 });
    try {
      const controller = new AbortController();
      const request = new Request(`${emulator().apiUrl}/v3/sql/carto_dw/query?q=select%201`, {
        signal: controller.signal,
      });
      const sent = client.fetch(request);
      controller.abort();
      await expect(sent).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      client.stop();
    }
  });

  it('a streamed body answered 401 is sent again with the renewed token (the retry has its own copy)', async () => {
    const client = await spaPage(emulator()).signIn();
    await emulator().admin.fault({ path: '/v3/sql/carto_dw/query', method: 'POST', status: 401, times: 1 });
    try {
      const first = await client.getAccessToken();
      const body = new Blob([JSON.stringify({ q: 'select name from demo.public.cities limit 1' })]).stream();
      const response = await client.fetch(`${emulator().apiUrl}/v3/sql/carto_dw/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(200);
      expect((await response.json()).rows).toHaveLength(1);
      expect(await client.getAccessToken()).not.toBe(first);
    } finally {
      client.stop();
    }
  });

  it('a helper called with an aborted signal leaves no unhandled rejection when the token request fails later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = demoM2mClient(emulator(), { clientSecret: 'wrong' });
      const query = querySql(client, {
        connection: 'carto_dw',
        query: 'select 1',
        signal: AbortSignal.abort(),
      });
      await expect(query).rejects.toMatchObject({ code: 'cancelled' });
      // The token request goes on and fails (a wrong secret): its rejection must be someone's.
      await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'token_request_failed' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it.each([
    ['an empty body', ''],
    ['{}', '{}'],
    ['null', 'null'],
    ['a token that is not one', '{"token":"two words"}'],
  ])(
    'a Tokens API answering 200 with %s is invalid_response for create, get and update',
    async (_name, body) => {
      const api = await server((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      try {
        const tokens = tokensApi(
          createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: api.url }),
        );
        const grants = [{ connection_name: 'carto_dw', source: 'demo.public.cities' }];
        for (const call of [
          tokens.create({ grants, allowed_apis: ['sql'] }),
          tokens.get('abc'),
          tokens.update('abc', { referers: [] }),
        ])
          await expect(call).rejects.toMatchObject({ name: 'CartoAuthError', code: 'invalid_response' });
      } finally {
        await api.close();
      }
    },
  );

  it.each([
    ['a token list that is not a list', '{"tokens":"abc"}'],
    ['an entry without a token', '{"tokens":[{"grants":[]}]}'],
    ['no object at all', '"abc"'],
    ['null', 'null'],
  ])('a Tokens API listing %s is invalid_response', async (_name, body) => {
    const api = await server((_req, res) => res.end(body));
    try {
      const tokens = tokensApi(createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: api.url }));
      await expect(tokens.list()).rejects.toMatchObject({ code: 'invalid_response' });
    } finally {
      await api.close();
    }
  });

  it.each([
    ['plain http for a remote host', 'http://tenant.example', 'invalid_response'],
    ['not a URL', 'nonsense', 'invalid_response'],
    ['credentials and a query', 'https://u:p@tenant.example/?a=1', 'invalid_response'],
  ])(
    'discoverTenant refuses a config.yaml whose apis.baseUrl is %s with a CartoAuthError',
    async (_n, url, code) => {
      const tenant = await server((req, res) =>
        req.url === '/accounts'
          ? res.end(JSON.stringify({ tenant_domain: req.headers.host }))
          : res.end(`apis:\n  baseUrl: ${url}\n`),
      );
      try {
        const client = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: tenant.url });
        await expect(discoverTenant(client, { accountsUrl: tenant.url })).rejects.toMatchObject({
          name: 'CartoAuthError',
          code,
        });
      } finally {
        await tenant.close();
      }
    },
  );

  it('discoverTenant reports a config.yaml answered 503 as api_error with the status', async () => {
    const tenant = await server((req, res) => {
      if (req.url === '/accounts') return res.end(JSON.stringify({ tenant_domain: req.headers.host }));
      res.writeHead(503);
      res.end('maintenance');
    });
    try {
      const client = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: tenant.url });
      await expect(discoverTenant(client, { accountsUrl: tenant.url })).rejects.toMatchObject({
        code: 'api_error',
        status: 503,
      });
    } finally {
      await tenant.close();
    }
  });

  it('querySql without a query, and ids that are not text, are refused before anything is sent', async () => {
    const client = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: emulator().apiUrl });
    for (const query of [undefined, '', '   '])
      await expect(
        querySql(client, { connection: 'carto_dw', query: query as unknown as string }),
      ).rejects.toMatchObject({ name: 'TypeError', code: 'invalid_config' });
    await expect(querySql(client, { connection: 'bad\ud800', query: 'select 1' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    await expect(tokensApi(client).get('\udc00')).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(tokensApi(client).create(null as never)).rejects.toMatchObject({
      code: 'invalid_token_request',
    });
    const log = await emulator().admin.requests();
    expect(log.filter((entry) => entry.server === 'api')).toEqual([]);
  });

  it.each(['?', '#', '/?', '/#'])(
    'an apiBaseUrl ending in a bare %s is refused (it would swallow every path appended to it)',
    (suffix) => {
      expect(() =>
        createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: `${emulator().apiUrl}${suffix}` }),
      ).toThrow(expect.objectContaining({ name: 'TypeError', code: 'invalid_config' }));
    },
  );
});

describe('the CARTO helpers (findings of an adversarial review)', () => {
  const m2mClient = (clientSecret: string) => demoM2mClient(emulator(), { clientSecret });

  it.each([
    ['a wrong secret', 'wrong', undefined, 'token_request_failed'],
    ['a token endpoint in maintenance', DEMO.m2mClientSecret, 503, 'network_error'],
  ])(
    'with %s, querySql and tokensApi reject with the token error and send no anonymous request',
    async (_name, secret, status, code) => {
      if (status) await emulator().admin.fault({ path: '/oauth/token', status, times: 5 });
      const client = m2mClient(secret);
      await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
        code,
      });
      await expect(tokensApi(client).list()).rejects.toMatchObject({ code });
      const log = await emulator().admin.requests();
      expect(log.filter((entry) => entry.server === 'api')).toEqual([]);
    },
  );

  it("a caller's signal ends the wait for the token and the request, as cancelled or timeout", async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const client = m2mClient(DEMO.m2mClientSecret);
    const controller = new AbortController();
    const query = querySql(client, { connection: 'carto_dw', query: 'select 1', signal: controller.signal });
    controller.abort();
    await expect(query).rejects.toMatchObject({ code: 'cancelled' });
    await emulator().admin.reset();
    await emulator().admin.fault({ path: '/v3/sql/carto_dw/query', method: 'GET', hang: true });
    const api = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: emulator().apiUrl });
    await expect(
      querySql(api, { connection: 'carto_dw', query: 'select 1', signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ code: 'timeout' });
  });

  it('every Tokens API call takes a signal: a hung API ends in timeout, an abort in cancelled', async () => {
    const client = demoM2mClient(emulator());
    const { token } = await tokensApi(client).create({
      grants: [{ connection_name: 'carto_dw', source: 'demo.public.cities' }],
      allowed_apis: ['sql'],
    });
    await emulator().admin.fault({ path: '/v3/tokens', hang: true, times: 100 });
    await emulator().admin.fault({ path: `/v3/tokens/${token}`, hang: true, times: 100 });
    const tokens = tokensApi(client);
    const request = {
      grants: [{ connection_name: 'carto_dw', source: 'demo.public.cities' }],
      allowed_apis: ['sql' as const],
    };
    const calls = (signal: AbortSignal) => [
      tokens.create(request, { signal }),
      tokens.list({ signal }),
      tokens.get(token, { signal }),
      tokens.update(token, { referers: [] }, { signal }),
      tokens.delete(token, { signal }),
    ];
    for (const call of calls(AbortSignal.timeout(300)))
      await expect(call).rejects.toMatchObject({ name: 'CartoAuthError', code: 'timeout' });
    const controller = new AbortController();
    const cancelled = calls(controller.signal);
    controller.abort();
    for (const call of cancelled) await expect(call).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('a body that stalls after the headers ends in timeout when the signal says so, not a raw DOMException', async () => {
    const stalling = await server((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"rows":[');
    });
    try {
      const api = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: stalling.url });
      await expect(
        querySql(api, { connection: 'carto_dw', query: 'select 1', signal: AbortSignal.timeout(200) }),
      ).rejects.toMatchObject({ name: 'CartoAuthError', code: 'timeout' });
    } finally {
      stalling.closeAllConnections();
      await stalling.close();
    }
  });

  it('one long-lived signal shared by many helper calls keeps no listener of theirs', async () => {
    // Node's Request (which fetch and auth.fetch build) keeps its own listener, named `abort`, until the
    // request is collected: leave those out of the count, as fetch alone adds them too.
    const client = demoM2mClient(emulator());
    const controller = new AbortController();
    for (let i = 0; i < 15; i++)
      await querySql(client, { connection: 'carto_dw', query: 'select 1', signal: controller.signal });
    const listeners = getEventListeners(controller.signal, 'abort');
    expect(listeners.length).toBeGreaterThan(0); // the platform's are seen: the filter below is needed
    expect(listeners.filter((listener) => listener.name !== 'abort')).toEqual([]);
  });

  it('the helpers still take any { fetch, apiBaseUrl } (the client surface they need)', async () => {
    const { fetch: authorizedFetch, apiBaseUrl } = m2mClient(DEMO.m2mClientSecret);
    const { rows } = await querySql(
      { fetch: authorizedFetch, apiBaseUrl },
      { connection: 'carto_dw', query: 'select 1 as one' },
    );
    expect(rows).toEqual([{ one: 1 }]);
  });

  it.each([['{}'], ['[]'], ['{"rows":"x"}'], ['']])(
    'a 200 answer %j that is no SQL result is invalid_response',
    async (body) => {
      await emulator().admin.fault({ path: '/v3/sql/carto_dw/query', status: 200, body });
      const api = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: emulator().apiUrl });
      await expect(querySql(api, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
        code: 'invalid_response',
      });
    },
  );

  it('ids and connection names that URLs would resolve as dot segments are refused before anything is sent', async () => {
    const api = createCartoAuth({ strategy: apiToken({ token: 'T' }), apiBaseUrl: emulator().apiUrl });
    const tokens = tokensApi(api);
    for (const id of ['.', '..', '%2e', '%2E%2e', ''])
      await expect(tokens.get(id)).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(tokens.delete('..')).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(querySql(api, { connection: '..', query: 'select 1' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    expect(await emulator().admin.requests()).toEqual([]);
  });

  it("the Tokens API check follows CARTO's rules both ways: deeper wildcards and quoted names pass, non-origins do not", () => {
    const grants = (source: string) => [{ connection_name: 'carto_dw', source }];
    for (const source of [
      'demo.public.x.*',
      '"my.proj".public.*',
      'demo.public.*',
      '*',
      'demo.public.cities',
    ])
      expect(() => validateTokenRequest({ grants: grants(source), allowed_apis: ['sql'] })).not.toThrow();
    for (const source of ['demo.*', '*.public.*', 5 as unknown as string])
      expect(() => validateTokenRequest({ grants: grants(source), allowed_apis: ['sql'] })).toThrow(
        expect.objectContaining({ code: 'invalid_token_request' }),
      );
    for (const referers of [
      ['https://app.example.com/path'],
      ['HTTPS://APP.EXAMPLE.COM'],
      ['https://app.example.com:443'],
      ['app.example.com'],
      ['https://app.example.com/'],
      'https://app.example.com' as unknown as string[],
    ])
      expect(() => validateTokenRequest({ referers })).toThrow(
        expect.objectContaining({ code: 'invalid_token_request' }),
      );
    expect(() =>
      validateTokenRequest({ referers: ['https://app.example.com', 'http://127.0.0.1:3000'] }),
    ).not.toThrow();
  });
});
