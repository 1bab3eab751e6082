/**
 * Round trips of carto-auth's SPA flow against the emulator, counted from its request log: `login()`,
 * the browser on CARTO's login pages, the callback page's `start()`, then the first SQL API call.
 */
import {
  createCartoAuth,
  memoryPorts,
  minimalPorts,
  querySql,
  recordingNavigation,
  spa,
  type CartoAuthClient,
} from '@carto-auth/core';
import { requestPhases, type RoundTrips } from './request-phases';
import type { BenchEmulator } from './emulator-testing';

/** The SPA's origin and callback: the angular-sample's, which the emulator always allows. */
export const APP_ORIGIN = 'http://127.0.0.1:4200';
export const REDIRECT_URI = `${APP_ORIGIN}/callback`;
export const FIRST_QUERY = 'select name, population from demo.public.cities order by population desc limit 3';

/**
 * Runs the SPA login end to end (two "page loads" sharing one storage, as a redirect does) and returns
 * the counted requests and the signed-in client (the caller stops it).
 */
export async function cartoRoundTrips(
  emulator: BenchEmulator,
): Promise<RoundTrips & { client: CartoAuthClient }> {
  const { DEMO, createUserAgent } = await import('@carto-auth/emulator/testing');
  const browser = createUserAgent();
  const navigation = recordingNavigation(`${APP_ORIGIN}/`);
  // login() returns once the event is sent; the redirect follows when the PKCE challenge is computed.
  const redirected = new Promise<string>((resolve) => {
    const record = navigation.redirect;
    navigation.redirect = (url) => (record(url), resolve(url));
  });
  // One set of ports for both page loads: the pending login (verifier, state) survives the redirect.
  const ports = memoryPorts({ navigation, clock: minimalPorts().clock });
  const page = () =>
    createCartoAuth({
      strategy: spa({ clientId: DEMO.spaClientId, redirectUri: REDIRECT_URI, authDomain: emulator.authUrl }),
      apiBaseUrl: emulator.apiUrl,
      ports,
    });

  const first = page();
  await first.start(); // the app loads signed out: not counted, the click comes after
  const log = await requestPhases(emulator.admin);
  await first.login();
  const authorizeUrl = await redirected;
  await log.end('login()', true);
  first.stop();

  navigation.url = await browser.login(authorizeUrl, { email: DEMO.users.demo, password: DEMO.password });
  await log.end('login pages (browser)', false);

  const client = page();
  const snapshot = await client.start();
  if (snapshot.status !== 'authenticated')
    throw new Error(`The callback left the client ${snapshot.status}: ${snapshot.error?.message}`);
  await log.end('callback page: start()', true);

  await querySql(client, { connection: DEMO.connection, query: FIRST_QUERY });
  await log.end('first SQL API call', true);
  return { ...log.result('carto-auth', 'spa(), CARTO endpoints built in'), client };
}
