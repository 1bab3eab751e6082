/**
 * Adversarial token endpoint answers (fault injection on the emulator's /oauth/token) during the code
 * exchange and during renewal: garbage, empty, huge, incomplete, unsupported token types, 5xx, 429 and
 * hangs past the time-out. Also checks that no token leaks into snapshots.
 */
import { inspect } from 'node:util';

import { CartoAuthError, type AuthSnapshot, type CartoAuthClient } from '..';
import { countRequests, spaPage, useEmulator, waitFor, type SpaPage } from '../../test/harness';

const emulator = useEmulator();
const TOKEN_PATH = '/oauth/token';

beforeEach(() => emulator().admin.reset());

/** A page that has been to the login form and holds the callback URL, not yet landed on it. */
async function atCallback(): Promise<SpaPage> {
  const page = spaPage(emulator());
  const first = page.client();
  await first.start();
  page.nav.url = await page.loginAt(first);
  return page;
}

/** Everything an app could log about a snapshot, including the error's cause chain. */
const dump = (value: unknown) => inspect(value, { depth: 20, showHidden: true });

describe('the code exchange against broken token responses', () => {
  it.each([
    ['an HTML proxy page (200)', { garbage: true }, 'invalid_response'],
    ['an empty 200 body', { status: 200, body: '' }, 'invalid_response'],
    [
      'a JSON 200 body without access_token',
      { status: 200, body: { token_type: 'Bearer', expires_in: 3600 } },
      'invalid_response',
    ],
    [
      'token_type mac',
      { status: 200, body: { access_token: 'AT-SECRET', token_type: 'mac', expires_in: 3600 } },
      'invalid_response',
    ],
    ['a JSON array', { status: 200, body: [1, 2, 3] }, 'invalid_response'],
    [
      'expires_in as a word',
      { status: 200, body: { access_token: 'AT', token_type: 'Bearer', expires_in: 'soon' } },
      'invalid_response',
    ],
    [
      'an access_token that could not go into a header (a line break)',
      { status: 200, body: { access_token: 'AT\nX-Evil: 1', token_type: 'Bearer', expires_in: 3600 } },
      'invalid_response',
    ],
    ['a 500', { status: 500 }, 'network_error'],
    ['a 503 with HTML', { status: 503, body: '<html>down</html>' }, 'network_error'],
    ['invalid_grant (400)', { status: 400, body: { error: 'invalid_grant' } }, 'token_request_failed'],
  ])('%s (fault %j) ends in error with code %s, not loading', async (_name, fault, code) => {
    const page = await atCallback();
    await emulator().admin.fault({ path: TOKEN_PATH, ...fault });
    const snapshot = await page.client().start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(CartoAuthError);
    expect(snapshot.error?.code).toBe(code);
    expect(await countRequests(emulator(), TOKEN_PATH)).toBe(1);
  });

  it('a 429 during the exchange ends in a coded error and is not retried in a loop', async () => {
    const page = await atCallback();
    await emulator().admin.fault({
      path: TOKEN_PATH,
      status: 429,
      body: { error: 'too_many_requests' },
      times: 5,
    });
    const snapshot = await page.client().start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(CartoAuthError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await countRequests(emulator(), TOKEN_PATH)).toBe(1);
  });

  it('a token response with an unsupported token_type does not put the tokens into the snapshot error', async () => {
    const page = await atCallback();
    await emulator().admin.fault({
      path: TOKEN_PATH,
      status: 200,
      body: {
        access_token: 'AT-SECRET-123',
        refresh_token: 'RT-SECRET-456',
        token_type: 'mac',
        expires_in: 3600,
      },
    });
    const client = page.client();
    const seen: unknown[] = [];
    client.inspect((previous, event, next) => seen.push(previous, event, next));
    const snapshot = await client.start();
    expect(snapshot.error?.code).toBe('invalid_response');
    const logged = dump(snapshot) + dump(seen);
    expect({
      accessTokenLeaked: logged.includes('AT-SECRET-123'),
      refreshTokenLeaked: logged.includes('RT-SECRET-456'),
    }).toEqual({
      accessTokenLeaked: false,
      refreshTokenLeaked: false,
    });
  });

  it('a token response missing access_token but carrying a refresh_token does not leak it into the snapshot', async () => {
    const page = await atCallback();
    await emulator().admin.fault({
      path: TOKEN_PATH,
      status: 200,
      body: { refresh_token: 'RT-SECRET-789', token_type: 'Bearer' },
    });
    const snapshot = await page.client().start();
    expect(snapshot.error?.code).toBe('invalid_response');
    expect(dump(snapshot).includes('RT-SECRET-789')).toBe(false);
  });

  it('a huge (512 KiB) but valid access token is accepted', async () => {
    const page = await atCallback();
    const big = 'h'.repeat(512 * 1024);
    await emulator().admin.fault({
      path: TOKEN_PATH,
      status: 200,
      body: { access_token: big, token_type: 'Bearer', expires_in: 3600 },
    });
    const client = page.client();
    expect((await client.start()).status).toBe('authenticated');
    expect(await client.getAccessToken()).toBe(big);
  });

  it('a token endpoint that never answers fails with timeout once requestTimeoutMs passes on the clock', async () => {
    const page = await atCallback();
    await emulator().admin.fault({ path: TOKEN_PATH, hang: true });
    const client = page.client();
    const started = client.start();
    await waitFor(() => page.recorded.some((r) => r.url.endsWith(TOKEN_PATH)));
    page.clock.advance(10_001);
    const snapshot = await started;
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.code).toBe('timeout');
  });
});

