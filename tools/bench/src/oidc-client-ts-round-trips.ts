/**
 * The same count for oidc-client-ts, configured against the emulator the way its documentation does
 * (an `authority`, so it discovers the endpoints), or with the endpoints given as `metadata`.
 *
 * Node has no `window`: the state and user stores are its `InMemoryWebStorage` (shared by both "page
 * loads", like `localStorage`/`sessionStorage`), and the redirect goes through a navigator that records
 * the URL instead of setting `location`. `crypto` and `fetch` are Node's globals.
 */
import {
  InMemoryWebStorage,
  UserManager,
  WebStorageStateStore,
  type UserManagerSettings,
} from 'oidc-client-ts';
import { FIRST_QUERY, REDIRECT_URI } from './carto-round-trips';
import { requestPhases, type RoundTrips } from './request-phases';
import type { BenchEmulator } from './emulator-testing';

/** `discovery`: `authority` only (its default); `metadata`: the endpoints given, no discovery document. */
export type OidcClientTsSetup = 'discovery' | 'metadata';

/** Counts the requests of oidc-client-ts's code flow, from `signinRedirect()` to the first SQL API response. */
export async function oidcClientTsRoundTrips(
  emulator: BenchEmulator,
  setup: OidcClientTsSetup,
): Promise<RoundTrips> {
  const { DEMO, createUserAgent } = await import('@carto-auth/emulator/testing');
  const browser = createUserAgent();
  const settings: UserManagerSettings = {
    authority: emulator.issuer,
    client_id: DEMO.spaClientId,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    extraQueryParams: { audience: DEMO.audience },
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    ...(setup === 'metadata'
      ? {
          metadata: {
            issuer: emulator.issuer,
            authorization_endpoint: `${emulator.authUrl}/authorize`,
            token_endpoint: `${emulator.authUrl}/oauth/token`,
            userinfo_endpoint: `${emulator.authUrl}/userinfo`,
            end_session_endpoint: `${emulator.authUrl}/v2/logout`,
            jwks_uri: `${emulator.authUrl}/.well-known/jwks.json`,
          },
        }
      : {}),
  };
  let authorizeUrl: string | undefined;
  const recordingNavigator = {
    prepare: async () => ({
      navigate: async ({ url }: { url: string }) => {
        authorizeUrl = url;
        return { url };
      },
      close: () => undefined,
    }),
  };
  const page = () =>
    new UserManager(settings, recordingNavigator as unknown as ConstructorParameters<typeof UserManager>[1]);

  const first = page();
  const log = await requestPhases(emulator.admin);
  await first.signinRedirect();
  await log.end('signinRedirect()', true);
  first.stopSilentRenew();
  if (!authorizeUrl) throw new Error('signinRedirect() did not navigate');

  const callbackUrl = await browser.login(authorizeUrl, { email: DEMO.users.demo, password: DEMO.password });
  await log.end('login pages (browser)', false);

  const second = page();
  const user = await second.signinCallback(callbackUrl);
  // A browser would keep its expiry timers running; a script has to stop them to exit.
  second.stopSilentRenew();
  await second.events.unload();
  if (!user?.access_token) throw new Error('signinCallback() returned no access token');
  await log.end('callback page: signinCallback()', true);

  const query = new URLSearchParams({ q: FIRST_QUERY });
  const response = await fetch(`${emulator.apiUrl}/v3/sql/${DEMO.connection}/query?${query}`, {
    headers: { Authorization: `Bearer ${user.access_token}` },
  });
  if (!response.ok) throw new Error(`SQL API answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
  await log.end('first SQL API call', true);
  return log.result(
    'oidc-client-ts',
    setup === 'discovery' ? 'authority (discovery, its default)' : 'metadata given',
  );
}
