/**
 * Test harness for the core against the real CARTO emulator over HTTP. Nothing here replaces our code
 * or oauth4webapi: it wires real clients to ports (a manual clock, recording navigation, a recording
 * fetch that forwards to the real network).
 */
import { createUserAgent, DEMO, spawnEmulator, type TestEmulator } from '@carto-auth/emulator/testing';
import {
  createCartoAuth,
  m2m,
  manualClock,
  memoryPorts,
  recordingNavigation,
  spa,
  type CartoAuthClient,
  type CartoAuthOptions,
  type ClockPort,
  type M2mOptions,
  type Ports,
  type SpaOptions,
} from '../src';
import type { ManualClock, RecordingNavigation } from '../src/ports/ports.memory';

export { DEMO };

/** One emulator per test file, closed after it. */
export function useEmulator(flags: Parameters<typeof spawnEmulator>[0] = {}): () => TestEmulator {
  let emulator: TestEmulator | undefined;
  beforeAll(async () => {
    emulator = await spawnEmulator(flags);
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
  });
  return () => {
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
}

/**
 * A client of the emulator's demo M2M app on memory ports. `options` override `m2m()`'s, `client`
 * those of `createCartoAuth` (ports, time-out).
 */
export function demoM2mClient(
  emulator: TestEmulator,
  options: Partial<M2mOptions> = {},
  client: Partial<CartoAuthOptions> = {},
): CartoAuthClient {
  return createCartoAuth({
    strategy: m2m({
      clientId: DEMO.m2mClientId,
      clientSecret: DEMO.m2mClientSecret,
      authDomain: emulator.authUrl,
      ...options,
    }),
    apiBaseUrl: emulator.apiUrl,
    ports: memoryPorts(),
    ...client,
  });
}

/** The host's real clock and timers, for tests about real time-outs. */
export const realClock = (): ClockPort => ({
  now: () => Date.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
});

/** A request as it left through the fetch port. */
export interface RecordedRequest {
  url: string;
  method: string;
  authorization: string | null;
}

/** A fetch port that records every request, then sends it for real. */
export function recordingFetch(): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      requests.push({
        url: request.url,
        method: request.method,
        authorization: request.headers.get('authorization'),
      });
      return fetch(request);
    },
  };
}

/** Counts the emulator's logged requests to one path (optionally one method). */
export async function countRequests(emulator: TestEmulator, path: string, method = 'POST'): Promise<number> {
  const log = await emulator.admin.requests();
  return log.filter((entry) => entry.path === path && entry.method === method).length;
}

const clients: CartoAuthClient[] = [];
afterEach(() => clients.splice(0).forEach((client) => client.stop()));

/** A browser-like page for one SPA app: its ports survive "reloads" (new clients on the same ports). */
export interface SpaPage {
  ports: Ports;
  clock: ManualClock;
  nav: RecordingNavigation;
  recorded: RecordedRequest[];
  agent: ReturnType<typeof createUserAgent>;
  /** A new client on this page, as after a reload. */
  client(options?: Partial<SpaOptions>): CartoAuthClient;
  /** Clicks "login", signs in on the emulator's real form, and returns the callback URL. */
  loginAt(
    client: CartoAuthClient,
    email?: string,
    options?: Parameters<CartoAuthClient['login']>[0],
  ): Promise<string>;
  /** Full login: login, sign in, land on the callback with a fresh client, `start()` it. */
  signIn(options?: Partial<SpaOptions>, email?: string): Promise<CartoAuthClient>;
}

export const REDIRECT_URI = 'http://127.0.0.1:4200/callback';
/** Where a {@link SpaPage} starts, and where a login clicked there comes back to. */
export const APP_HOME = 'http://127.0.0.1:4200/';

/** Creates a {@link SpaPage} against `emulator`. The clock starts at real time (ID tokens are checked against it). */
export function spaPage(emulator: TestEmulator, clockStart = Date.now()): SpaPage {
  const clock = manualClock(clockStart);
  const agent = createUserAgent();
  const nav = recordingNavigation(APP_HOME, (authorizeUrl) => agent.follow(authorizeUrl));
  const recorder = recordingFetch();
  const ports = memoryPorts({ clock, navigation: nav, fetch: recorder.fetch });
  const page: SpaPage = {
    ports,
    clock,
    nav,
    recorded: recorder.requests,
    agent,
    client(options = {}) {
      const client = createCartoAuth({
        strategy: spa({
          clientId: DEMO.spaClientId,
          redirectUri: REDIRECT_URI,
          authDomain: emulator.authUrl,
          appUrl: `${emulator.authUrl}/app`,
          ...options,
        }),
        apiBaseUrl: emulator.apiUrl,
        ports,
      });
      clients.push(client);
      return client;
    },
    async loginAt(client, email = DEMO.users.demo, options) {
      const before = nav.redirects.length;
      await client.login(options);
      await waitFor(() => nav.redirects.length > before);
      return agent.login(String(nav.redirects.at(-1)), { email, password: DEMO.password });
    },
    async signIn(options = {}, email) {
      const first = page.client(options);
      await first.start();
      nav.url = await page.loginAt(
        first,
        email,
        options.organization ? { organization: options.organization } : undefined,
      );
      const client = page.client(options);
      await client.start();
      return client;
    },
  };
  return page;
}

/**
 * `count` tabs of one browser origin: each its own page (sessionStorage, navigation, clock), all sharing
 * what a real origin shares, localStorage and the cross-tab lock with its note.
 */
export function sameOriginPages(emulator: TestEmulator, count: number): SpaPage[] {
  const pages = Array.from({ length: count }, () => spaPage(emulator));
  const [first] = pages as [SpaPage];
  for (const page of pages) {
    page.ports.localStore = first.ports.localStore;
    page.ports.lock = first.ports.lock;
  }
  return pages;
}

/** Polls `condition` on the event loop (effects are async); fails after `ms`. */
export async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
