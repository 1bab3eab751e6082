import {
  m2m,
  manualClock,
  memoryPorts,
  memoryTokenCache,
  type CartoAuthClient,
  type M2mTokenCache,
} from '../..';
import { DEMO, countRequests, demoM2mClient, realClock, useEmulator } from '../../../test/harness';

const emulator = useEmulator();

function m2mClient(
  overrides: Partial<Parameters<typeof m2m>[0]> = {},
  clock = manualClock(Date.now()),
  requestTimeoutMs?: number,
): CartoAuthClient {
  return demoM2mClient(emulator(), overrides, {
    ports: memoryPorts({ clock }),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
}

/** An M2M client on the real clock, with a time-out and optionally a fetch port of its own. */
function realM2mClient(
  overrides: Partial<Parameters<typeof m2m>[0]>,
  requestTimeoutMs: number,
  fetchPort?: typeof fetch,
): CartoAuthClient {
  const ports = memoryPorts({ clock: realClock(), ...(fetchPort ? { fetch: fetchPort } : {}) });
  return demoM2mClient(emulator(), overrides, { ports, requestTimeoutMs });
}

describe('m2m strategy against the emulator', () => {
  beforeEach(() => emulator().admin.reset());

  it('gets a client-credentials token with client_secret_post and the CARTO audience', async () => {
    const client = m2mClient();
    expect(client.getSnapshot().status).toBe('idle');
    const token = await client.getAccessToken();
    expect(token.split('.')).toHaveLength(3);
    expect(client.getSnapshot()).toMatchObject({
      status: 'authenticated',
      strategy: 'm2m',
      user: { sub: `${DEMO.m2mClientId}@clients`, permissions: expect.arrayContaining(['write:tokens']) },
    });
    expect(await client.getAccessToken()).toBe(token); // cached: no second request
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('a wrong secret fails with token_request_failed / invalid_client, and the snapshot shows the error', async () => {
    const client = m2mClient({ clientSecret: 'wrong' });
    await expect(client.getAccessToken()).rejects.toMatchObject({
      name: 'CartoAuthError',
      code: 'token_request_failed',
      oauthError: 'invalid_client',
      status: 401,
    });
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'token_request_failed' } });
  });

  it('an unknown audience is refused with access_denied (403)', async () => {
    await expect(m2mClient({ audience: 'someone-else' }).getAccessToken()).rejects.toMatchObject({
      code: 'token_request_failed',
      oauthError: 'access_denied',
      status: 403,
    });
  });

  it.each([
    ['a 503', { status: 503, body: 'maintenance' }, 'network_error'],
    ['garbage', { garbage: true }, 'invalid_response'],
  ])(
    '%s from the token endpoint is a typed error; calls during the 1 s back-off get it without a request, then it recovers',
    async (_name, fault, code) => {
      await emulator().admin.fault({ path: '/oauth/token', ...fault });
      const clock = manualClock(Date.now());
      const client = m2mClient({}, clock);
      await expect(client.getAccessToken()).rejects.toMatchObject({ code });
      clock.advance(999);
      await expect(client.getAccessToken({ forceRenew: true })).rejects.toMatchObject({ code });
      expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
      clock.advance(1);
      await expect(client.getAccessToken()).resolves.toMatch(/^ey/);
    },
  );

  it("adversarial: a 429's Retry-After holds every caller off the token endpoint until it has passed", async () => {
    await emulator().admin.fault({ path: '/oauth/token', status: 429, retryAfter: '120', times: 1 });
    const clock = manualClock(Date.now());
    const client = m2mClient({}, clock);
    for (let second = 0; second < 120; second += 10) {
      await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error', status: 429 });
      clock.advance(10_000);
    }
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
    await expect(client.getAccessToken()).resolves.toMatch(/^ey/);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
  });

  it.each<[string, () => unknown]>([
    [
      'throws',
      () => {
        throw new Error('ECONNREFUSED redis');
      },
    ],
    ['hangs', () => new Promise(() => undefined)],
    ['has an empty token', () => ({ accessToken: '', receivedAt: 0, expiresAt: 9e15, renewAt: 9e15 })],
    ['has no times', () => ({ accessToken: 'x' })],
    [
      'has a token that could not go into a header',
      () => ({ accessToken: 'SECRET\nX-Evil: 1', receivedAt: 0, expiresAt: 9e15, renewAt: 9e15 }),
    ],
  ])(
    'adversarial: a shared cache whose get() %s is a miss: the token comes from the endpoint',
    async (_name, get) => {
      const cache = { get, set: () => undefined, delete: () => undefined } as unknown as M2mTokenCache;
      const realClock = { now: Date.now, setTimer: setTimeout, clearTimer: clearTimeout } as never;
      const client = m2mClient({ cache }, realClock);
      const token = await client.getAccessToken();
      expect(token).toMatch(/^ey/);
      expect(await client.getAccessToken()).toBe(token);
      expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
    },
  );

  it("adversarial: a client with a wrong secret is never served the right one's token from a shared cache", async () => {
    const cache = memoryTokenCache();
    await m2mClient({ cache }).getAccessToken();
    await expect(m2mClient({ cache, clientSecret: 'not-the-secret' }).getAccessToken()).rejects.toMatchObject(
      {
        code: 'token_request_failed',
        oauthError: 'invalid_client',
      },
    );
  });

  it('adversarial: clients sharing a cache share one request too (never two at once, CARTO.md §3)', async () => {
    const cache = memoryTokenCache();
    const clients = Array.from({ length: 5 }, () => m2mClient({ cache }));
    const tokens = await Promise.all(clients.map((client) => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('adversarial: a client stopped while its shared request runs does not take the others down', async () => {
    await emulator().admin.fault({ path: '/oauth/token', delayMs: 400 });
    const cache = memoryTokenCache();
    const [starter, joiner] = [m2mClient({ cache }), m2mClient({ cache })];
    const started = starter.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 150)); // the request is on the wire by now
    const joined = joiner.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 50));
    starter.stop();
    await expect(started).rejects.toMatchObject({ code: 'cancelled' });
    await expect(joined).resolves.toMatch(/^ey/);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('adversarial: a shared request that hangs through a fetch port ignoring its signal blocks nobody once its client gave up', async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const cache = memoryTokenCache();
    const deaf = realM2mClient({ cache }, 300, (input, init) => fetch(input, { ...init, signal: null }));
    await expect(deaf.getAccessToken()).rejects.toMatchObject({ code: 'timeout' });
    deaf.stop();
    await expect(realM2mClient({ cache }, 3_000).getAccessToken()).resolves.toMatch(/^ey/);
  });

  it('adversarial: a joiner keeps its own time-out, clock and error object', async () => {
    await emulator().admin.fault({ path: '/oauth/token', delayMs: 600 });
    const cache = memoryTokenCache();
    const impatient = realM2mClient({ cache }, 200);
    const patient = realM2mClient({ cache }, 5_000);
    const [short, long] = await Promise.allSettled([impatient.getAccessToken(), patient.getAccessToken()]);
    expect(short).toMatchObject({ status: 'rejected', reason: { code: 'timeout' } });
    expect(long).toMatchObject({ status: 'fulfilled' });

    // A starter on a clock of its own (a test's manual clock at 0) does not date the joiner's token.
    await emulator().admin.fault({ path: '/oauth/token', delayMs: 300 });
    const fresh = memoryTokenCache();
    const onManual = m2mClient({ cache: fresh }, manualClock(0));
    const onRealTime = realM2mClient({ cache: fresh }, 5_000);
    const first = onManual.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [tokenA, tokenB] = await Promise.all([first, onRealTime.getAccessToken()]);
    expect(tokenB).toBe(tokenA); // one shared request
    expect(onRealTime.getSnapshot().expiresAt).toBeGreaterThan(Date.now());
    await expect(onRealTime.getAccessToken()).resolves.toBe(tokenB);

    await emulator().admin.fault({ path: '/oauth/token', status: 401, body: { error: 'invalid_client' } });
    const shared = memoryTokenCache();
    const failures = await Promise.allSettled(
      [m2mClient({ cache: shared }), m2mClient({ cache: shared })].map((c) => c.getAccessToken()),
    );
    const [a, b] = failures.map((f) => (f as PromiseRejectedResult).reason as Error);
    expect(a).not.toBe(b);
    for (const error of [a, b]) expect(error?.message.match(/m2m client/g)).toHaveLength(1);
  });

  it('adversarial: during a back-off the shared cache is still read: a token another client brought is used', async () => {
    await emulator().admin.fault({ path: '/oauth/token', status: 429, retryAfter: '600' });
    const cache = memoryTokenCache();
    const clock = manualClock(Date.now());
    const backedOff = m2mClient({ cache }, clock);
    await expect(backedOff.getAccessToken()).rejects.toMatchObject({ status: 429 });
    const token = await m2mClient({ cache }, clock).getAccessToken();
    clock.advance(300_000);
    expect(await backedOff.getAccessToken()).toBe(token);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
  });

  it('adversarial: a hanging cache is a miss even with a request time-out under a second', async () => {
    const cache = {
      get: () => new Promise(() => undefined),
      set() {},
      delete() {},
    } as unknown as M2mTokenCache;
    await expect(realM2mClient({ cache }, 800).getAccessToken()).resolves.toMatch(/^ey/);
  });

  it('adversarial: an API answering 401 to every other request costs one token per 30 s, not one per 401', async () => {
    const clock = manualClock(Date.now());
    let answered = 0;
    const api = (async () => new Response('{}', { status: answered++ % 2 ? 401 : 200 })) as typeof fetch;
    const ports = memoryPorts({
      clock,
      fetch: (input, init) => (String(input).includes('/oauth/') ? fetch(input, init) : api(input, init)),
    });
    const rationed = demoM2mClient(emulator(), {}, { ports });
    for (let i = 0; i < 20; i++)
      await rationed.fetch(`${emulator().apiUrl}/v3/sql/carto_dw/query?q=1`).catch(() => undefined);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
    // Once the token is 30 s old, a refusal is worth one renewal again.
    clock.advance(30_000);
    for (let i = 0; i < 4; i++)
      await rationed.fetch(`${emulator().apiUrl}/v3/sql/carto_dw/query?q=1`).catch(() => undefined);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
    rationed.stop();
  });

  it('adversarial: a forced renewal in a loop does not mint a token per call', async () => {
    const client = m2mClient();
    const first = await client.getAccessToken();
    for (let i = 0; i < 10; i++) expect(await client.getAccessToken({ forceRenew: true })).toBe(first);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('adversarial: a shared-cache entry whose times are out of order (renewAt after its expiry) is a miss', async () => {
    const clock = manualClock(Date.now());
    const now = clock.now();
    const entries = new Map<string, unknown>();
    const cache: M2mTokenCache = {
      get: (key) => entries.get(key) as never,
      set: (key, value) => void entries.set(key, value),
      delete: (key) => void entries.delete(key),
    };
    const writer = m2mClient({ cache }, clock);
    await writer.getAccessToken();
    const [key] = [...entries.keys()];
    entries.set(key as string, {
      accessToken: 'expired.token.x',
      receivedAt: now - 90_000,
      renewAt: now + 60_000,
      expiresAt: now - 1,
    });
    const reader = m2mClient({ cache }, clock);
    expect(await reader.getAccessToken()).not.toBe('expired.token.x');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
  });

  it('a hanging token endpoint times out with code timeout', async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const client = realM2mClient({}, 300);
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'timeout' });
  });

  it('case-17: 200 concurrent callers on a cold client cause one client-credentials request', async () => {
    const client = m2mClient();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => client.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-17: when that one request fails, all callers get the error and nobody retries in a convoy', async () => {
    await emulator().admin.fault({ path: '/oauth/token', status: 500, times: 5 });
    const client = m2mClient();
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => client.getAccessToken()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('case-18: a response without expires_in is cached for five minutes', async () => {
    await emulator().admin.fault({
      path: '/oauth/token',
      status: 200,
      body: { access_token: 'opaque-token', token_type: 'Bearer' },
    });
    const clock = manualClock(Date.now());
    const client = m2mClient({}, clock);
    expect(await client.getAccessToken()).toBe('opaque-token');
    expect(client.getSnapshot().expiresAt! - clock.now()).toBe(300_000);
    clock.advance(200_000);
    expect(await client.getAccessToken()).toBe('opaque-token');
    clock.advance(100_000);
    expect(await client.getAccessToken()).not.toBe('opaque-token'); // renewed from the real server
  });

  it('case-19: two configurations in one process never share a cached token, even with one shared cache', async () => {
    const cache = memoryTokenCache();
    const demo = m2mClient({ cache });
    const other = m2mClient({ cache, clientId: 'carto-m2m-other', clientSecret: 'carto-m2m-other-secret' });
    const [a, b] = [await demo.getAccessToken(), await other.getAccessToken()];
    expect(a).not.toBe(b);
    expect(other.getSnapshot().user?.sub).toBe('carto-m2m-other@clients');
    const sameAsDemo = m2mClient({ cache });
    expect(await sameAsDemo.getAccessToken()).toBe(a); // same configuration: shared through the cache
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
  });

  it('renews a token once it is inside the leeway, and only once for concurrent callers', async () => {
    const clock = manualClock(Date.now());
    const client = m2mClient({}, clock);
    const first = await client.getAccessToken();
    clock.advance(86_400_000 - 30_000);
    const renewed = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBe(first);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(2);
  });

  it('case-20: refuses in a web worker (no window there, but the code still ships to the user)', () => {
    const scope = globalThis as { importScripts?: unknown };
    scope.importScripts = () => undefined;
    try {
      expect(() => m2m({ clientId: 'id', clientSecret: 'secret' })).toThrow(
        expect.objectContaining({ code: 'm2m_in_browser' }),
      );
    } finally {
      delete scope.importScripts;
    }
  });

  it('refuses a cache that is not one at creation, not at the first token request', () => {
    for (const cache of ['redis', {}, { get: () => undefined }])
      expect(() => m2m({ clientId: 'a', clientSecret: 'b', cache: cache as never })).toThrow(
        expect.objectContaining({ code: 'invalid_config' }),
      );
  });

  it('adversarial: a clock port without timers fails the token request with a coded error, no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = demoM2mClient(
        emulator(),
        {},
        { ports: memoryPorts({ clock: { now: Date.now } as never }) },
      );
      await expect(client.getAccessToken()).rejects.toMatchObject({
        name: 'CartoAuthError',
        code: 'invalid_config',
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('refuses plain http for a non-loopback auth domain', () => {
    expect(() => m2m({ clientId: 'a', clientSecret: 'b', authDomain: 'http://auth.example.com' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'insecure_url' }),
    );
  });
});
