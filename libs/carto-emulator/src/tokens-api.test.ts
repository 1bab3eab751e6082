import type * as oauth from 'oauth4webapi';

import { api } from './test-support/api';
import { clientCredentials, spaLogin } from './test-support/oauth';
import { DEMO, type TestEmulator } from './testing';
import { useEmulatorFixture } from './test-support/fixture';

interface TokenBody {
  token: string;
  grants: { connection_name: string; source: string }[];
  referers: string[];
  allowed_apis: string[];
  expiration_date: string | null;
  created_at: string;
}

const GRANTS = [{ connection_name: DEMO.connection, source: 'demo.public.cities' }];

describe('Tokens API', () => {
  let emulator: TestEmulator;
  let as: oauth.AuthorizationServer;
  let oauthToken: string;
  let tokensUrl: string;
  const create = (body: unknown, token = oauthToken) =>
    api<TokenBody & { error?: string; description?: string }>(tokensUrl, { method: 'POST', token, body });

  useEmulatorFixture((fixture) => {
    ({ emulator, as, oauthToken } = fixture);
    tokensUrl = `${emulator.apiUrl}/v3/tokens`;
  });
  beforeEach(() => emulator.admin.reset());

  it('creates an API access token: a small HS256 JWT with the account and token id', async () => {
    const created = await create({
      grants: GRANTS,
      referers: ['http://127.0.0.1:5173'],
      allowed_apis: ['sql', 'maps'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      token: expect.any(String),
      grants: GRANTS,
      referers: ['http://127.0.0.1:5173'],
      allowed_apis: ['sql', 'maps'],
      expiration_date: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const [header, payload] = created.body.token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'HS256' });
    expect(payload).toEqual({ a: 'ac_demo', jti: expect.any(String) });
  });

  it('lists, reads, updates and deletes the account tokens', async () => {
    const { body: created } = await create({ grants: GRANTS, allowed_apis: ['sql'] });
    const url = `${tokensUrl}/${created.token}`;

    const list = await api<{ tokens: TokenBody[] }>(tokensUrl, { token: oauthToken });
    expect(list.status).toBe(200);
    expect(list.body.tokens.map((t) => t.token)).toEqual([created.token]);

    expect((await api<TokenBody>(url, { token: oauthToken })).body).toEqual(created);

    const expiration = new Date(Date.now() + 3600_000).toISOString();
    const patched = await api<TokenBody>(url, {
      method: 'PATCH',
      token: oauthToken,
      body: { allowed_apis: ['sql', 'lds'], expiration_date: expiration },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...created, allowed_apis: ['sql', 'lds'], expiration_date: expiration });

    expect((await api(url, { method: 'DELETE', token: oauthToken })).status).toBe(204);
    expect((await api(url, { token: oauthToken })).status).toBe(404);
    expect((await api<{ tokens: TokenBody[] }>(tokensUrl, { token: oauthToken })).body.tokens).toEqual([]);
  });

  it('shares the account between the demo user and the demo M2M client, and hides it from other accounts', async () => {
    const { body: created } = await create({ grants: GRANTS, allowed_apis: ['sql'] });
    const user = await spaLogin(as, DEMO.users.demo);
    const mine = await api<{ tokens: TokenBody[] }>(tokensUrl, { token: user.access_token });
    expect(mine.body.tokens.map((t) => t.token)).toEqual([created.token]);

    const other = (await clientCredentials(as, 'carto-m2m-other', 'carto-m2m-other-secret')).access_token;
    expect((await api<{ tokens: TokenBody[] }>(tokensUrl, { token: other })).body.tokens).toEqual([]);
    expect((await api(`${tokensUrl}/${created.token}`, { token: other })).status).toBe(404);
  });

  it('answers 404 for an unknown token', async () => {
    expect((await api(`${tokensUrl}/not-a-token`, { token: oauthToken })).body).toEqual({
      error: 'Not Found',
      description: 'Token not found',
    });
  });

  it('refuses API access tokens with 403', async () => {
    const { body: created } = await create({ grants: GRANTS, allowed_apis: ['sql'] });
    const refused = await api(tokensUrl, { token: created.token });
    expect(refused).toMatchObject({
      status: 403,
      body: { error: 'Forbidden', description: 'The Tokens API requires an OAuth access token' },
    });
  });

  it('answers 401 without a bearer token', async () => {
    const refused = await api(tokensUrl);
    expect(refused).toMatchObject({
      status: 401,
      body: { error: 'Unauthorized', description: expect.any(String) },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing grants', { allowed_apis: ['sql'] }, 'Invalid grants'],
    ['empty grants', { grants: [], allowed_apis: ['sql'] }, 'Invalid grants'],
    [
      'an unknown connection',
      { grants: [{ connection_name: 'nope', source: '*' }], allowed_apis: ['sql'] },
      'Invalid grants',
    ],
    [
      'a two-part table name',
      { grants: [{ connection_name: DEMO.connection, source: 'public.cities' }], allowed_apis: ['sql'] },
      'Invalid grants',
    ],
    [
      'a wildcard with one segment before *',
      { grants: [{ connection_name: DEMO.connection, source: 'demo.*' }], allowed_apis: ['sql'] },
      'Invalid grants',
    ],
    [
      'a source that is not a table, query or wildcard',
      { grants: [{ connection_name: DEMO.connection, source: 'drop table x' }], allowed_apis: ['sql'] },
      'Invalid grants',
    ],
    [
      'a referer ending with a slash',
      { grants: GRANTS, referers: ['http://127.0.0.1:5173/'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    [
      'a referer with a path',
      { grants: GRANTS, referers: ['https://app.example.com/path'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    [
      'a referer with a query',
      { grants: GRANTS, referers: ['https://app.example.com?x=1'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    [
      'a referer that is not a URL',
      { grants: GRANTS, referers: ['not a url'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    [
      'a referer with another scheme',
      { grants: GRANTS, referers: ['ftp://app.example.com'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    [
      'a referer with an upper-case host',
      { grants: GRANTS, referers: ['https://App.example.com'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    [
      'a referer with the default port',
      { grants: GRANTS, referers: ['https://app.example.com:443'], allowed_apis: ['sql'] },
      'Invalid referers',
    ],
    ['missing allowed_apis', { grants: GRANTS }, 'Invalid allowed_apis'],
    ['empty allowed_apis', { grants: GRANTS, allowed_apis: [] }, 'Invalid allowed_apis'],
    ['an unknown API', { grants: GRANTS, allowed_apis: ['sql', 'tiles'] }, 'Invalid allowed_apis'],
    [
      'imports combined with another API',
      { grants: GRANTS, allowed_apis: ['imports', 'sql'] },
      'Invalid allowed_apis',
    ],
    [
      'an expiration date in the past',
      { grants: GRANTS, allowed_apis: ['sql'], expiration_date: '2001-01-01T00:00:00Z' },
      'Invalid expiration_date',
    ],
    [
      'an expiration date that is not a date',
      { grants: GRANTS, allowed_apis: ['sql'], expiration_date: 'tomorrow' },
      'Invalid expiration_date',
    ],
  ])('refuses %s with 400', async (_case, body, error) => {
    const refused = await create(body);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error, description: expect.any(String) });
  });

  it.each([
    ['a fully qualified table', 'demo.public.cities'],
    ['a quoted table', '"demo"."public"."cities"'],
    ['a BigQuery-style backticked table', '`my-project.dataset.table`'],
    ['a wildcard with two segments', 'demo.public.*'],
    ['the whole connection', '*'],
    ['a SQL query', 'SELECT name FROM demo.public.cities WHERE population > 5000000'],
  ])('accepts %s as a grant source', async (_case, source) => {
    const created = await create({
      grants: [{ connection_name: DEMO.connection, source }],
      allowed_apis: ['sql'],
    });
    expect(created.status).toBe(201);
  });

  it('accepts origins as referers', async () => {
    const referers = [
      'http://127.0.0.1:5173',
      'https://app.example.com',
      'http://localhost:8080',
      'http://[::1]:3000',
    ];
    const created = await create({ grants: GRANTS, referers, allowed_apis: ['sql'] });
    expect(created).toMatchObject({ status: 201, body: { referers } });
  });

  it('accepts imports alone', async () => {
    expect((await create({ grants: GRANTS, allowed_apis: ['imports'] })).status).toBe(201);
  });

  it('applies the same validation to updates', async () => {
    const { body: created } = await create({ grants: GRANTS, allowed_apis: ['sql'] });
    const refused = await api(`${tokensUrl}/${created.token}`, {
      method: 'PATCH',
      token: oauthToken,
      body: { referers: ['https://app.example.com/'] },
    });
    expect(refused).toMatchObject({ status: 400, body: { error: 'Invalid referers' } });
  });

  it('forgets API access tokens on reset', async () => {
    const { body: created } = await create({ grants: GRANTS, allowed_apis: ['sql'] });
    await emulator.admin.reset();
    expect((await api(`${tokensUrl}/${created.token}`, { token: oauthToken })).status).toBe(404);
  });
});
