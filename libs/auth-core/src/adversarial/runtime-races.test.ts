/**
 * Adversarial use of the runtime: throwing subscribers, concurrent login/logout/stop, methods called
 * after stop(). Real SPA clients against the spawned emulator.
 */
import { apiToken, createCartoAuth, memoryPorts, type CartoAuthClient } from '..';
import { countRequests, spaPage, useEmulator, waitFor } from '../../test/harness';

const emulator = useEmulator();
const PENDING_KEY = 'carto-auth:carto-spa-demo:pending';
const API = 'https://gcp-us-east1.api.carto.com';

beforeEach(() => emulator().admin.reset());

/** Resolves with `'timed out'` when `promise` does not settle within `ms` of real time. */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out' | { rejected: unknown }> {
  return Promise.race([
    promise.then(
      (value) => value,
      (error: unknown) => ({ rejected: error }),
    ),
    new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms)),
  ]);
}

const authorizeRedirects = (redirects: string[]) => redirects.filter((url) => url.includes('/authorize'));

describe('listeners that throw', () => {
  // Their errors are reported the way the platform reports event-listener errors (console.error in
  // Node 20): expected here, so recorded instead of printed.
  let reported: jest.SpyInstance;
  beforeEach(() => (reported = jest.spyOn(console, 'error').mockImplementation(() => undefined)));
  afterEach(() => reported.mockRestore());

  it('a subscriber that throws on "loading" does not leave the client stuck in loading', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    client.listen((snapshot) => {
      if (snapshot.status === 'loading') throw new Error('render bug');
    });
    await settleWithin(client.start(), 1_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.getSnapshot().status).toBe('unauthenticated');
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'render bug' }));
  });

  it('a subscriber that throws on "authenticated" does not make start() hang after the code exchange', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    const client = page.client();
    client.listen((snapshot) => {
      if (snapshot.status === 'authenticated') throw new Error('render bug');
    });
    const outcome = await settleWithin(client.start(), 3_000);
    expect(outcome).not.toBe('timed out');
    expect(client.getSnapshot().status).toBe('authenticated');
  });

  it('a throwing inspector does not stop the other listeners from hearing the change', async () => {
    const client = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: API,
      ports: memoryPorts(),
    });
    const heard: string[] = [];
    client.inspect(() => {
      throw new Error('devtools bug');
    });
    client.listen((snapshot) => heard.push(snapshot.status));
    try {
      client.logout();
    } catch {
      // whether logout() rethrows is secondary; the listener must still hear the change
    }
    expect(heard).toEqual(['unauthenticated']);
  });
});

describe('concurrent calls', () => {
  it('login() twice in a row redirects once, with the state that was stored', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    await client.start();
    await Promise.all([client.login(), client.login()]);
    await waitFor(() => page.nav.redirects.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(authorizeRedirects(page.nav.redirects)).toHaveLength(1);
    const stored = JSON.parse(page.ports.transientStorage.get(PENDING_KEY)!) as { state: string };
    expect(new URL(page.nav.redirects[0]!).searchParams.get('state')).toBe(stored.state);
  });

  it('logout() right after login() cancels the redirect to /authorize', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    await client.start();
    void client.login();
    client.logout({ localOnly: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect({
      authorizeRedirects: authorizeRedirects(page.nav.redirects).length,
      pendingStored: page.ports.transientStorage.get(PENDING_KEY) !== null,
      status: client.getSnapshot().status,
    }).toEqual({ authorizeRedirects: 0, pendingStored: false, status: 'unauthenticated' });
  });

  it('stop() right after login() cancels the redirect to /authorize', async () => {
    const page = spaPage(emulator());
    const client = page.client();
    await client.start();
    void client.login();
    client.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(authorizeRedirects(page.nav.redirects)).toHaveLength(0);
  });

  it('stop() during the code exchange rejects start() with cancelled instead of hanging', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    await emulator().admin.fault({ path: '/oauth/token', delayMs: 500 });
    const client = page.client();
    const started = client.start();
    const waiting = client.getAccessToken();
    await waitFor(() => page.recorded.some((r) => r.url.endsWith('/oauth/token')));
    client.stop();
    expect(await settleWithin(started, 2_000)).toEqual({
      rejected: expect.objectContaining({ code: 'cancelled' }),
    });
    expect(await settleWithin(waiting, 2_000)).toEqual({
      rejected: expect.objectContaining({ code: 'cancelled' }),
    });
  });

  it('20 getAccessToken() callers during the code exchange all get the same token from one request', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    const client = page.client();
    const started = client.start();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => client.getAccessToken()));
    await started;
    expect(new Set(tokens).size).toBe(1);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });
});

describe('methods after stop()', () => {
  let client: CartoAuthClient;
  beforeEach(async () => {
    const page = spaPage(emulator());
    client = page.client();
    await client.start();
    client.stop();
  });

  it('start() after stop() rejects with cancelled', async () => {
    await expect(client.start()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('getAccessToken() after stop() rejects with cancelled', async () => {
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('login() after stop() rejects with cancelled instead of silently doing nothing', async () => {
    await expect(client.login()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('stop() twice and logout() after stop() do not throw', () => {
    expect(() => {
      client.stop();
      client.logout();
    }).not.toThrow();
  });
});
