import { allowedOrigin, normalizeOrigins } from './carto/origins';
import {
  CartoAuthError,
  configError,
  ERR_CANCELLED,
  ERR_NOT_AUTHENTICATED,
  ERR_UNAUTHORIZED,
} from './errors';
import type { Ports } from './ports/types';
import type {
  AuthSnapshot,
  CommonEvent,
  EffectScope,
  LoginOptions,
  LogoutOptions,
  Strategy,
  StrategyKind,
} from './types';
import { positiveMs } from './timing';
import { tokenAfterUnauthorized } from './renewal';
import { baseUrl } from './urls';

/** Options of {@link createCartoAuth}. */
export interface CartoAuthOptions {
  /** `apiToken(…)`, `spa(…)` or `m2m(…)`. */
  strategy: AnyStrategy;
  /** The tenant's API base URL, e.g. `https://gcp-us-east1.api.carto.com`. */
  apiBaseUrl: string;
  /**
   * Origins that may receive the token, replacing the default: the origin of `apiBaseUrl` only
   * (case-08). List that one too when you add others. `[]`: `fetch()` and the interceptors attach the
   * token nowhere (the app adds it itself, from `getAccessToken()`). One string is taken as a one-entry
   * list; any other shape is an `invalid_config` error.
   */
  allowedOrigins?: string[];
  /** Host services. Default: the strategy's (the browser's for SPA in a page, `minimalPorts()` otherwise). */
  ports?: Ports;
  /** Abort a token request (a hidden `prompt=none` authorize included) after this many ms. Default 10 000. */
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
  /**
   * Renew even if the cached token looks fresh (e.g. the API just answered 401). M2M: a token younger
   * than 30 s is kept (CARTO rations M2M tokens; a new one would not cure a refusal that soon).
   */
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
  /**
   * Forgets the session; SPA: then visits `/v2/logout` unless `{ localOnly: true }`. That visit is a
   * navigation: a `login()` right after it starts another one, which wins, and CARTO's session stays.
   * To switch accounts, `login({ prompt: 'login' })`, or `logout({ returnTo })` to a page that logs in.
   */
  logout(options?: LogoutOptions): void;
  /** A valid access token: cached, renewed within the leeway, one request for all concurrent callers. */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>;
  /**
   * `fetch` that adds the bearer token for allowed origins only; on 401 renews once and retries once
   * (a streamed body too: the retry sends its own copy). The request's signal also ends the wait for
   * a token: fetch then rejects with the signal's reason, as fetch alone would. The client's token
   * replaces an `Authorization` header of the caller's: send another credential with plain `fetch`.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** `true` when a request to `url` may carry the token (exact origin match against the allow-list). */
  isAllowedUrl(url: string | URL): boolean;
  /**
   * Cancels timers and in-flight work and drops every listener. The snapshot stays the last one (a
   * stopped client is not signed out); `getAccessToken()` and `login()` then reject with `cancelled`.
   */
  stop(): void;
  /** Devtools hook: called for every transition that changed the state, with both snapshots. */
  inspect(
    listener: (previous: AuthSnapshot, event: InspectedTransition, next: AuthSnapshot) => void,
  ): () => void;
}

/**
 * Creates a client for one strategy. Runs the loop event → transition → effects → ports → event.
 * @example
 * const auth = createCartoAuth({ strategy: spa({ clientId, redirectUri }), apiBaseUrl });
 * auth.subscribe((s) => render(s.status));
 * await auth.start();
 */
