import { persistentStorage } from '.';
import {
  DEMO,
  APP_HOME,
  REDIRECT_URI,
  countRequests,
  spaPage,
  useEmulator,
  waitFor,
} from '../../../test/harness';

const emulator = useEmulator();

describe('spa strategy against the emulator', () => {
  beforeEach(() => emulator().admin.reset());

  it('logs in with PKCE S256 through the real login form and reads the user from the ID token', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    expect(first.getSnapshot().status).toBe('unauthenticated');
    await first.login();
    await waitFor(() => page.nav.redirects.length === 1);
    const authorize = new URL(page.nav.redirects[0]!);
    expect(authorize.origin + authorize.pathname).toBe(`${emulator().authUrl}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('audience')).toBe('carto-cloud-native-api');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.has('organization')).toBe(false);

    page.nav.url = await page.agent.login(authorize.href, {
      email: DEMO.users.demo,
      password: DEMO.password,
    });
    const client = page.client();
    const snapshot = await client.start();
    expect(snapshot).toMatchObject({
      status: 'authenticated',
      strategy: 'spa',
      user: { email: DEMO.users.demo },
    });
    expect(snapshot.user!.permissions.length).toBeGreaterThan(0);
    expect(snapshot.expiresAt! - page.clock.now()).toBe(86_400_000);
    // Back on the page the login left from, the callback parameters gone from the address bar.
    expect(page.nav.url).toBe(APP_HOME);
    await expect(client.getAccessToken()).resolves.toMatch(/^ey/);
  });

  it.each([
    [
      'comes back to the page login() was called on (path, query and hash)',
      `${APP_HOME}data?tab=2#map`,
      {},
      `${APP_HOME}data?tab=2#map`,
    ],
    [
      'with returnTo, comes back there instead',
      `${APP_HOME}data`,
      { returnTo: '/reports?id=7' },
      '/reports?id=7', // as given: the browser resolves it against the page
    ],
    [
      'from a page of another origin, comes back to the callback URL',
      'http://127.0.0.1:4201/elsewhere',
      {},
      REDIRECT_URI,
    ],
  ])('a login %s', async (_what, startedOn, options, landsOn) => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = startedOn;
    page.nav.url = await page.loginAt(first, DEMO.users.demo, options);
    expect((await page.client().start()).status).toBe('authenticated');
    expect(page.nav.url).toBe(landsOn);
  });

  it('logs in through an SSO organization and checks the token carries it', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({ organization: DEMO.organization }, DEMO.users.sso);
    expect(client.getSnapshot()).toMatchObject({
      status: 'authenticated',
      user: { email: DEMO.users.sso, organization: DEMO.organization },
    });
    expect(new URL(page.nav.redirects[0]!).searchParams.get('organization')).toBe(DEMO.organization);
  });

  it('an unknown organization comes back as an authorize_failed error with invalid_request', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({ organization: 'org_nope' });
    expect(client.getSnapshot()).toMatchObject({
      status: 'error',
      error: { code: 'authorize_failed', oauthError: 'invalid_request' },
    });
  });

  it('a user outside the organization gets access_denied, not a loop', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({ organization: DEMO.organization }, DEMO.users.demo);
    expect(client.getSnapshot()).toMatchObject({
      status: 'error',
      error: { code: 'authorize_failed', oauthError: 'access_denied' },
    });
    expect(page.nav.redirects).toHaveLength(1);
  });

  it('case-28: sends a user without user_metadata to sign-up once, then completes the login', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn({}, DEMO.users.signup);
    expect(client.getSnapshot().status).toBe('loading');
    await waitFor(() => page.nav.redirects.length === 2);
    const signup = new URL(page.nav.redirects[1]!);
    expect(signup.origin + signup.pathname).toBe(`${emulator().authUrl}/app/`);
    expect(signup.searchParams.get('redirectUri')).toBe(`${REDIRECT_URI}?forceLogin=true`);

    page.nav.url = await page.agent.follow(signup.href); // finish sign-up on the emulator's page
    expect(page.nav.url).toBe(`${REDIRECT_URI}?forceLogin=true`);
    const back = page.client();
    await back.start();
    await waitFor(() => page.nav.redirects.length === 3); // forceLogin starts one login by itself
    expect(page.nav.url).toBe(REDIRECT_URI);
    page.nav.url = await page.agent.follow(page.nav.redirects[2]!); // the auth server session is still there
    const done = page.client();
    expect(await done.start()).toMatchObject({
      status: 'authenticated',
      user: { email: DEMO.users.signup, userMetadata: expect.any(Object) },
    });
  });

  it('case-28: after the sign-up trip the login comes back to the page it was called on, with its appState', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = `${APP_HOME}data?tab=2#map`;
    page.nav.url = await page.loginAt(first, DEMO.users.signup, { appState: { draft: 7 }, prompt: 'login' });
    await page.client().start();
    await waitFor(() => page.nav.redirects.length === 2);
    page.nav.url = await page.agent.follow(page.nav.redirects[1]!); // finish sign-up
    await page.client().start();
    await waitFor(() => page.nav.redirects.length === 3);
    const again = new URL(page.nav.redirects[2]!);
    expect(again.searchParams.has('prompt')).toBe(false); // no second login form right after sign-up
    page.nav.url = await page.agent.follow(again.href);
    expect(await page.client().start()).toMatchObject({ status: 'authenticated', appState: { draft: 7 } });
    expect(page.nav.url).toBe(`${APP_HOME}data?tab=2#map`);
  });

  it("hands the login's appState back in the snapshot, through renewals and reloads", async () => {
    const page = spaPage(emulator());
    const storage = persistentStorage('session');
    const first = page.client({ storage });
    await first.start();
    page.nav.url = await page.loginAt(first, DEMO.users.demo, { appState: { tab: 'map', ids: [1, 2] } });
    const client = page.client({ storage });
    expect(await client.start()).toMatchObject({
      status: 'authenticated',
      appState: { tab: 'map', ids: [1, 2] },
    });
    await client.getAccessToken({ forceRenew: true });
    expect(client.getSnapshot().appState).toEqual({ tab: 'map', ids: [1, 2] });
    expect((await page.client({ storage }).start()).appState).toEqual({ tab: 'map', ids: [1, 2] });
  });

  it('case-28: stops with signup_incomplete when the claim is still missing after the sign-up trip', async () => {
    const page = spaPage(emulator());
    await page.signIn({}, DEMO.users.signup);
    await waitFor(() => page.nav.redirects.length === 2);
    page.nav.url = `${REDIRECT_URI}?forceLogin=true`; // came back without finishing sign-up
    await page.client().start();
    await waitFor(() => page.nav.redirects.length === 3);
    page.nav.url = await page.agent.follow(page.nav.redirects[2]!);
    const done = page.client();
    expect(await done.start()).toMatchObject({ status: 'error', error: { code: 'signup_incomplete' } });
    expect(page.nav.redirects).toHaveLength(3); // no further redirect: the loop is broken
  });

  it('renews with the rotating refresh token when the leeway is reached', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    const first = await client.getAccessToken();
    const before = await countRequests(emulator(), '/oauth/token');
    page.clock.advance(86_400_000 - 59_000); // inside the 60 s leeway: the scheduled renewal fires
    await waitFor(() => client.getSnapshot().expiresAt! > page.clock.now() + 60_000);
    const second = await client.getAccessToken();
    expect(second).not.toBe(first);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
  });

  it('case-07: Back to the consumed callback URL neither crashes nor signs out', async () => {
    const page = spaPage(emulator());
    const callbackUrl = await (async () => {
      const first = page.client({ storage: persistentStorage('session') });
      await first.start();
      return page.loginAt(first);
    })();
    page.nav.url = callbackUrl;
    expect((await page.client({ storage: persistentStorage('session') }).start()).status).toBe(
      'authenticated',
    );
    page.nav.url = callbackUrl; // Back
    const again = page.client({ storage: persistentStorage('session') });
    expect(await again.start()).toMatchObject({ status: 'authenticated' });
    expect(again.getSnapshot().error).toBeUndefined();
    expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
  });

  it('a callback with a forged state is refused with state_mismatch and no token request', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    const callbackUrl = await page.loginAt(first);
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'forged');
    page.nav.url = forged.href;
    const client = page.client();
    expect(await client.start()).toMatchObject({ status: 'error', error: { code: 'state_mismatch' } });
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it('a garbage token response is an invalid_response error', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    page.nav.url = await page.loginAt(first);
    await emulator().admin.fault({ path: '/oauth/token', garbage: true });
    expect(await page.client().start()).toMatchObject({
      status: 'error',
      error: { code: 'invalid_response' },
    });
  });

  it('logout clears the session and visits /v2/logout with client_id and returnTo', async () => {
    const page = spaPage(emulator());
    const client = await page.signIn();
    client.logout();
    expect(client.getSnapshot().status).toBe('unauthenticated');
    const logout = new URL(page.nav.redirects.at(-1)!);
    expect(logout.origin + logout.pathname).toBe(`${emulator().authUrl}/v2/logout`);
    expect(logout.searchParams.get('client_id')).toBe(DEMO.spaClientId);
    expect(logout.searchParams.get('returnTo')).toBe('http://127.0.0.1:4200/');
    expect(await page.agent.follow(logout.href)).toBe('http://127.0.0.1:4200/');
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
  });
});

