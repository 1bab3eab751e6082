import { allowedOrigin, normalizeOrigins } from './carto/origins';
import { CartoAuthError, configError, ERR_CANCELLED, ERR_NOT_AUTHENTICATED, ERR_TIMEOUT, ERR_UNAUTHORIZED } from './errors';
import { defaultPorts } from './ports/ports.browser';
import type { Ports, TimerHandle } from './ports/types';
import type { AuthSnapshot, CommonEffect, CommonEvent, LoginOptions, LogoutOptions, Strategy, StrategyKind } from './types';
import { secureUrl, trimSlashes } from './urls';

/** Options of {@link createCartoAuth}. */
export interface CartoAuthOptions {
  /** `apiToken(…)`, `spa(…)` or `m2m(…)`. */
  strategy: Strategy<{ status: string }, never, never> | Strategy<never, never, never> | AnyStrategy;
  /** The tenant's API base URL, e.g. `https://gcp-us-east1.api.carto.com`. */
  apiBaseUrl: string;
  /** Origins that may receive the token. Default: the origin of `apiBaseUrl` only (case-08). */
  allowedOrigins?: string[];
  /** Host services. Default: the browser's in a page, in-memory ones elsewhere. */
  ports?: Ports;
  /** Abort a token request after this many ms. Default 10 000. */
  requestTimeoutMs?: number;
}

// Strategies are invariant in their state type; the runtime treats them uniformly.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStrategy = Strategy<any, any, any>;

/** What `inspect` listeners receive besides the two snapshots: the event and the machine's states. */
export interface InspectedTransition {
  /** The event's `type`; payloads are withheld because they carry tokens. */
  type: string;
  from: string;
  to: string;
}

/** Options of `getAccessToken()`. */
export interface GetAccessTokenOptions {
  /** Renew even if the cached token looks fresh (e.g. the API just answered 401). */
  forceRenew?: boolean;
}

/** The client surface every adapter uses (DESIGN §2, contract). */
export interface CartoAuthClient {
  readonly strategy: StrategyKind;
  /** The API base URL (no trailing slash) that CARTO helpers such as `querySql` call. */
  readonly apiBaseUrl: string;
  /** The current immutable snapshot; the same object until something changes. */
  getSnapshot(): AuthSnapshot;
  /** Calls `listener` now and on every change (Svelte store contract). Returns the unsubscribe function. */
  subscribe(listener: (snapshot: AuthSnapshot) => void): () => void;
  /** Calls `listener` on every change only. */
  listen(listener: (snapshot: AuthSnapshot) => void): () => void;
  /**
   * Restores the session and, on the callback URL, completes the login. Resolves with the snapshot once
   * nothing is in flight (a `loading` snapshot then means the page is being redirected).
   */
  start(): Promise<AuthSnapshot>;
  /** SPA: redirects to CARTO's login. Other strategies: no-op. */
  login(options?: LoginOptions): Promise<void>;
  /** Forgets the session; SPA: then visits `/v2/logout` unless `{ localOnly: true }`. */
  logout(options?: LogoutOptions): void;
  /** A valid access token: cached, renewed within the leeway, one request for all concurrent callers. */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>;
  /** `fetch` that adds the bearer token for allowed origins only; on 401 renews once and retries once. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** `true` when a request to `url` may carry the token (exact origin match against the allow-list). */
  isAllowedUrl(url: string | URL): boolean;
  /** Cancels timers and in-flight work and drops every listener. */
  stop(): void;
  /** Devtools hook: called for every transition with the previous and next snapshots. */
  inspect(listener: (previous: AuthSnapshot, event: InspectedTransition, next: AuthSnapshot) => void): () => void;
}

// setTimeout stores delays as signed 32-bit ints; longer delays fire at once (case-12).
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Creates a client for one strategy. Runs the loop event → transition → effects → ports → event.
 * @example
 * const auth = createCartoAuth({ strategy: spa({ clientId, redirectUri }), apiBaseUrl });
 * auth.subscribe((s) => render(s.status));
 * await auth.start();
 */
