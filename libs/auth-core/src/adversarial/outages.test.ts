/**
 * Outages at the token endpoint (5xx, dropped connections, endpoints that never answer): a session or
 * token that still works must survive them, and no caller may hang.
 */
import {
  createCartoAuth,
  guardRoute,
  m2m,
  manualClock,
  memoryPorts,
  persistentStorage,
  type M2mTokenCache,
} from '..';
import { DEMO, countRequests, spaPage, useEmulator, waitFor } from '../../test/harness';

const emulator = useEmulator();
beforeEach(() => emulator().admin.reset());
const SESSION_KEY = 'carto-auth:carto-spa-demo:session';

describe('SPA', () => {
  it('a 503 on renewal after the access token expired keeps the session; calls meanwhile get the error, a retry or "try again" renews', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({ storage: persistentStorage('session') });
    page.clock.set((client.getSnapshot().expiresAt ?? 0) + 60_000); // the laptop woke up, no network yet
    await emulator().admin.fault({ path: '/oauth/token', status: 503, times: 1 });
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error' });
    expect(client.getSnapshot().status).toBe('authenticated');
    expect(page.ports.sessionStore.get(SESSION_KEY)).not.toBeNull();
    const afterFailure = await countRequests(emulator(), '/oauth/token');
    page.clock.advance(1_000); // the network is back, but the retry is not due yet
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'network_error' });
    expect(await countRequests(emulator(), '/oauth/token')).toBe(afterFailure); // no request meanwhile
    // An app's "try again" forces a renewal at once.
    await expect(client.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    expect(client.getSnapshot().expiresAt).toBeGreaterThan(page.clock.now());
  });

  it('no storm: a listener asking for a token on every change during an outage after expiry waits for the retries', async () => {
    const page = spaPage(emulator());
    const first = await page.signIn({ storage: persistentStorage('session') });
    page.clock.set((first.getSnapshot().expiresAt ?? 0) + 1_000);
    first.stop();
    await emulator().admin.fault({ path: '/oauth/token', status: 503, times: 1000 });
    const before = await countRequests(emulator(), '/oauth/token');
    const client = page.client({ storage: persistentStorage('session') });
    client.listen((snapshot) => {
      if (snapshot.status === 'authenticated') client.getAccessToken().catch(() => undefined);
    });
    await client.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
  });

  it('an expired session without a refresh token (silent renewal only) whose renewal times out ends, and the guard logs in again', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({ renew: 'silent' });
    page.nav.silentAuthorize = () => new Promise<string>(() => undefined); // a blocked iframe never answers
    page.clock.set((client.getSnapshot().expiresAt ?? 0) + 1_000); // the renewal timer fires
    await new Promise((resolve) => setTimeout(resolve, 20));
    page.clock.advance(10_000); // the request time-out ends the hidden authorize too
    await waitFor(() => client.getSnapshot().status !== 'authenticated');
    expect(client.getSnapshot().status).toBe('unauthenticated');
    expect(await guardRoute(client, '/data')).toBe('login');
  });

  it('a reload during an outage with an expired stored session keeps it and retries on a timer, not in a loop', async () => {
    const page = spaPage(emulator());
    const first = await page.signIn({ storage: persistentStorage('session') });
    page.clock.set((first.getSnapshot().expiresAt ?? 0) + 1_000);
    first.stop();
    await emulator().admin.fault({ path: '/oauth/token', status: 503, times: 3 });
    const before = await countRequests(emulator(), '/oauth/token');
    const client = page.client({ storage: persistentStorage('session') });
    expect((await client.start()).status).toBe('authenticated');
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    expect(page.clock.pending).toBe(1); // one retry scheduled, 30 s out
    page.clock.advance(29_000);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    await emulator().admin.reset(); // the outage ends
    page.clock.advance(1_000);
    await expect(client.getAccessToken()).resolves.toEqual(expect.any(String));
  });
});

describe('API answers 401 during an outage', () => {
  it('concurrent requests answered 401 while the token endpoint fails share one renewal attempt', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const before = await countRequests(emulator(), '/oauth/token');
    await emulator().admin.fault({ path: '/oauth/token', status: 503, times: 10 });
    await emulator().admin.fault({ path: '/v3/sql/carto_dw/query', status: 401, delayMs: 100, times: 10 });
    const url = `${emulator().apiUrl}/v3/sql/carto_dw/query?q=select%201`;
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.fetch(url)));
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    expect(
      results.map((result) => result.status === 'rejected' && (result.reason as { code: string }).code),
    ).toEqual(Array(5).fill('unauthorized'));
    expect(client.getSnapshot().status).toBe('authenticated'); // the outage ends no session
  });
});

describe('M2M', () => {
  const m2mClient = (extra: { cache?: M2mTokenCache; fetch?: typeof fetch } = {}) => {
    const clock = manualClock(Date.now());
    const client = createCartoAuth({
      strategy: m2m({
        clientId: DEMO.m2mClientId,
        clientSecret: DEMO.m2mClientSecret,
        authDomain: emulator().authUrl,
        ...(extra.cache ? { cache: extra.cache } : {}),
      }),
      apiBaseUrl: emulator().apiUrl,
      ports: memoryPorts({ clock, ...(extra.fetch ? { fetch: extra.fetch } : {}) }),
      requestTimeoutMs: 300,
    });
    return { client, clock };
  };

  it('a 503 while renewing inside the leeway hands out the still-valid token, and asks again only after 30 s', async () => {
    const { client, clock } = m2mClient();
    const first = await client.getAccessToken();
    clock.set((client.getSnapshot().expiresAt ?? 0) - 40_000); // inside the 60 s leeway, valid 40 s more
    await emulator().admin.fault({ path: '/oauth/token', status: 503, times: 5 });
    const before = await countRequests(emulator(), '/oauth/token');
    await expect(client.getAccessToken()).resolves.toBe(first);
    await expect(client.getAccessToken()).resolves.toBe(first);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    clock.advance(30_000);
    await expect(client.getAccessToken()).resolves.toBe(first); // still valid; one more attempt
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(2);
  });

  it.each<[string, { cache?: M2mTokenCache; fetch?: typeof fetch }]>([
    [
      'a shared cache whose get() never answers',
      { cache: { get: () => new Promise(() => undefined), set() {}, delete() {} } },
    ],
    ['a fetch port that ignores the abort signal', { fetch: () => new Promise<Response>(() => undefined) }],
  ])(
    '%s cannot hang getAccessToken(): it rejects with timeout after requestTimeoutMs',
    async (_name, extra) => {
      const { client, clock } = m2mClient(extra);
      const pending = client.getAccessToken();
      await new Promise((resolve) => setTimeout(resolve, 20));
      clock.advance(300);
      await expect(pending).rejects.toMatchObject({ code: 'timeout' });
      expect(client.getSnapshot().status).toBe('error');
    },
  );
});
