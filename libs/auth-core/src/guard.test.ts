import { apiToken, createCartoAuth, guardRoute, persistentStorage, settledSnapshot } from '.';
import { DEMO, demoM2mClient, REDIRECT_URI, spaPage, useEmulator, waitFor } from '../test/harness';

const emulator = useEmulator();

beforeEach(() => emulator().admin.reset()); // faults (a hung token endpoint) stay with their test

describe('guardRoute', () => {
  it('lets a signed-in client through at once', async () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: 'https://api.example.com',
    });
    await expect(guardRoute(auth, '/data')).resolves.toBe('allow');
  });

  it('case-24: waits until start() has processed the callback, then lets the user through without a login', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first, undefined, { returnTo: '/data' });
    const landing = page.client();
    const decision = guardRoute(landing, '/data'); // asked before start(), as a router does on the callback
    void landing.start();
    await expect(decision).resolves.toBe('allow');
    expect(page.nav.redirects).toHaveLength(1); // only the login that was clicked
  });

  it('case-04: after a failed login (access_denied) decides error and starts no new login', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    await first.login();
    await waitFor(() => page.nav.redirects.length === 1);
    const state = new URL(page.nav.redirects[0]!).searchParams.get('state');
    page.nav.url = `${REDIRECT_URI}?error=access_denied&error_description=denied&state=${state}`;
    const landing = page.client();
    await landing.start();
    await expect(guardRoute(landing, '/data')).resolves.toBe('error');
    expect(page.nav.redirects).toHaveLength(1);
  });

  it('starts exactly one login, coming back to the guarded path, when nobody is signed in', async () => {
    const page = spaPage(emulator());
    const auth = page.client();
    await auth.start();
    await expect(guardRoute(auth, '/data?x=1')).resolves.toBe('login');
    await waitFor(() => page.nav.redirects.length === 1);
    expect(
      JSON.stringify([
        ...(page.ports.transientStorage as unknown as { entries: Map<string, string> }).entries.values(),
      ]),
    ).toContain('/data?x=1');
  });
});

describe('guardRoute while the client is busy or gone', () => {
  it('case-24: waits for a renewal the start-up began; a refused one leads to a login, not past the guard', async () => {
    const page = spaPage(emulator());
    const first = await page.signIn({ storage: persistentStorage('session') });
    page.clock.set(first.getSnapshot().expiresAt! + 60_000); // reload after the access token expired
    first.stop();
    await emulator().admin.fault({ path: '/oauth/token', status: 400, body: { error: 'invalid_grant' } });
    const reloaded = page.client({ storage: persistentStorage('session') });
    const decision = guardRoute(reloaded, '/data');
    void reloaded.start();
    await expect(decision).resolves.toBe('login');
    await waitFor(() => page.nav.redirects.length === 2); // the first sign-in's, then this login's
    expect(reloaded.getSnapshot().status).toBe('loading'); // on its way to the login page
  });

  it('rejects with cancelled when the client is stopped before it settles, and leaves no listener', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const auth = page.client();
    void auth.start().catch(() => undefined);
    const decision = guardRoute(auth, '/data');
    auth.stop();
    await expect(decision).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('an API-token client after logout: error, since no login exists for it', async () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: 'https://api.example.com',
    });
    auth.logout();
    await expect(guardRoute(auth, '/data')).resolves.toBe('error');
  });

  it('an M2M client (idle until asked) is let through when it gets a token, and refused when it cannot', async () => {
    await expect(guardRoute(demoM2mClient(emulator()), '/data')).resolves.toBe('allow');
    const wrongSecret = demoM2mClient(emulator(), { clientSecret: `${DEMO.m2mClientSecret}-wrong` });
    await expect(guardRoute(wrongSecret, '/data')).resolves.toBe('error');
  });

  it('an M2M client stopped while the guard waits for its token rejects with cancelled', async () => {
    await emulator().admin.fault({ path: '/oauth/token', hang: true });
    const auth = demoM2mClient(emulator());
    const decision = guardRoute(auth, '/data');
    auth.stop();
    await expect(decision).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('settledSnapshot', () => {
  it('resolves with the first settled snapshot and leaves no subscription behind', async () => {
    const auth = createCartoAuth({
      strategy: apiToken({ token: 't' }),
      apiBaseUrl: 'https://api.example.com',
    });
    let active = 0;
    const counted = {
      ...auth,
      subscribe(listener: Parameters<typeof auth.subscribe>[0]) {
        active++;
        const stop = auth.subscribe(listener);
        return () => {
          active--;
          stop();
        };
      },
    };
    await expect(settledSnapshot(counted)).resolves.toMatchObject({ status: 'authenticated' });
    expect(active).toBe(0);
  });
});