describe('spa strategy without refresh tokens (silent prompt=none renewal)', () => {
  const noRefresh = useEmulator({ refreshTokens: false });

  it('renews through a hidden prompt=none authorize while the server session lives', async () => {
    const page = spaPage(noRefresh());
    const client = await page.signIn();
    const first = await client.getAccessToken();
    page.clock.advance(86_400_000 - 30_000);
    await waitFor(() => client.getSnapshot().expiresAt! > page.clock.now() + 60_000);
    expect(await client.getAccessToken()).not.toBe(first);
    expect(client.getSnapshot().status).toBe('authenticated');
  });

  it('login_required from prompt=none ends as unauthenticated, with no loop', async () => {
    const page = spaPage(noRefresh());
    const client = await page.signIn();
    await page.agent.follow(
      `${noRefresh().authUrl}/v2/logout?client_id=${DEMO.spaClientId}&returnTo=${encodeURIComponent('http://127.0.0.1:4200/')}`,
    );
    page.clock.advance(86_400_000 - 30_000);
    await waitFor(() => client.getSnapshot().status === 'unauthenticated');
    expect(client.getSnapshot().error).toMatchObject({
      code: 'login_required',
      oauthError: 'login_required',
    });
    const redirects = page.nav.redirects.length;
    page.clock.advance(3_600_000);
    expect(page.nav.redirects).toHaveLength(redirects);
    expect(page.clock.pending).toBe(0);
  });
});
