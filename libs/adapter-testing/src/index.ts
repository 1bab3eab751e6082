/**
 * Real core clients on in-memory ports for the adapters' tests: nothing here is a mock of our code,
 * only the host (storage, navigation, clock, network) is injected through the core's ports.
 */
import {
  apiToken,
  createCartoAuth,
  memoryPorts,
  persistentStorage,
  recordingNavigation,
  spa,
  type CartoAuthClient,
  type ClockPort,
  type Ports,
  type RecordingNavigation,
} from '@carto-auth/core';

export const API_BASE_URL = 'http://127.0.0.1:9011';
export const AUTH_DOMAIN = 'http://127.0.0.1:9010';
export const APP_ORIGIN = 'http://127.0.0.1:4200';
export const CLIENT_ID = 'carto-spa-demo';
export const DEMO_EMAIL = 'demo@carto.test';

/** A stored session valid for an hour of a clock that starts at 0, as {@link spaClient}'s `session`. */
export const SIGNED_IN = { accessToken: 'at', expiresAt: 3_600_000, renewAt: 3_000_000 };

/** An `apiToken` client: authenticated from the start, `logout()` makes it unauthenticated. */
export function tokenClient(token = 'api-token-1'): CartoAuthClient {
  return createCartoAuth({ strategy: apiToken({ token }), apiBaseUrl: API_BASE_URL, ports: memoryPorts() });
}

/** What a test may seed before an SPA client starts. */
export interface SpaSetup {
  /** The page URL `start()` reads, e.g. a callback URL. Default: the app's root. */
  url?: string;
  /** A pending login, as stored by `login()` before the redirect. */
  pending?: { state: string; codeVerifier: string };
  /** A stored session (`storage: 'session'`) for {@link DEMO_EMAIL}, restored by `start()`. */
  session?: { accessToken: string; expiresAt: number; renewAt: number };
  clock?: ClockPort;
  fetch?: typeof fetch;
  /** The ports of an earlier client: the same tab after a reload (storage, address bar). */
  ports?: Ports;
}

/** A real SPA client on memory ports, with a log of every transition's event type. */
export function spaClient(setup: SpaSetup = {}): {
  client: CartoAuthClient;
  navigation: RecordingNavigation;
  ports: Ports;
  events: string[];
} {
  const ports =
    setup.ports ??
    memoryPorts({
      navigation: recordingNavigation(setup.url ?? `${APP_ORIGIN}/`),
      ...(setup.clock ? { clock: setup.clock } : {}),
      ...(setup.fetch ? { fetch: setup.fetch } : {}),
    });
  const prefix = `carto-auth:${CLIENT_ID}`;
  if (setup.pending) ports.transientStorage.set(`${prefix}:pending`, JSON.stringify(setup.pending));
  if (setup.session) {
    const user = { sub: 'auth0|demo', email: DEMO_EMAIL, permissions: ['read:current_user'] };
    ports.sessionStore.set(`${prefix}:session`, JSON.stringify({ receivedAt: 0, user, ...setup.session }));
  }
  const strategy = spa({
    clientId: CLIENT_ID,
    redirectUri: `${APP_ORIGIN}/callback`,
    authDomain: AUTH_DOMAIN,
    storage: persistentStorage('session'),
  });
  const client = createCartoAuth({ strategy, apiBaseUrl: API_BASE_URL, ports });
  const events: string[] = [];
  client.inspect((_previous, event) => events.push(event.type));
  return { client, navigation: ports.navigation as RecordingNavigation, ports, events };
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

/** The host's real clock, for tests about real timers (case-23). */
export const realClock: ClockPort = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Lets pending promises and macrotasks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Waits until `check()` holds, for effects that go through the thread pool (SHA-256) or timers;
 * fails the test after `ms`.
 */
export async function until(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
