/**
 * Tokens at the CARTO APIs: cross-origin redirects, expired and foreign tokens, server clock skew.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { apiToken, createCartoAuth, memoryPorts, querySql } from '..';
import { countRequests, spaPage, useEmulator } from '../../test/harness';

const emulator = useEmulator();

beforeEach(() => emulator().admin.reset());
afterEach(() => emulator().admin.setClockOffset(0));

/** A local HTTP server; `handler` answers and records. */
async function server(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close: () => Promise<void> }> {
  const s: Server = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => s.close(() => resolve())) };
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
