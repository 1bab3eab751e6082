/**
 * Adversarial callbacks: malformed, duplicated, foreign-issuer and oversized callback URLs, driven
 * through a real SPA client against the spawned emulator.
 */
import { CartoAuthError } from '..';
import {
  APP_HOME,
  REDIRECT_URI,
  countRequests,
  spaPage,
  useEmulator,
  waitFor,
  type SpaPage,
} from '../../test/harness';

const emulator = useEmulator();
const PENDING_KEY = 'carto-auth:carto-spa-demo:pending';

beforeEach(() => emulator().admin.reset());

/** Clicks login on a fresh page and returns the page and the `state` the client stored. */
async function pendingLogin(): Promise<{ page: SpaPage; state: string }> {
  const page = spaPage(emulator());
  const first = page.client();
  await first.start();
  await first.login();
  await waitFor(() => page.nav.redirects.length > 0);
  const pending = JSON.parse(page.ports.transientStorage.get(PENDING_KEY)!) as { state: string };
  return { page, state: pending.state };
}

/** Lands a new client on `url` and returns its settled snapshot. */
async function land(page: SpaPage, url: string) {
  page.nav.url = url;
  return page.client().start();
}

const q = encodeURIComponent;

describe('malformed callbacks', () => {
  it('an empty code with our state is invalid_response and sends no token request', async () => {
    const { page, state } = await pendingLogin();
    const snapshot = await land(page, `${REDIRECT_URI}?code=&state=${q(state)}`);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(CartoAuthError);
    expect(snapshot.error?.code).toBe('invalid_response');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it('an empty state is not treated as our callback and leaves the URL alone', async () => {
    const { page } = await pendingLogin();
    const url = `${REDIRECT_URI}?code=abc&state=`;
    const snapshot = await land(page, url);
    expect(snapshot.status).toBe('unauthenticated');
    expect(page.nav.url).toBe(url);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it('a duplicated state parameter is refused with invalid_response and sends no token request', async () => {
    const { page, state } = await pendingLogin();
    const snapshot = await land(page, `${REDIRECT_URI}?code=abc&state=${q(state)}&state=${q(state)}`);
    expect(snapshot.error?.code).toBe('invalid_response');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it('a duplicated code parameter is refused with invalid_response and sends no token request', async () => {
    const { page, state } = await pendingLogin();
    const snapshot = await land(page, `${REDIRECT_URI}?code=a&code=b&state=${q(state)}`);
    expect(snapshot.error?.code).toBe('invalid_response');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it('a real code with an iss from another issuer (mix-up) is refused before the code is redeemed', async () => {
    const page = spaPage(emulator());
    const first = page.client();
    await first.start();
    const callback = new URL(await page.loginAt(first));
    callback.searchParams.set('iss', 'https://evil.example/');
    const snapshot = await land(page, callback.href);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error?.code).toBe('invalid_response');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });

  it.each([
    ['unicode', 'état-😀-\u202e'],
    ['huge', 'x'.repeat(200_000)],
    ['percent garbage', '%E0%A4%A'],
  ])(
    'a %s state that is not ours is state_mismatch, the URL is cleaned, and nothing is sent',
    async (_name, badState) => {
      const { page } = await pendingLogin();
      const snapshot = await land(
        page,
        `${REDIRECT_URI}?code=abc&state=${badState.startsWith('%') ? badState : q(badState)}`,
      );
      expect(snapshot.status).toBe('error');
      expect(snapshot.error?.code).toBe('state_mismatch');
      expect(page.nav.url).toBe(REDIRECT_URI);
      expect(page.ports.transientStorage.get(PENDING_KEY)).toBeNull();
      expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
    },
  );

  it('a %-garbage code with our state fails with a coded error, no crash', async () => {
    const { page, state } = await pendingLogin();
    const snapshot = await land(page, `${REDIRECT_URI}?code=%ZZ%&state=${q(state)}`);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(CartoAuthError);
    expect(['token_request_failed', 'invalid_response']).toContain(snapshot.error?.code);
  });

  it('?error=access_denied with our state is authorize_failed with the OAuth error kept', async () => {
    const { page, state } = await pendingLogin();
    const snapshot = await land(
      page,
      `${REDIRECT_URI}?error=access_denied&error_description=${q('<img src=x onerror=alert(1)>')}&state=${q(state)}`,
    );
    expect(snapshot.error).toMatchObject({ code: 'authorize_failed', oauthError: 'access_denied' });
    expect(page.nav.url).toBe(APP_HOME); // a refused login also goes back to where it started
  });

  it('a callback on another path of the same origin is not ours', async () => {
    const { page, state } = await pendingLogin();
    const url = `${REDIRECT_URI}/../other?code=abc&state=${q(state)}`;
    const snapshot = await land(page, url);
    expect(snapshot.status).toBe('unauthenticated');
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });
});
