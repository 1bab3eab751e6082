import {
  apiToken,
  createCartoAuth,
  memoryPorts,
  persistentStorage,
  querySql,
  spa,
  type AuthSnapshot,
  type BroadcastPort,
  type ClockPort,
  type LockNote,
} from '.';
import { sealAnswer } from './strategies/spa-pkce/persistence';
import {
  DEMO,
  REDIRECT_URI,
  countRequests,
  sameOriginPages,
  spaPage,
  useEmulator,
  waitFor,
  type SpaPage,
} from '../test/harness';

const emulator = useEmulator();
const API = 'https://gcp-us-east1.api.carto.com';

/** The same clock, but timers never fire: a throttled or sleeping tab (case-01, case-13). */
function throttledTimers(clock: ClockPort): ClockPort {
  return { now: () => clock.now(), setTimer: () => 0, clearTimer: () => undefined };
}

/** A fetch port that answers locally and records what would have left the machine. */
function offlineFetch(status = 200) {
  const sent: Array<{ url: string; authorization: string | null }> = [];
  const port: typeof fetch = async (input, init) => {
    // Requests to allowed origins arrive as a Request with the headers in `init`; others as given.
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    return new Response('{}', { status, headers: { 'content-type': 'application/json' } });
  };
  return { port, sent };
}

describe('createCartoAuth runtime', () => {
  it('rejects bad configuration synchronously with coded TypeErrors', () => {
    expect(() =>
      createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: 'http://api.example.com' }),
    ).toThrow(expect.objectContaining({ name: 'TypeError', code: 'insecure_url' }));
    expect(() => createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
    expect(() => createCartoAuth({ apiBaseUrl: API } as never)).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });

  it('subscribe calls now and on change; listen only on change; snapshots are stable objects', () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: API,
      ports: memoryPorts(),
    });
    const seen: AuthSnapshot[] = [];
    const heard: AuthSnapshot[] = [];
    auth.subscribe((s) => seen.push(s));
    auth.listen((s) => heard.push(s));
    expect(auth.getSnapshot()).toBe(auth.getSnapshot());
    auth.logout();
    expect(seen.map((s) => s.status)).toEqual(['authenticated', 'unauthenticated']);
    expect(heard.map((s) => s.status)).toEqual(['unauthenticated']);
  });

  it('case-08: attaches the token only when the parsed origin equals an allowed origin', async () => {
    const { port, sent } = offlineFetch();
    const auth = createCartoAuth({
      strategy: apiToken({ token: 'secret' }),
      apiBaseUrl: API,
      ports: memoryPorts({ fetch: port }),
    });
    const lookAlikes = [
      'https://gcp-us-east1.api.carto.com.evil.example/v3/sql',
      'https://evil.example/?u=https://gcp-us-east1.api.carto.com',
      'https://gcp-us-east1.api.carto.com@evil.example/v3/sql',
      'https://gcp-us-east1.api.carto.com:8443/v3/sql',
      'http://gcp-us-east1.api.carto.com/v3/sql',
    ];
    for (const url of lookAlikes) await auth.fetch(url);
    await auth.fetch(`${API}/v3/sql/carto_dw/query?q=1`);
    expect(sent.map((s) => s.authorization)).toEqual([null, null, null, null, null, 'Bearer secret']);
    expect(auth.isAllowedUrl('/v3/sql/relative')).toBe(false);
    expect(auth.isAllowedUrl(`${API}/anything`)).toBe(true);
  });

  it('case-08: an explicit allow-list replaces the default', async () => {
    const { port, sent } = offlineFetch();
    const auth = createCartoAuth({
      strategy: apiToken({ token: 'secret' }),
      apiBaseUrl: API,
      allowedOrigins: ['https://maps.example.com'],
      ports: memoryPorts({ fetch: port }),
    });
    await auth.fetch(`${API}/v3/sql`);
    await auth.fetch('https://maps.example.com/tiles');
    expect(sent.map((s) => s.authorization)).toEqual([null, 'Bearer secret']);
  });

  it('case-09: without a token, a request to an allowed origin goes out with no Authorization header', async () => {
    const { port, sent } = offlineFetch();
    const auth = createCartoAuth({
      strategy: apiToken({ token: 'secret' }),
      apiBaseUrl: API,
      ports: memoryPorts({ fetch: port }),
    });
    auth.logout();
    await auth.fetch(`${API}/v3/sql`);
    expect(sent).toEqual([{ url: `${API}/v3/sql`, authorization: null }]);
  });

  it('case-16: an API token answered 401 twice surfaces unauthorized without looping', async () => {
    const { port, sent } = offlineFetch(401);
    const auth = createCartoAuth({
      strategy: apiToken({ token: 'secret' }),
      apiBaseUrl: API,
      ports: memoryPorts({ fetch: port }),
    });
    await expect(auth.fetch(`${API}/v3/sql`)).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(sent).toHaveLength(1); // a permanent token cannot change: no pointless retry
  });

  it('a cached token is not handed out after logout (the hot path follows every state change)', async () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: API,
      ports: memoryPorts(),
    });
    expect(await auth.getAccessToken()).toBe('t');
    expect(await auth.getAccessToken()).toBe('t'); // from the hot path now
    auth.logout();
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
  });

  it('adversarial: a strategy that decides "fresh" without a token never makes getAccessToken() resolve undefined', async () => {
    const broken = apiToken({ token: 'x' });
    const client = createCartoAuth({
      strategy: { ...broken, decideToken: () => ({ kind: 'fresh', token: '', until: Infinity }) },
      apiBaseUrl: API,
      ports: memoryPorts(),
    });
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
  });

  it('adversarial: any spelling of an origin is one in allowedOrigins; a base URL with a password is refused', () => {
    const client = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: API,
      allowedOrigins: ['HTTPS://GCP-US-EAST1.API.CARTO.COM', 'https://bücher.example:443'],
    });
    expect(client.isAllowedUrl(`${API}/v3/sql`)).toBe(true);
    expect(client.isAllowedUrl('https://xn--bcher-kva.example/x')).toBe(true);
    for (const origin of ['https://a.example/path', 'https://user@a.example', 'https://a.example/?q'])
      expect(() =>
        createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: API, allowedOrigins: [origin] }),
      ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() =>
      createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: 'https://:hunter2@api.example.com' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('apiToken() refuses a token that could not go into a header (a pasted line break), before it leaks into errors', () => {
    for (const token of ['tok\nX-Evil: 1', 'two words', ' ', ''])
      expect(() => apiToken({ token })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => apiToken({ token: 'eyJh.eyJh-_.sig~+/==' })).not.toThrow();
    // A token read from a file or an env var, with its line break at the end, is fine.
    expect(() => apiToken({ token: 'eyJh.eyJh.sig\n' })).not.toThrow();
  });

  it('stop() drops listeners and rejects later token requests with cancelled', async () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: API,
      ports: memoryPorts(),
    });
    const calls: string[] = [];
    auth.listen((s) => calls.push(s.status));
    auth.stop();
    auth.logout();
    expect(calls).toEqual([]);
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('inspect sees every transition with the event type, without token payloads', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    const log: string[] = [];
    client.inspect((_prev, event, next) =>
      log.push(`${event.type}:${event.from}->${event.to}:${next.status}`),
    );
    await client.start();
    expect(log).toEqual([
      'startRequested:idle->loading:loading',
      'restored:loading->unauthenticated:unauthenticated',
    ]);
  });
});