export function createCartoAuth(options: CartoAuthOptions): CartoAuthClient {
  const given = options?.strategy as AnyStrategy | undefined;
  if (!given || typeof given.transition !== 'function') {
    throw configError('createCartoAuth() needs a `strategy`: apiToken(…), spa(…) or m2m(…).');
  }
  const strategy: AnyStrategy = given;
  const apiBaseUrl = trimSlashes(secureUrl(options.apiBaseUrl, 'createCartoAuth({ apiBaseUrl })'));
  const origins = normalizeOrigins(options.allowedOrigins ?? [apiBaseUrl]);
  const ports = options.ports ?? defaultPorts();
  strategy.checkHost?.(ports);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  let state: { status: string } = strategy.initial();
  let snapshot = strategy.toSnapshot(state);
  let stopped = false;
  let renewalTimer: TimerHandle | undefined;
  let inFlight = new AbortController();
  let changed = deferred();
  const listeners = new Set<(snapshot: AuthSnapshot) => void>();
  const inspectors = new Set<(previous: AuthSnapshot, event: InspectedTransition, next: AuthSnapshot) => void>();
  const stopBroadcast = ports.broadcast?.subscribe((message) => message === 'logout' && send({ type: 'remoteLogout' }));

  function send(event: CommonEvent | { type: string }): void {
    if (stopped) return;
    const previousState = state;
    const previous = snapshot;
    const [next, effects] = strategy.transition(state, event);
    state = next;
    if (next !== previousState) {
      const candidate = strategy.toSnapshot(next);
      if (!sameSnapshot(candidate, snapshot)) snapshot = candidate;
    }
    for (const inspector of inspectors) inspector(previous, { type: event.type, from: previousState.status, to: next.status }, snapshot);
    if (snapshot !== previous) for (const listener of [...listeners]) listener(snapshot);
    if (next !== previousState) {
      const wake = changed;
      changed = deferred();
      wake.resolve();
    }
    for (const effect of effects) runEffect(effect as CommonEffect);
  }

  function runEffect(effect: CommonEffect | { type: string }): void {
    switch (effect.type) {
      case 'scheduleRenewal':
        cancelRenewal();
        scheduleAt((effect as Extract<CommonEffect, { type: 'scheduleRenewal' }>).at);
        return;
      case 'cancelRenewal':
        cancelRenewal();
        return;
      case 'abortRequests':
        inFlight.abort(new CartoAuthError(ERR_CANCELLED, 'Cancelled by logout or a new login.'));
        inFlight = new AbortController();
        return;
      case 'broadcastLogout':
        ports.broadcast?.post('logout');
        return;
      default:
        void runStrategyEffect(effect);
    }
  }

  async function runStrategyEffect(effect: unknown): Promise<void> {
    const controller = new AbortController();
    const parent = inFlight.signal;
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort);
    const timer = ports.clock.setTimer(
      () => controller.abort(new CartoAuthError(ERR_TIMEOUT, `No answer within ${requestTimeoutMs} ms.`)),
      requestTimeoutMs,
    );
    try {
      const event = await strategy.runEffect(effect, { ports, signal: controller.signal });
      if (event) send(event as { type: string });
    } catch (error) {
      // Runners never reject by contract; a port that throws must still not become an unhandled rejection.
      inspectFailure(error);
    } finally {
      ports.clock.clearTimer(timer);
      parent.removeEventListener('abort', onAbort);
    }
  }

  function inspectFailure(error: unknown): void {
    for (const inspector of inspectors) inspector(snapshot, { type: `effectFailed: ${String(error)}`, from: state.status, to: state.status }, snapshot);
  }

  function scheduleAt(at: number): void {
    const delay = at - ports.clock.now();
    renewalTimer =
      delay > MAX_TIMER_DELAY_MS
        ? ports.clock.setTimer(() => scheduleAt(at), MAX_TIMER_DELAY_MS)
        : ports.clock.setTimer(() => send({ type: 'renewRequested', now: ports.clock.now(), force: false }), Math.max(0, delay));
  }

  function cancelRenewal(): void {
    if (renewalTimer !== undefined) ports.clock.clearTimer(renewalTimer);
    renewalTimer = undefined;
  }

  const secrets = () => ({ state: ports.random(), codeVerifier: ports.random() });

  async function waitUntil<T>(check: () => T | undefined): Promise<T> {
    for (;;) {
      if (stopped) throw new CartoAuthError(ERR_CANCELLED, 'The client was stopped.');
      const result = check();
      if (result !== undefined) return result;
      await changed.promise;
    }
  }

  async function getAccessToken(tokenOptions: GetAccessTokenOptions = {}): Promise<string> {
    let renewalAsked = false;
    return waitUntil(() => {
      let decision = strategy.decideToken(state, ports.clock.now());
      const wantsRenewal = decision.kind === 'stale' || (decision.kind === 'fresh' && tokenOptions.forceRenew === true);
      if (!renewalAsked && wantsRenewal) {
        renewalAsked = true;
        send({ type: 'renewRequested', now: ports.clock.now(), force: tokenOptions.forceRenew === true });
        decision = strategy.decideToken(state, ports.clock.now());
      }
      if (decision.kind === 'busy') return undefined;
      if (decision.kind === 'none') throw decision.error;
      if (decision.token) return decision.token;
      throw decision.kind === 'stale' && decision.error
        ? decision.error
        : new CartoAuthError(ERR_NOT_AUTHENTICATED, 'No valid access token could be obtained.');
    });
  }

  async function authorizedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!allowedOrigin(url, origins)) return ports.fetch(input, init);
    const replay = input instanceof Request ? input.clone() : input;
    let token: string | undefined;
    try {
      token = await getAccessToken();
    } catch {
      token = undefined; // case-09: no token means no header, never "Bearer undefined"
    }
    const response = await ports.fetch(input, withBearer(input, init, token));
    if (response.status !== 401 || token === undefined) return response;
    // case-16: renew once, retry once; a second 401 is an error, never a loop.
    const renewed = await getAccessToken({ forceRenew: true });
    const unauthorized = () =>
      new CartoAuthError(ERR_UNAUTHORIZED, `${url} rejected the access token (401) even after a renewal.`, { status: 401 });
    if (renewed === token) throw unauthorized();
    const retried = await ports.fetch(replay, withBearer(replay, init, renewed));
    if (retried.status === 401) throw unauthorized();
    return retried;
  }

  return {
    strategy: strategy.kind,
    apiBaseUrl,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      listener(snapshot);
      return () => void listeners.delete(listener);
    },
    listen(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async start() {
      send({ type: 'startRequested', now: ports.clock.now(), login: secrets() });
      // Settled once nothing is in flight: a callback exchanged, a session restored or renewed, or a redirect under way.
      return waitUntil(() => (strategy.decideToken(state, ports.clock.now()).kind === 'busy' ? undefined : snapshot));
    },
    async login(loginOptions = {}) {
      send({ type: 'loginRequested', now: ports.clock.now(), options: loginOptions, login: secrets() });
    },
    logout(logoutOptions = {}) {
      send({ type: 'logoutRequested', options: logoutOptions });
    },
    getAccessToken,
    fetch: authorizedFetch,
    isAllowedUrl: (url) => allowedOrigin(url, origins),
    stop() {
      if (stopped) return;
      stopped = true;
      cancelRenewal();
      inFlight.abort(new CartoAuthError(ERR_CANCELLED, 'The client was stopped.'));
      stopBroadcast?.();
      listeners.clear();
      inspectors.clear();
      changed.resolve();
    },
    inspect(listener) {
      inspectors.add(listener);
      return () => void inspectors.delete(listener);
    },
  };
}

function withBearer(input: RequestInfo | URL, init: RequestInit | undefined, token: string | undefined): RequestInit {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return { ...init, headers };
}

function sameSnapshot(a: AuthSnapshot, b: AuthSnapshot): boolean {
  return a.status === b.status && a.user === b.user && a.expiresAt === b.expiresAt && a.error === b.error;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