describe('renewal against a struggling token endpoint', () => {
  /** Signs in, then moves the clock into the leeway (the token is stale but still valid). */
  async function staleSession(): Promise<{ page: SpaPage; client: CartoAuthClient; old: string }> {
    const page = spaPage(emulator());
    page.ports.clock = { now: () => page.clock.now(), setTimer: () => 0, clearTimer: () => undefined };
    const client = await page.signIn();
    const old = await client.getAccessToken();
    page.clock.advance(client.getSnapshot().expiresAt! - page.clock.now() - 30_000);
    return { page, client, old };
  }

  it.each([
    ['a 503 with a JSON error body', { status: 503 }],
    ['a 500 with {"error":"server_error"}', { status: 500, body: { error: 'server_error' } }],
    ['a 429 with {"error":"too_many_requests"}', { status: 429, body: { error: 'too_many_requests' } }],
    ['an HTML proxy page', { garbage: true }],
  ])('%s keeps the still-valid session instead of signing the user out', async (_name, fault) => {
    const { client, old } = await staleSession();
    await emulator().admin.fault({ path: TOKEN_PATH, ...fault });
    const token = await client.getAccessToken();
    const after: AuthSnapshot = client.getSnapshot();
    expect({ status: after.status, code: after.error?.code, token }).toEqual({
      status: 'authenticated',
      code: undefined,
      token: old,
    });
  });

  it('a hang during renewal keeps the still-valid token after the time-out and does not loop', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const old = await client.getAccessToken();
    await emulator().admin.fault({ path: TOKEN_PATH, hang: true });
    const before = await countRequests(emulator(), TOKEN_PATH);
    page.clock.advance(client.getSnapshot().expiresAt! - page.clock.now() - 30_000); // fires the renewal timer
    await waitFor(() => page.recorded.filter((r) => r.url.endsWith(TOKEN_PATH)).length === 2);
    page.clock.advance(10_001); // time-out
    await waitFor(() => client.getSnapshot().status === 'authenticated');
    expect(await client.getAccessToken()).toBe(old);
    expect((await countRequests(emulator(), TOKEN_PATH)) - before).toBe(1);
  });
});
