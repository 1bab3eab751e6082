/**
 * Real core clients on in-memory ports for the adapter's tests: nothing here is a mock of our code,
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

/** An `apiToken` client: authenticated from the start, `logout()` makes it unauthenticated. */
export function tokenClient(token = 'api-token-1'): CartoAuthClient {
  return createCartoAuth({ strategy: apiToken({ token }), apiBaseUrl: API_BASE_URL, ports: memoryPorts() });
}

/** What a test may seed before an SPA client starts. */
export interface SpaSetup {
  /** The page URL `start()` reads, e.g. a callback URL. */
  url?: string;
  /** A pending login, as stored by `login()` before the redirect. */
  pending?: { state: string; codeVerifier: string };
  /** A stored session (`storage: 'session'`), restored by `start()`. */
  session?: { accessToken: string; expiresAt: number; renewAt: number };
  clock?: ClockPort;
  fetch?: typeof fetch;
}

/** A real SPA client on memory ports, with a log of every transition's event type. */
export function spaClient(setup: SpaSetup = {}): {
  client: CartoAuthClient;
  navigation: RecordingNavigation;
  ports: Ports;
  events: string[];
} {
  const navigation = recordingNavigation(setup.url ?? `${APP_ORIGIN}/`);
  const ports = memoryPorts({
    navigation,
    ...(setup.clock ? { clock: setup.clock } : {}),
    ...(setup.fetch ? { fetch: setup.fetch } : {}),
  });
  const prefix = `carto-auth:${CLIENT_ID}`;
  if (setup.pending) ports.transientStorage.set(`${prefix}:pending`, JSON.stringify(setup.pending));
  if (setup.session) {
    const user = { sub: 'auth0|demo', email: 'demo@carto.test', permissions: ['read:current_user'] };
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
  return { client, navigation, ports, events };
}

/** The host's real clock, for tests about real timers (case-23). */
export const realClock: ClockPort = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Lets pending promises and macrotasks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Waits (up to ~1 s) until `check()` holds: for effects that go through the thread pool, like SHA-256. */
export async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
