/**
 * Real core clients on in-memory ports for the adapter's tests: nothing here is a mock of our code,
 * only the host (storage, navigation, network) is injected through the core's ports.
 */
import {
  apiToken,
  createCartoAuth,
  memoryPorts,
  persistentStorage,
  recordingNavigation,
  spa,
  type CartoAuthClient,
  type RecordingNavigation,
} from '@carto-auth/core';

export const API_BASE_URL = 'http://127.0.0.1:9011';
export const AUTH_DOMAIN = 'http://127.0.0.1:9010';
export const APP_ORIGIN = 'http://127.0.0.1:5174';
export const CLIENT_ID = 'carto-spa-demo';
export const DEMO_EMAIL = 'demo@carto.test';

/** An `apiToken` client: authenticated from the start, `logout()` makes it unauthenticated. */
export function tokenClient(token = 'api-token-1'): CartoAuthClient {
  return createCartoAuth({ strategy: apiToken({ token }), apiBaseUrl: API_BASE_URL, ports: memoryPorts() });
}

/**
 * A real SPA client on memory ports, as a server or a test would build one per request. With
 * `signedIn`, a stored session for {@link DEMO_EMAIL} is there for `start()` to restore.
 */
export function spaClient(options: { signedIn?: boolean; url?: string } = {}): {
  client: CartoAuthClient;
  navigation: RecordingNavigation;
} {
  const navigation = recordingNavigation(options.url ?? `${APP_ORIGIN}/`);
  const ports = memoryPorts({ navigation });
  if (options.signedIn) {
    const user = { sub: 'auth0|demo', email: DEMO_EMAIL, permissions: ['read:current_user'] };
    const session = { accessToken: 'at', expiresAt: 3_600_000, renewAt: 3_000_000, receivedAt: 0, user };
    ports.sessionStore.set(`carto-auth:${CLIENT_ID}:session`, JSON.stringify(session));
  }
  const strategy = spa({
    clientId: CLIENT_ID,
    redirectUri: `${APP_ORIGIN}/callback`,
    authDomain: AUTH_DOMAIN,
    storage: persistentStorage('session'),
  });
  return { client: createCartoAuth({ strategy, apiBaseUrl: API_BASE_URL, ports }), navigation };
}

/**
 * The same client with its `subscribe` instrumented: `active()` is how many core subscriptions are
 * open right now, so a test can see a store (or a component) release the one it took.
 */
export function countingSubscriptions(real: CartoAuthClient): {
  client: CartoAuthClient;
  active: () => number;
} {
  let active = 0;
  const client: CartoAuthClient = {
    ...real,
    subscribe(listener) {
      const unsubscribe = real.subscribe(listener);
      active++;
      let released = false;
      return () => {
        if (!released) active--;
        released = true;
        unsubscribe();
      };
    },
  };
  return { client, active: () => active };
}