describe('the SPA client over HTTP', () => {
  beforeEach(() => emulator().admin.reset());

  it('the signed-in user is frozen all the way down: an app editing it changes nothing the client holds', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({ storage: persistentStorage('session') });
    const { user } = client.getSnapshot();
    expect(user?.permissions.length).toBeGreaterThan(0);
    expect(() => (user?.permissions as string[]).push('admin:everything')).toThrow(TypeError);
    expect(() => Object.assign(user as object, { email: 'someone@else.test' })).toThrow(TypeError);
    expect(user?.userMetadata).toEqual(expect.any(Object));
    expect(Object.isFrozen(user?.userMetadata)).toBe(true);
    await client.getAccessToken({ forceRenew: true }); // a refresh keeps (and persists) the user it holds
    expect(client.getSnapshot().user).toEqual(user);
    expect(JSON.stringify(client.getSnapshot().user)).not.toContain('admin:everything');
    client.stop();
    // After a reload, the user restored from storage is frozen as well.
    const reloaded = page.client({ storage: persistentStorage('session') });
    await reloaded.start();
    const restored = reloaded.getSnapshot().user;
    expect(restored).toEqual(user);
    expect(() => (restored?.permissions as string[]).push('admin:everything')).toThrow(TypeError);
    expect(Object.isFrozen(restored?.userMetadata)).toBe(true);
  });

  it('case-01: 20 callers at once on an expired token cause one token request and all get the same token', async () => {
    const page = spaPage(emulator());
    page.ports.clock = throttledTimers(page.clock); // a background tab: the renewal timer never fires
    const client = await page.signIn();
    const old = await client.getAccessToken();
    const before = await countRequests(emulator(), '/oauth/token');
    page.clock.set(page.clock.now() + 86_400_000 + 1);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(old);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
  });

  it('case-05: start() called twice on the callback exchanges the code once', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    const client = page.client();
    const [a, b] = await Promise.all([client.start(), client.start()]);
    expect(a.status).toBe('authenticated');
    expect(b.status).toBe('authenticated');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-05: a second client on the same callback (component mounted twice) does not exchange again', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    const callbackUrl = page.nav.url;
    expect((await page.client().start()).status).toBe('authenticated');
    page.nav.url = callbackUrl;
    const twin = await page.client().start();
    expect(twin.error).toBeUndefined();
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-06: an e-mail verification link with ?code=success is left alone', async () => {
    const page = spaPage(emulator());
    page.nav.url = `${REDIRECT_URI}?code=success`;
    const client = page.client();
    const seen: string[] = [];
    client.inspect((_p, e) => seen.push(e.type));
    expect(await client.start()).toMatchObject({ status: 'unauthenticated' });
    expect(client.getSnapshot().error).toBeUndefined();
    expect(page.nav.url).toBe(`${REDIRECT_URI}?code=success`);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it("case-06: another integration's callback with a state we never issued is left alone", async () => {
    const page = spaPage(emulator());
    page.nav.url = `${REDIRECT_URI}?code=abc&state=from-another-integration`;
    expect(await page.client().start()).toEqual({ status: 'unauthenticated', strategy: 'spa' });
    expect(page.nav.url).toBe(`${REDIRECT_URI}?code=abc&state=from-another-integration`);
  });

  it('case-10: a client clock one hour ahead computes expiry from expires_in and does not loop', async () => {
    const page = spaPage(emulator(), Date.now() + 3_600_000);
    const client = await page.signIn();
    expect(client.getSnapshot().expiresAt! - page.clock.now()).toBe(86_400_000);
    for (let i = 0; i < 10; i++) await client.getAccessToken();
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-12: a 30-day token neither renews at once nor loops; it renews once at the leeway', async () => {
    const page = spaPage(thirtyDay());
    const client = await page.signIn();
    expect(client.getSnapshot().expiresAt! - page.clock.now()).toBe(30 * 86_400_000);
    page.clock.advance(25 * 86_400_000); // past the ~24.8-day setTimeout limit
    expect(await countRequests(thirtyDay(), '/oauth/token')).toBe(1);
    page.clock.advance(5 * 86_400_000 - 59_000);
    await waitFor(() => client.getSnapshot().expiresAt! > page.clock.now() + 86_400_000);
    expect(await countRequests(thirtyDay(), '/oauth/token')).toBe(2);
  });

  it('case-13: after the laptop slept past expiry (timers never fired), getAccessToken never returns the expired token', async () => {
    const page = spaPage(emulator());
    page.ports.clock = throttledTimers(page.clock);
    const client = await page.signIn();
    const old = await client.getAccessToken();
    page.clock.set(page.clock.now() + 2 * 86_400_000);
    const fresh = await client.getAccessToken();
    expect(fresh).not.toBe(old);
    expect(client.getSnapshot().expiresAt!).toBeGreaterThan(page.clock.now());
  });

  it('case-14: logout during an in-flight renewal cancels it; no request or state change afterwards', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    page.clock.advance(86_400_000 - 30_000); // the renewal starts and hangs
    await waitFor(() => page.recorded.filter((r) => r.url.endsWith('/oauth/token')).length === 2);
    client.logout({ localOnly: true });
    const statuses: string[] = [];
    client.listen((s) => statuses.push(s.status));
    page.clock.advance(86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.getSnapshot().status).toBe('unauthenticated');
    expect(statuses).toEqual([]);
    expect(page.recorded.filter((r) => r.url.endsWith('/oauth/token'))).toHaveLength(2);
  });

  it('case-15: invalid_grant on renewal ends as unauthenticated with the reason', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    await emulator().admin.fault({
      path: '/oauth/token',
      status: 400,
      body: { error: 'invalid_grant', error_description: 'revoked' },
    });
    await expect(client.getAccessToken({ forceRenew: true })).rejects.toMatchObject({
      code: 'login_required',
      oauthError: 'invalid_grant',
    });
    expect(client.getSnapshot()).toMatchObject({
      status: 'unauthenticated',
      error: { code: 'login_required', oauthError: 'invalid_grant' },
    });
  });

  it('case-03: a refresh response without refresh_token keeps using the previous refresh token', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const first = await client.getAccessToken();
    await emulator().admin.fault({
      path: '/oauth/token',
      status: 200,
      body: { access_token: first, token_type: 'Bearer', expires_in: 86_400 },
    });
    await client.getAccessToken({ forceRenew: true });
    // The real server now rotates the refresh token we kept: it still works.
    const renewed = await client.getAccessToken({ forceRenew: true });
    expect(renewed).not.toBe(first);
    expect(client.getSnapshot().status).toBe('authenticated');
  });

  it('case-16: a CARTO API answering 401 gets one renewal and one retry; a second 401 is an error', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const sqlPath = '/v3/sql/carto_dw/query';
    await emulator().admin.fault({ path: sqlPath, status: 401, body: { error: 'Unauthorized' } });
    const ok = await querySql(client, {
      connection: 'carto_dw',
      query: 'select count(*) as n from demo.public.cities',
    });
    expect(Number(ok.rows[0]!['n'])).toBeGreaterThan(0);
    await emulator().admin.clearRequests();
    await emulator().admin.fault({ path: sqlPath, status: 401, body: { error: 'Unauthorized' }, times: 2 });
    await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(await countRequests(emulator(), sqlPath, 'GET')).toBe(2);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-16: a 401 that a renewal does not cure renews once, not on every request (no token-endpoint storm)', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const sqlPath = '/v3/sql/carto_dw/query';
    await emulator().admin.clearRequests();
    // A persistent 401, as for a token without a CARTO account or for another audience.
    await emulator().admin.fault({ path: sqlPath, status: 401, body: { error: 'Unauthorized' }, times: 100 });
    for (let i = 0; i < 5; i++) {
      await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
        code: 'unauthorized',
      });
    }
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
    expect(await countRequests(emulator(), sqlPath, 'GET')).toBe(6); // 2 for the first, then 1 each
    // Once the token changes for another reason (here a forced renewal), a 401 is worth a renewal again.
    await client.getAccessToken({ forceRenew: true });
    await expect(querySql(client, { connection: 'carto_dw', query: 'select 1' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(await countRequests(emulator(), '/oauth/token')).toBe(3);
  });

  it('case-16: once an API takes the renewed token again, a later 401 to it is worth a renewal again', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const sqlPath = '/v3/sql/carto_dw/query';
    const select = { connection: 'carto_dw', query: 'select 1' };
    // A proxy restarting answers 401 to a request and to its retry with a renewed token.
    await emulator().admin.fault({ path: sqlPath, status: 401, body: { error: 'Unauthorized' }, times: 2 });
    await expect(querySql(client, select)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(querySql(client, select)).resolves.toMatchObject({ rows: [{}] }); // the API is back
    await emulator().admin.clearRequests();
    // Later that token is refused once (revoked): one renewal cures it, as on a fresh session.
    await emulator().admin.fault({ path: sqlPath, status: 401, body: { error: 'Unauthorized' }, times: 1 });
    await expect(querySql(client, select)).resolves.toMatchObject({ rows: [{}] });
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-16: concurrent requests answered 401 share one renewal and each retry once', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const sqlPath = '/v3/sql/carto_dw/query';
    await emulator().admin.clearRequests();
    await emulator().admin.fault({ path: sqlPath, status: 401, body: { error: 'Unauthorized' }, times: 3 });
    const results = await Promise.all(
      [1, 2, 3].map((n) => querySql(client, { connection: 'carto_dw', query: `select ${n} as n` })),
    );
    expect(results.map((r) => Number(r.rows[0]!['n']))).toEqual([1, 2, 3]);
    expect(await countRequests(emulator(), sqlPath, 'GET')).toBe(6);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('fetch reads a URL object once: changing it while the token is fetched cannot redirect the token', async () => {
    const { port, sent } = offlineFetch();
    const auth = createCartoAuth({
      strategy: apiToken({ token: 'secret' }),
      apiBaseUrl: API,
      ports: memoryPorts({ fetch: port }),
    });
    const url = new URL(`${API}/v3/sql`);
    const pending = auth.fetch(url);
    url.host = 'evil.example';
    await pending;
    expect(sent).toEqual([{ url: `${API}/v3/sql`, authorization: 'Bearer secret' }]);
  });

  it('rejects time-outs a timer cannot honour (NaN from an unset variable, 0, Infinity) as invalid_config', () => {
    for (const requestTimeoutMs of [Number.NaN, 0, -1, Infinity, 2 ** 31]) {
      expect(() =>
        createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: API, requestTimeoutMs }),
      ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    }
  });

  it('a function subscribed twice is unsubscribed one subscription at a time', () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: API,
      ports: memoryPorts(),
    });
    const heard: string[] = [];
    const listener = (s: AuthSnapshot) => heard.push(s.status);
    const first = auth.listen(listener);
    auth.listen(listener);
    first();
    auth.logout();
    expect(heard).toEqual(['unauthenticated']);
  });

  it('a listener that throws is reported, not thrown at the caller; the other listeners still hear', () => {
    const reported: unknown[] = [];
    const original = (globalThis as { reportError?: unknown }).reportError;
    (globalThis as { reportError?: unknown }).reportError = (error: unknown) => reported.push(error);
    try {
      const auth = createCartoAuth({
        strategy: apiToken({ token: 't' }),
        apiBaseUrl: API,
        ports: memoryPorts(),
      });
      const heard: string[] = [];
      auth.listen(() => {
        throw new Error('app bug');
      });
      auth.listen((s) => heard.push(s.status));
      expect(() => auth.logout()).not.toThrow();
      expect(heard).toEqual(['unauthenticated']);
      expect(reported).toEqual([new Error('app bug')]);
    } finally {
      (globalThis as { reportError?: unknown }).reportError = original;
    }
  });

  it('an event sent from a listener waits for the current transition: every inspector sees the transitions in order', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const seen: string[][] = [[], []];
    // The first inspector logs out as soon as a renewal starts; the second must still hear of the
    // renewal before the logout, never the other way round.
    client.inspect((_previous, event) => {
      seen[0]!.push(`${event.from}->${event.to}`);
      if (event.type === 'renewRequested') client.logout({ localOnly: true });
    });
    client.inspect((_previous, event) => seen[1]!.push(`${event.from}->${event.to}`));
    await expect(client.getAccessToken({ forceRenew: true })).rejects.toBeDefined();
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]![0]).toMatch(/^authenticated->/);
    expect(client.getSnapshot().status).toBe('unauthenticated');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1); // the login's exchange only
  });

  it('case-25: an empty organization is not sent', async () => {
    const page = spaPage(emulator());
    const client = page.client({ organization: '' });
    await client.start();
    await client.login({ organization: '' });
    await waitFor(() => page.nav.redirects.length === 1);
    expect(new URL(page.nav.redirects[0]!).searchParams.has('organization')).toBe(false);
  });

  it('case-26: tokens travel only in the Authorization header, never in a URL', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    await querySql(client, { connection: 'carto_dw', query: 'select name from demo.public.cities limit 1' });
    await querySql(client, {
      connection: 'carto_dw',
      query: `select name from demo.public.cities where name <> '${'x'.repeat(7000)}' limit 1`,
    });
    await client.getAccessToken({ forceRenew: true });
    const token = await client.getAccessToken();
    expect(page.recorded.some((r) => r.method === 'POST' && r.url.includes('/v3/sql/'))).toBe(true);
    for (const request of page.recorded) {
      expect(request.url).not.toContain(token.slice(-20));
      expect(request.url).not.toMatch(/access_token=/);
    }
    expect(
      page.recorded
        .filter((r) => r.url.includes('/v3/sql/'))
        .every((r) => r.authorization === `Bearer ${r.authorization!.slice(7)}`),
    ).toBe(true);
  });

  it('case-27: logout with federated: false does not send federated', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    client.logout({ federated: false, returnTo: '' });
    expect(new URL(page.nav.redirects.at(-1)!).searchParams.has('federated')).toBe(false);
  });

  it('case-02: a scheduled renewal and a manual getAccessToken() at once use the rotating refresh token once (one tab)', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const before = await countRequests(emulator(), '/oauth/token');
    page.clock.set(client.getSnapshot().expiresAt! - 30_000); // the renewal timer fires now...
    const [a, b] = await Promise.all([client.getAccessToken(), client.getAccessToken({ forceRenew: true })]); // ...and callers ask too
    expect(a).toBe(b);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    expect(client.getSnapshot()).toMatchObject({ status: 'authenticated' });
    expect(client.getSnapshot().error).toBeUndefined(); // no invalid_grant from a reused refresh token
  });

  /** Two tabs of one origin with `storage: 'local'`: they share localStorage and, unless told otherwise, the lock. */
  async function twoTabsSharingLocalStorage(lock: 'shared lock' | 'no lock') {
    const first = spaPage(emulator());
    const second = spaPage(emulator());
    second.ports.localStore = first.ports.localStore;
    // 'no lock': each tab goes ahead at once with a note of its own (separate tabs without Web Locks).
    const uncoordinated = () => ({
      run: <T>(_name: string, _signal: AbortSignal, task: (note: LockNote) => Promise<T>) =>
        task({ read: async () => null, write: async () => undefined }),
    });
    second.ports.lock = lock === 'shared lock' ? first.ports.lock : uncoordinated();
    if (lock === 'no lock') first.ports.lock = uncoordinated();
    const tabA = await first.signIn({ storage: persistentStorage('local') });
    const tabB = second.client({ storage: persistentStorage('local') });
    expect((await tabB.start()).status).toBe('authenticated'); // restored from the shared storage
    /** Moves both tabs' clocks into the renewal window (their timers fire) and asks both for a token. */
    const renewBoth = () => {
      const at = tabA.getSnapshot().expiresAt! - 30_000;
      first.clock.set(at);
      second.clock.set(at);
      return Promise.allSettled([tabA.getAccessToken(), tabB.getAccessToken()]);
    };
    return { first, second, tabA, tabB, renewBoth };
  }

  it('case-02: two tabs sharing a rotating refresh token redeem it once; the waiting tab takes the result (lock port)', async () => {
    const { tabA, tabB, renewBoth } = await twoTabsSharingLocalStorage('shared lock');
    for (let round = 1; round <= 2; round++) {
      const before = await countRequests(emulator(), '/oauth/token');
      const [a, b] = await renewBoth();
      expect(a).toMatchObject({ status: 'fulfilled' });
      expect(b).toEqual(a); // the same new access token in both tabs
      expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
      for (const tab of [tabA, tabB]) {
        expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
        expect(tab.getSnapshot().error).toBeUndefined(); // no invalid_grant: no token was reused
      }
    }
  });

  it('case-02 (control): without a lock port, two tabs redeem the same refresh token and the server revokes it', async () => {
    const { tabA, tabB, renewBoth } = await twoTabsSharingLocalStorage('no lock');
    const before = await countRequests(emulator(), '/oauth/token');
    await renewBoth();
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(2);
    const statuses = [tabA, tabB].map((tab) => tab.getSnapshot());
    expect(statuses).toContainEqual(
      expect.objectContaining({
        status: 'unauthenticated',
        error: expect.objectContaining({ code: 'login_required' }),
      }),
    );
  });

  it('case-02: a tab that missed rotations takes the newest tokens instead of sending a spent refresh token', async () => {
    const { tabA, tabB } = await twoTabsSharingLocalStorage('shared lock');
    await tabA.getAccessToken({ forceRenew: true });
    const newest = await tabA.getAccessToken({ forceRenew: true }); // two rotations tab B never saw
    const before = await countRequests(emulator(), '/oauth/token');
    await expect(tabB.getAccessToken({ forceRenew: true })).resolves.toBe(newest);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(0);
    await tabA.getAccessToken({ forceRenew: true }); // the family is still alive
    expect(tabA.getSnapshot().error).toBeUndefined();
  });

  it('case-02: a tab waking after the newest tokens expired goes on from the newest refresh token', async () => {
    const { second, tabA, tabB } = await twoTabsSharingLocalStorage('shared lock');
    await tabA.getAccessToken({ forceRenew: true }); // tab B missed this rotation...
    second.clock.set(tabA.getSnapshot().expiresAt! + 3_600_000); // ...and wakes after its tokens expired
    const before = await countRequests(emulator(), '/oauth/token');
    await expect(tabB.getAccessToken()).resolves.toBeTruthy();
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    expect(tabB.getSnapshot()).toMatchObject({ status: 'authenticated' });
    await expect(tabA.getAccessToken({ forceRenew: true })).resolves.toBeTruthy(); // nothing was revoked
    expect(tabA.getSnapshot().error).toBeUndefined();
  });

  it('case-02: a note the lock port cannot write does not cost the tokens just received', async () => {
    const first = spaPage(emulator());
    const inner = first.ports.lock!;
    first.ports.lock = {
      run: (name, signal, task) =>
        inner.run(name, signal, (note) =>
          task({
            read: note.read,
            write: async (value) => {
              if (value !== null) throw new Error('quota exceeded');
              await note.write(value);
            },
          }),
        ),
    };
    const tab = await first.signIn({ storage: persistentStorage('local') });
    const old = await tab.getAccessToken();
    await expect(tab.getAccessToken({ forceRenew: true })).resolves.not.toBe(old);
    await expect(tab.getAccessToken({ forceRenew: true })).resolves.toBeTruthy(); // its new refresh token works
    expect(tab.getSnapshot().error).toBeUndefined();
  });

  it.each([
    ['claims of the wrong type', { accessToken: 'forged', refreshToken: 'r', accessClaims: null }],
    ['no access token', { refreshToken: 'r' }],
    ['no refresh token', { accessToken: 'forged', expiresIn: 3_600 }],
    ['an expiry that is not a number', { accessToken: 'forged', refreshToken: 'r', expiresIn: 'soon' }],
  ])('case-02: a tampered note (%s) is ignored and the tab renews for real', async (_what, tokens) => {
    const page = spaPage(emulator());
    const tab = await page.signIn({ storage: persistentStorage('local') });
    const old = await tab.getAccessToken();
    const noteName = 'carto-auth:carto-spa-demo:refresh';
    await page.ports.lock!.run(noteName, new AbortController().signal, async (note) => {
      // An answer recorded for the tab's own refresh token would make it adopt these tokens.
      // Sealed with the right key: only the shape check stands between these tokens and the tab.
      const session = JSON.parse(page.ports.localStore.get('carto-auth:carto-spa-demo:session')!);
      const answer = { tokens: tokens as never, receivedAt: page.clock.now() };
      await note.write(JSON.stringify([await sealAnswer(answer, session.refreshToken, page.ports.random())]));
    });
    const renewed = await tab.getAccessToken({ forceRenew: true });
    expect(renewed).not.toBe(old);
    expect(renewed).not.toBe('forged');
    expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
  });

  it.each(['memory', 'local'] as const)(
    'a token request whose fetch port ignores the abort still times out (storage %s), and frees the lock',
    async (storage) => {
      const page = spaPage(emulator());
      const tab = await page.signIn({ storage: storage === 'local' ? persistentStorage(storage) : storage });
      const sent = page.ports.fetch;
      let hanging = false;
      page.ports.fetch = (input, init) => {
        if (!String(input).endsWith('/oauth/token')) return sent(input, init);
        hanging = true;
        return new Promise(() => undefined); // never settles, whatever the signal says
      };
      const old = await tab.getAccessToken();
      page.clock.set(tab.getSnapshot().expiresAt! - 30_000);
      const token = tab.getAccessToken();
      await waitFor(() => hanging);
      page.clock.advance(10_000); // requestTimeoutMs
      await expect(token).resolves.toBe(old); // still valid: kept, renewal retried later
      const free = page.ports.lock!.run(
        'carto-auth:carto-spa-demo:refresh',
        new AbortController().signal,
        async () => 'free',
      );
      await expect(free).resolves.toBe('free');
    },
  );

  it('Back from the login page leaves a usable page (back/forward cache): a second login works', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    await client.start();
    await client.login();
    await waitFor(() => page.nav.redirects.length === 1);
    expect(client.getSnapshot().status).toBe('loading'); // redirecting; then the user presses Back
    page.nav.showFromCache();
    await waitFor(() => client.getSnapshot().status === 'unauthenticated');
    await client.login();
    await waitFor(() => page.nav.redirects.length === 2);
  });

  it('Back from a re-login while signed in with stored tokens restores the session', async () => {
    const page = spaPage(emulator());
    await page.signIn({ storage: persistentStorage('session') });
    const client = page.client({ storage: persistentStorage('session') });
    await client.start();
    await client.login({ prompt: 'login' });
    await waitFor(() => page.nav.redirects.length === 2);
    page.nav.showFromCache();
    await waitFor(() => client.getSnapshot().status === 'authenticated');
    await expect(client.getAccessToken()).resolves.toBeTruthy();
  });

  it('case-29: logging out in one tab signs the other tab out too (broadcast port)', async () => {
    const listeners = new Set<(message: string) => void>();
    const channel: BroadcastPort = {
      post: (message) => listeners.forEach((listener) => listener(message)),
      subscribe(listener) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    const first = spaPage(emulator());
    const second = spaPage(emulator());
    first.ports.broadcast = channel;
    second.ports.broadcast = channel;
    const tabA = await first.signIn();
    const tabB = await second.signIn();
    tabA.logout({ localOnly: true });
    expect(tabB.getSnapshot().status).toBe('unauthenticated');
    await expect(tabB.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
    expect(second.nav.redirects).toHaveLength(1); // only its own login: the other tab does not redirect
  });

  it("case-29: another client id's logout on the same origin does not sign this client out", async () => {
    const listeners = new Set<(message: string) => void>();
    const channel: BroadcastPort = {
      post: (message) => listeners.forEach((listener) => listener(message)),
      subscribe(listener) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
    const page = spaPage(emulator());
    page.ports.broadcast = channel;
    const signedIn = await page.signIn();
    const otherApp = createCartoAuth({
      strategy: spa({ clientId: 'another-app', redirectUri: 'http://127.0.0.1:4200/other' }),
      apiBaseUrl: emulator().apiUrl,
      ports: { ...memoryPorts(), broadcast: channel },
    });
    await otherApp.start();
    otherApp.logout({ localOnly: true });
    expect(signedIn.getSnapshot().status).toBe('authenticated');
    await expect(signedIn.getAccessToken()).resolves.toEqual(expect.any(String));
  });

  it('case-30: by default tokens stay in memory; nothing token-like is written to any storage', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const token = await client.getAccessToken();
    for (const storage of [page.ports.sessionStore, page.ports.localStore, page.ports.transientStorage]) {
      const entries = [...(storage as unknown as { entries: Map<string, string> }).entries.values()].join(
        ' ',
      );
      expect(entries).not.toContain(token);
      expect(entries).not.toMatch(/refresh|access/i);
    }
  });

  it('case-02: two clients of one page restoring an expired session (storage: session) redeem its refresh token once', async () => {
    const page = spaPage(emulator());
    const signedIn = await page.signIn({ storage: persistentStorage('session') });
    page.clock.set((signedIn.getSnapshot().expiresAt ?? 0) + 1_000);
    signedIn.stop();
    const before = await countRequests(emulator(), '/oauth/token');
    // A component mounted twice: two clients on the same page and storage.
    const first = page.client({ storage: persistentStorage('session') });
    const second = page.client({ storage: persistentStorage('session') });
    const snapshots = await Promise.all([first.start(), second.start()]);
    expect(snapshots.map((snapshot) => snapshot.status)).toEqual(['authenticated', 'authenticated']);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    // Both go on working: the second took the first's answer instead of spending the same refresh token.
    await expect(first.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    await expect(second.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
  });

  it("case-02: a duplicated tab (storage: session) takes its own session's newest tokens, never another tab's", async () => {
    // Three tabs of one origin, one Web Lock: A, a duplicate of A (a copy of its sessionStorage), and B
    // signed in as someone else. The real-browser side (Chromium copying sessionStorage) is in e2e.
    const [pageA, pageCopy, pageB] = sameOriginPages(emulator(), 3) as [SpaPage, SpaPage, SpaPage];
    const tabA = await pageA.signIn({ storage: persistentStorage('session') });
    const key = 'carto-auth:carto-spa-demo:session';
    pageCopy.ports.sessionStore.set(key, pageA.ports.sessionStore.get(key)!);
    const copy = pageCopy.client({ storage: persistentStorage('session') });
    expect((await copy.start()).status).toBe('authenticated');
    const tabB = await pageB.signIn({ storage: persistentStorage('session') }, DEMO.users.sso);
    const renewedA = await tabA.getAccessToken({ forceRenew: true }); // spends the refresh token the copy holds
    await tabB.getAccessToken({ forceRenew: true }); // B's answer is now the newest in the note
    const before = await countRequests(emulator(), '/oauth/token');
    await expect(copy.getAccessToken({ forceRenew: true })).resolves.toBe(renewedA);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(0);
    expect(copy.getSnapshot().user?.email).toBe(DEMO.users.demo);
    // Every family is alive: nothing was redeemed twice.
    for (const tab of [tabA, copy, tabB])
      await expect(tab.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    expect(tabB.getSnapshot().user?.email).toBe(DEMO.users.sso);
  });

  it('storage: session keeps the session across a reload; memory does not', async () => {
    const page = spaPage(emulator());
    await page.signIn({ storage: persistentStorage('session') });
    expect((await page.client({ storage: persistentStorage('session') }).start()).status).toBe(
      'authenticated',
    );
    const other = spaPage(emulator());
    await other.signIn();
    expect((await other.client().start()).status).toBe('unauthenticated');
  });
});

const thirtyDay = useEmulator({ accessTokenTtl: 30 * 86_400 });
