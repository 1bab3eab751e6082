import type * as oauth from 'oauth4webapi';

import { api, type ApiResponse } from './test-support/api';
import { spaLogin } from './test-support/oauth';
import { DEMO, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

interface SqlBody {
  rows: Record<string, unknown>[];
  schema: { name: string; type: string }[];
  meta: Record<string, unknown>;
  error?: string;
  description?: string;
}

const DAY = 86400;

describe('SQL API', () => {
  let emulator: TestEmulator;
  let as: oauth.AuthorizationServer;
  let oauthToken: string;
  let queryUrl: string;

  const sql = (
    q: string,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<SqlBody>> =>
    api<SqlBody>(`${queryUrl}?q=${encodeURIComponent(q)}`, { token, headers });

  /** Mints an API access token through the Tokens API. */
  async function apiToken(sources: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const created = await api<{ token: string }>(`${emulator.apiUrl}/v3/tokens`, {
      method: 'POST',
      token: oauthToken,
      body: {
        grants: sources.map((source) => ({ connection_name: DEMO.connection, source })),
        allowed_apis: ['sql'],
        ...extra,
      },
    });
    expect(created.status).toBe(201);
    return created.body.token;
  }

  useEmulatorFixture((fixture) => {
    ({ emulator, as, oauthToken } = fixture);
    queryUrl = `${emulator.apiUrl}/v3/sql/${DEMO.connection}/query`;
  });
  beforeEach(() => emulator.admin.reset());

  describe('with an OAuth access token', () => {
    it('runs a GET query over the seeded cities with CARTO types', async () => {
      const result = await sql(
        "select name, country, population, lat, lon from demo.public.cities where name = 'Madrid'",
        oauthToken,
      );
      expect(result.status).toBe(200);
      expect(result.body.rows).toEqual([
        { name: 'Madrid', country: 'Spain', population: expect.any(Number), lat: 40.4168, lon: -3.7038 },
      ]);
      expect(result.body.schema).toEqual([
        { name: 'name', type: 'string' },
        { name: 'country', type: 'string' },
        { name: 'population', type: 'number' },
        { name: 'lat', type: 'number' },
        { name: 'lon', type: 'number' },
      ]);
      expect(result.body.meta).toEqual(expect.any(Object));
    });

    it('runs a POST query with a JSON body and ignores client and v', async () => {
      const result = await api<SqlBody>(`${queryUrl}?client=carto-auth-test&v=3.4`, {
        method: 'POST',
        token: oauthToken,
        body: { q: 'select count(*) as n, avg(population) as mean from demo.public.cities' },
      });
      expect(result.status).toBe(200);
      expect(result.body.rows[0]?.['n']).toBeGreaterThanOrEqual(40);
      expect(typeof result.body.rows[0]?.['mean']).toBe('number');
    });

    it('also works for a user token', async () => {
      const user = await spaLogin(as, DEMO.users.demo);
      expect((await sql('select 1 as one', user.access_token)).body.rows).toEqual([{ one: 1 }]);
    });

    it('answers 404 for an unknown connection', async () => {
      const result = await api(`${emulator.apiUrl}/v3/sql/nope/query?q=select%201`, { token: oauthToken });
      expect(result.status).toBe(404);
    });

    it('answers 400 with the database message for a SQL error', async () => {
      const result = await sql('select * from demo.public.nope', oauthToken);
      expect(result).toMatchObject({
        status: 400,
        body: { error: expect.stringContaining('does not exist') },
      });
    });

    it('refuses writes and several statements', async () => {
      expect(
        (await sql("insert into demo.public.cities values ('X', 'Y', 1, 0, 0)", oauthToken)).status,
      ).toBe(400);
      expect((await sql('select 1; select 2', oauthToken)).status).toBe(400);
      expect(
        (await sql("select count(*) as n from demo.public.cities where name = 'X'", oauthToken)).body.rows,
      ).toEqual([{ n: 0 }]);
    });

    it('answers 400 without q', async () => {
      expect((await api(queryUrl, { token: oauthToken })).status).toBe(400);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      expect(await sql('select 1')).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
    });

    it('ignores a token passed as ?access_token=', async () => {
      const result = await api(`${queryUrl}?q=select%201&access_token=${oauthToken}`);
      expect(result.status).toBe(401);
    });

    it('refuses a token for another audience (the ID token) with 401', async () => {
      const user = await spaLogin(as, DEMO.users.demo);
      expect(await sql('select 1', user.id_token)).toMatchObject({
        status: 401,
        body: { description: `The access token is not for the audience ${DEMO.audience}` },
      });
    });

    it('refuses an expired OAuth token with 401 once the clock has moved past exp', async () => {
      expect((await sql('select 1', oauthToken)).status).toBe(200);
      await emulator.admin.setClockOffset(DAY + 60);
      expect(await sql('select 1', oauthToken)).toMatchObject({
        status: 401,
        body: { description: 'The access token has expired' },
      });
    });

    it('refuses a tampered token with 401', async () => {
      const [header, payload] = oauthToken.split('.');
      expect((await sql('select 1', `${header}.${payload}.AAAA`)).status).toBe(401);
    });
  });

  describe('with an API access token', () => {
    it('allows an exact table grant and denies other tables with 403', async () => {
      const token = await apiToken(['demo.public.cities']);
      expect((await sql('select name from demo.public.cities limit 1', token)).status).toBe(200);
      expect((await sql('select name from "demo"."public"."cities" limit 1', token)).status).toBe(200);
      const denied = await sql('select name from demo.public.countries', token);
      expect(denied).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    });

    it('denies tables reached without a three-part name, through a subquery or through SQL text', async () => {
      const token = await apiToken(['demo.public.cities']);
      expect((await sql('select * from countries', token)).status).toBe(403);
      expect(
        (
          await sql(
            'select * from demo.public.cities where country in (select name from public.countries)',
            token,
          )
        ).status,
      ).toBe(403);
      expect((await sql('select * from cities limit 1', token)).status).toBe(200);
      expect(
        (await sql("select query_to_xml('select * from demo.geo.airports', true, true, '')", token)).status,
      ).toBe(403);
    });

    it('allows every table under a wildcard grant and nothing outside it', async () => {
      const token = await apiToken(['demo.public.*']);
      expect(
        (
          await sql(
            'select c.name from demo.public.cities c join demo.public.countries k on k.name = c.country',
            token,
          )
        ).status,
      ).toBe(200);
      expect((await sql('select * from demo.geo.airports', token)).status).toBe(403);
    });

    it('allows everything on the connection with *', async () => {
      const token = await apiToken(['*']);
      expect((await sql('select * from demo.geo.airports', token)).status).toBe(200);
    });

    it('allows exactly the SQL text of a query grant', async () => {
      const query = 'SELECT name, lat, lon FROM demo.public.cities WHERE population > 10000000';
      const token = await apiToken([query]);
      const allowed = await sql(query, token);
      expect(allowed.status).toBe(200);
      expect(allowed.body.rows.length).toBeGreaterThan(0);
      expect((await sql('SELECT * FROM demo.public.cities', token)).status).toBe(403);
    });

    it('needs sql in allowed_apis', async () => {
      const token = await apiToken(['*'], { allowed_apis: ['maps'] });
      expect(await sql('select 1', token)).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    });

    it('checks referers against the Origin or Referer header', async () => {
      const token = await apiToken(['*'], { referers: ['http://127.0.0.1:5173'] });
      expect((await sql('select 1', token, { origin: 'http://127.0.0.1:5173' })).status).toBe(200);
      expect((await sql('select 1', token, { referer: 'http://127.0.0.1:5173/page?x=1' })).status).toBe(200);
      expect(await sql('select 1', token, { origin: 'http://127.0.0.1:4200' })).toMatchObject({
        status: 403,
        body: { error: 'Unauthorized referer' },
      });
      expect(await sql('select 1', token)).toMatchObject({
        status: 403,
        body: { error: 'Unauthorized referer' },
      });
    });

    it('refuses the token once its expiration_date has passed on the emulator clock', async () => {
      const token = await apiToken(['*'], { expiration_date: new Date(Date.now() + 3600_000).toISOString() });
      expect((await sql('select 1', token)).status).toBe(200);
      await emulator.admin.setClockOffset(7200);
      expect(await sql('select 1', token)).toMatchObject({
        status: 401,
        body: { description: 'The API access token has expired' },
      });
    });

    it('refuses a deleted token with 401', async () => {
      const token = await apiToken(['*']);
      await api(`${emulator.apiUrl}/v3/tokens/${token}`, { method: 'DELETE', token: oauthToken });
      expect((await sql('select 1', token)).status).toBe(401);
    });
  });

  it('lets browsers call the API from any origin with Authorization and Content-Type', async () => {
    const preflight = await fetch(queryUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
  });
});
