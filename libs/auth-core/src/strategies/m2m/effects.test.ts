import {
  createCartoAuth,
  m2m,
  manualClock,
  memoryPorts,
  memoryTokenCache,
  type CartoAuthClient,
} from '../..';
import { DEMO, countRequests, useEmulator } from '../../../test/harness';

const emulator = useEmulator();

function m2mClient(
  overrides: Partial<Parameters<typeof m2m>[0]> = {},
  clock = manualClock(Date.now()),
  requestTimeoutMs?: number,
): CartoAuthClient {
  return createCartoAuth({
    strategy: m2m({
      clientId: DEMO.m2mClientId,
      clientSecret: DEMO.m2mClientSecret,
      authDomain: emulator().authUrl,
      ...overrides,
    }),
    apiBaseUrl: emulator().apiUrl,
    ports: memoryPorts({ clock }),
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
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
  ])('%s from the token endpoint is a typed error and the next call recovers', async (_name, fault, code) => {
    await emulator().admin.fault({ path: '/oauth/token', ...fault });
    const client = m2mClient();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code });
    await expect(client.getAccessToken()).resolves.toMatch(/^ey/);
  });

  it('a hanging token endpoint times out with code timeout', async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const client = createCartoAuth({
      strategy: m2m({
        clientId: DEMO.m2mClientId,
        clientSecret: DEMO.m2mClientSecret,
        authDomain: emulator().authUrl,
      }),
      apiBaseUrl: emulator().apiUrl,
      ports: memoryPorts({
        clock: {
          now: Date.now,
          setTimer: (f, ms) => setTimeout(f, ms),
          clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
        },
      }),
      requestTimeoutMs: 300,
    });
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

  it('refuses plain http for a non-loopback auth domain', () => {
    expect(() => m2m({ clientId: 'a', clientSecret: 'b', authDomain: 'http://auth.example.com' })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'insecure_url' }),
    );
  });
});