export function createCartoAuth(options: CartoAuthOptions): CartoAuthClient {
  const strategy = options?.strategy as AnyStrategy;
  if (typeof strategy?.transition !== 'function') throw configError('createCartoAuth(): no strategy');
  const apiBaseUrl = baseUrl(options.apiBaseUrl, 'apiBaseUrl');
  // The default is the origin of `apiBaseUrl`, which may have a path (a proxy under /carto).
  const origins = normalizeOrigins(options.allowedOrigins ?? new URL(apiBaseUrl).origin);
  const ports = options.ports ?? strategy.defaultPorts();

  let state: { status: string } = strategy.initial();
  let snapshot = strategy.toSnapshot(state);
  let stopped = false;
  // Callers of waitUntil() waiting for the next state change (or stop()).
  const waiting: Array<() => void> = [];
  const wakeAll = () => waiting.splice(0).forEach((wake) => wake());
  // The hot path (DESIGN §2): the last fresh token, handed out without the machine until the clock
  // reaches `freshUntil` or the state changes; as one settled promise, so a call allocates nothing.
  let freshToken: Promise<string>;
  let freshUntil = 0;
  // The token an API still refused after a renewal made it (see authorizedFetch).
  let refusedAfterRenewal: string | undefined;
  // One entry per subscription, so a function subscribed twice is also unsubscribed one at a time.
  const listeners = new Set<[(snapshot: AuthSnapshot) => void]>();
  const inspectors = new Set<
    [(previous: AuthSnapshot, event: InspectedTransition, next: AuthSnapshot) => void]
  >();
  const scope: EffectScope = {
    ports,
    send,
    timeoutMs: positiveMs(options.requestTimeoutMs, 'requestTimeoutMs'),
  };
  // Events sent while one is processed (a listener that calls logout()) wait their turn: transitions
  // never nest, so no transition's effects can run after those of a later one.
  const queue: Array<CommonEvent | { type: string }> = [];
  // After `queue`: a port may deliver an event while the strategy connects to it.
  const disconnect = strategy.connect?.(scope);

  function send(event: CommonEvent | { type: string }): void {
    if (queue.push(event) > 1) return;
    try {
      for (let next; (next = queue[0]) && !stopped; queue.shift()) {
        const previousState = state;
        const previous = snapshot;
        const [nextState, effects] = strategy.transition(state, next);
        if (nextState !== previousState) {
          state = nextState;
          freshUntil = 0;
          snapshot = strategy.toSnapshot(nextState);
          notifyAll(
            inspectors,
            previous,
            { type: next.type, from: previousState.status, to: nextState.status },
            snapshot,
          );
          notifyAll(listeners, snapshot);
          wakeAll();
        }
        // Nor may the effects of this transition start work after a listener stopped the client.
        for (const effect of effects) if (!stopped) strategy.runEffect(effect, scope);
      }
    } finally {
      queue.length = 0;
    }
  }

  async function waitUntil<T>(check: () => T | undefined): Promise<T> {
    for (;;) {
      if (stopped) throw stoppedError();
      const result = check();
      if (result !== undefined) return result;
      // After stop() (even one a listener called during check()), nobody is left waiting.
      await new Promise<void>((wake) => (stopped ? wake() : waiting.push(wake)));
    }
  }

  // Not `async`: returning the waiter directly saves the hot path a promise hop.
  function getAccessToken(tokenOptions?: GetAccessTokenOptions): Promise<string> {
    const force = tokenOptions?.forceRenew;
    if (!force && ports.clock.now() < freshUntil) return freshToken;
    let renewalAsked = false;
    return waitUntil(() => {
      const now = ports.clock.now();
      let decision = strategy.decideToken(state, now);
      // A stale token, or a fresh one with `forceRenew`, asks for one renewal.
      if (!renewalAsked && (decision.kind === 'stale' || (force && decision.kind === 'fresh'))) {
        renewalAsked = true;
        send({ type: 'renewRequested', now, force });
        decision = strategy.decideToken(state, now);
      }
      // Joining a request in flight counts as this caller's renewal: on failure everyone gets the error
      // instead of each waiter starting its own retry (case-17, no convoy).
      // A renewal asked for from inside a listener is queued: wait for it too.
      if (decision.kind === 'busy' || queue.length) return void (renewalAsked = true);
      const { token, error, until } = decision as { token?: string; error?: CartoAuthError; until?: number };
      if (!token) throw error || new CartoAuthError(ERR_NOT_AUTHENTICATED, 'No token');
      freshUntil = until ?? 0; // a fresh token: the hot path takes the next calls
      freshToken = Promise.resolve(token);
      return token;
    });
  }

  async function authorizedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = input instanceof Request ? input.url : String(input);
    if (!allowedOrigin(url, origins)) return ports.fetch(input, init);
    // Read once, before waiting for the token: by then a URL object could point elsewhere. The clone
    // tees the body, a stream too, so a retry has a body of its own.
    const request = new Request(input, init);
    const replay = request.clone();
    // case-09: no token means no header, never "Bearer undefined". The caller's signal also ends the
    // wait for a token (a renewal in flight): the request then goes out aborted, and fetch rejects with
    // the signal's reason, as fetch alone would. `request.signal` is the request's own (it follows the
    // caller's), so its `onabort` is ours to set, and it goes with the request.
    const token = await Promise.race([
      getAccessToken(),
      new Promise<undefined>((settle) => (request.signal.onabort = () => settle(undefined))),
    ]).catch(() => undefined);
    const response = await ports.fetch(request, withBearer(request, token));
    // Any other answer: the API takes this client's tokens again, so a later 401 is worth a renewal.
    if (response.status !== 401) {
      refusedAfterRenewal = undefined;
      return response;
    }
    if (token === undefined) return response;
    // case-16: renew once, retry once; a second 401 is an error, never a loop. While a token that was
    // refused right after a renewal has not been accepted since, its 401s get no renewal: they are not
    // about freshness (a wrong audience, no account), and renewing on each would flood the token endpoint.
    const renewed =
      token === refusedAfterRenewal ? token : await tokenAfterUnauthorized(getAccessToken, token);
    // The same token again means nothing changed: its 401 stands.
    const retried = renewed === token ? response : await ports.fetch(replay, withBearer(replay, renewed));
    if (retried.status === 401) {
      refusedAfterRenewal = renewed;
      throw new CartoAuthError(ERR_UNAUTHORIZED, `${url} answered 401`, { status: 401 });
    }
    return retried;
  }

  return {
    strategy: strategy.kind,
    apiBaseUrl,
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listener(snapshot);
      return addTo(listeners, listener);
    },
    listen: (listener) => addTo(listeners, listener),
    start() {
      send({ type: 'startRequested' });
      // Settled once nothing is in flight: a callback exchanged, a session restored or renewed, or a redirect under way.
      return waitUntil(() =>
        strategy.decideToken(state, ports.clock.now()).kind === 'busy' ? undefined : snapshot,
      );
    },
    async login(loginOptions = {}) {
      if (stopped) throw stoppedError();
      send({ type: 'loginRequested', options: loginOptions });
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
      freshUntil = 0;
      strategy.runEffect({ type: 'stopAll' }, scope);
      disconnect?.();
      listeners.clear();
      inspectors.clear();
      wakeAll();
    },
    inspect: (listener) => addTo(inspectors, listener),
  };
}

/** The headers of `request`, with `Authorization: Bearer` when there is a token (case-09: never `Bearer undefined`). */
function withBearer(request: Request, token: string | undefined): RequestInit {
  const headers = new Headers(request.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return { headers };
}

const stoppedError = () => new CartoAuthError(ERR_CANCELLED, 'Stopped');

function addTo<T>(set: Set<[T]>, item: T): () => void {
  const entry: [T] = [item];
  set.add(entry);
  return () => set.delete(entry);
}

/**
 * Calls every listener. One that throws must not stop the others, the waiters or the effects, and its
 * error is not the caller's (a renewal timer, a token request): report it as the platform reports
 * event-listener errors.
 */
function notifyAll<A extends unknown[]>(set: Set<[(...args: A) => void]>, ...args: A): void {
  for (const entry of [...set]) {
    // An earlier listener may have unsubscribed this one, or stopped the client (which drops them all).
    if (!set.has(entry)) continue;
    try {
      entry[0](...args);
    } catch (error) {
      ((globalThis as { reportError?: (error: unknown) => void }).reportError ?? console.error)(error);
    }
  }
}
