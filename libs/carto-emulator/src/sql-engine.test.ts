/**
 * The SQL engine's limits: the restricted session (no superuser, no way back to one), functions the
 * reader role may not run wherever they hide in a query, and the wall-clock limit of a query.
 */

import { api, type ApiResponse } from './test-support/api';
import { DEMO, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

interface SqlBody {
  rows: Record<string, unknown>[];
  error?: string;
  description?: string;
}

let emulator: TestEmulator;
let oauthToken: string;
let queryUrl: string;

const sql = (q: string, token = oauthToken): Promise<ApiResponse<SqlBody>> =>
  api<SqlBody>(`${queryUrl}?q=${encodeURIComponent(q)}`, { token });

async function citiesOnlyToken(): Promise<string> {
  const created = await api<{ token: string }>(`${emulator.apiUrl}/v3/tokens`, {
    method: 'POST',
    token: oauthToken,
    body: {
      grants: [{ connection_name: DEMO.connection, source: 'demo.public.cities' }],
      allowed_apis: ['sql'],
    },
  });
  expect(created.status).toBe(201);
  return created.body.token;
}

const session = async () =>
  (await sql('select session_user::text as su, current_user::text as cu')).body.rows[0];

useEmulatorFixture(
  (fixture) => {
    ({ emulator, oauthToken } = fixture);
    queryUrl = `${emulator.apiUrl}/v3/sql/${DEMO.connection}/query`;
  },
  { sqlTimeout: 1 },
);

describe('the restricted session', () => {
  it.each([
    ['set_config(session_authorization)', `select set_config('session_authorization', 'postgres', false)`],
    [
      'set_config in a VALUES list',
      `select * from (values ('a'), (set_config('session_authorization', 'postgres', false))) v`,
    ],
    [
      'set_config in a LIMIT',
      `select 1 limit length(set_config('session_authorization', 'postgres', false))`,
    ],
    [
      'an UPDATE of pg_settings',
      `update pg_settings set setting = 'postgres' where name = 'session_authorization'`,
    ],
    ['SET SESSION AUTHORIZATION', 'set session authorization postgres'],
    ['RESET SESSION AUTHORIZATION', 'reset session authorization'],
    ['SET ROLE', 'set role postgres'],
    ['RESET ALL', 'reset all'],
    ['DISCARD ALL', 'discard all'],
  ])('refuses %s and stays carto_reader', async (_name, q) => {
    expect((await sql(q)).status).toBe(400);
    expect(await session()).toEqual({ su: 'carto_reader', cu: 'carto_reader' });
  });

  it('cannot read what only superusers read', async () => {
    expect((await sql('select rolname from pg_authid')).status).toBe(400);
  });
});

describe('functions that run SQL text', () => {
  it.each([
    [
      'query_to_xml in a VALUES list',
      `select * from (values (''), (query_to_xml('select name from demo.public.countries', true, false, '')::text)) v`,
    ],
    ['table_to_xml of a regclass', `select table_to_xml('demo.public.countries', true, false, '')`],
    ['ts_stat', `select * from ts_stat('select to_tsvector(name) from demo.public.countries')`],
    ['database_to_xml', `select database_to_xml(true, false, '')`],
  ])('are refused to an OAuth token (400) and to a restricted API token (403): %s', async (_name, q) => {
    const oauth = await sql(q);
    expect(oauth.status).toBe(400);
    const restricted = await sql(q, await citiesOnlyToken());
    expect(restricted).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect(JSON.stringify(restricted.body)).not.toMatch(/Spain|France/);
  });
});

describe('the time limit (--sql-timeout 1)', () => {
  // Statuses, not times, tell (times are never asserted): a sleep that ran would end in the time
  // limit's 504, not in the 400 of a statement refused before it runs.
  it('refuses pg_sleep before running it', async () => {
    expect((await sql('select pg_sleep(30)')).status).toBe(400);
    expect((await sql(`select pg_sleep_for('30 seconds')`)).status).toBe(400);
  });

  it('answers 504 to a query that runs too long, and the queries queued behind it run right after', async () => {
    const slow = sql('select count(*) from generate_series(1, 10000000000)');
    const quick = sql('select 1 as one');
    const [slowResult, quickResult] = await Promise.all([slow, quick]);
    expect(slowResult).toMatchObject({ status: 504, body: { error: 'Query timeout' } });
    expect(quickResult).toMatchObject({ status: 200, body: { rows: [{ one: 1 }] } });
    expect(await session()).toEqual({ su: 'carto_reader', cu: 'carto_reader' });
  });
});
