import type { CartoAuthError } from './errors';
import type { Ports } from './ports/types';

/** The user behind an SPA session (from the ID token and the access token's claims). */
export interface CartoUser {
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
  /** CARTO account id (`ac_…`), claim `http://app.carto.com/account_id`. */
  readonly accountId?: string;
  /** The access token's `permissions` claim. */
  readonly permissions: readonly string[];
  /** Organization id when the user signed in through SSO (`org_id`). */
  readonly organization?: string;
  /** CARTO's `http://app.carto.com/user_metadata`; absent until sign-up is finished. */
  readonly userMetadata?: Readonly<Record<string, unknown>>;
}

/** Which of CARTO's three ways of getting a token a client uses. */
export type StrategyKind = 'api-token' | 'spa' | 'm2m';

/** The public state every adapter renders: a new object on every change, never changed in place. */
export interface AuthSnapshot {
  readonly status: 'idle' | 'loading' | 'authenticated' | 'unauthenticated' | 'error';
  readonly strategy: StrategyKind;
  readonly user?: CartoUser;
  /** Epoch ms at which the current access token expires (absent for permanent API tokens). */
  readonly expiresAt?: number;
  readonly error?: CartoAuthError;
  /** SPA: the `appState` the session's login was started with (`login({ appState })`). */
  readonly appState?: unknown;
}

/** Options of `auth.login()` (SPA). */
export interface LoginOptions {
  /** SSO organization id (`org_…`); overrides the configured one. Empty strings are ignored (case-25). */
  organization?: string;
  /** `prompt` sent to `/authorize`, e.g. `'login'` to force the login page. */
  prompt?: 'none' | 'login' | 'consent' | 'select_account';
  /** Any JSON value, handed back as the snapshot's `appState` once signed in (and kept through renewals). */
  appState?: unknown;
  /**
   * Where the address bar should point after the callback: a path or a URL on the app's origin (that
   * of `redirectUri`); anything else makes the login an `invalid_config` error before it leaves.
   */
  returnTo?: string;
}

/** Options of `auth.logout()`. False or empty values are the same as leaving them out (case-27). */
export interface LogoutOptions {
  /** Only forget the local session; do not visit the server's `/v2/logout`. */
  localOnly?: boolean;
  /** Where `/v2/logout` sends the browser afterwards; must be an allowed logout URL. */
  returnTo?: string;
  /** Also end the identity provider's session (Auth0 `federated`). */
  federated?: boolean;
}

/** What `getAccessToken()` should do with the current machine state. */
export type TokenDecision =
  /** Good while the clock reads less than `until` (epoch ms) and the state does not change. */
  | { kind: 'fresh'; token: string; until: number }
  /** Inside the leeway or expired; `token` is still usable if the renewal cannot improve on it. */
  | { kind: 'stale'; token?: string; error?: CartoAuthError }
  | { kind: 'busy' }
  /** No token and none coming; without `error`, `getAccessToken()` rejects with `not_authenticated`. */
  | { kind: 'none'; error?: CartoAuthError };

/** Events every strategy understands; strategies add their own. */
export type CommonEvent =
  | { type: 'startRequested' }
  | { type: 'loginRequested'; options: LoginOptions }
  | { type: 'renewRequested'; now: number; force?: boolean }
  | { type: 'logoutRequested'; options: LogoutOptions }
  | { type: 'remoteLogout' }
  /** An effect threw instead of answering (a broken port): the machine must leave any waiting state. */
  | { type: 'effectFailed'; error: CartoAuthError };

/** Fresh random values for a login, drawn by the effect that redirects, so transitions stay pure. */
export interface LoginSecrets {
  state: string;
  codeVerifier: string;
}

/** Effects the runtime executes itself; strategies add network effects. */
export type CommonEffect =
  | { type: 'scheduleRenewal'; at: number }
  | { type: 'cancelRenewal' }
  | { type: 'abortRequests' }
  /** `stop()`: cancel the renewal and abort the requests in flight. */
  | { type: 'stopAll' };

/** What a network effect may use. */
export interface EffectContext {
  ports: Ports;
  /** Aborted on logout, stop and time-out. */
  signal: AbortSignal;
  /** The client's `requestTimeoutMs`: the time-out that aborts `signal`. */
  timeoutMs: number;
}

/** One client's handle for its strategy's effect runner: the ports, and the way back into the loop. */
export interface EffectScope {
  ports: Ports;
  send(event: CommonEvent | { type: string }): void;
  timeoutMs: number;
}

/**
 * A strategy: a pure machine plus the effect runner that talks to the network. Created by
 * `apiToken()`, `spa()` or `m2m()` and handed to `createCartoAuth`.
 */
export interface Strategy<S extends { status: string } = { status: string }, E = unknown, F = unknown> {
  readonly kind: StrategyKind;
  initial(): S;
  transition(state: S, event: CommonEvent | E): [S, Array<CommonEffect | F>];
  toSnapshot(state: S): AuthSnapshot;
  decideToken(state: S, now: number): TokenDecision;
  /** Runs one effect for the client behind `scope`; results come back through `scope.send`. */
  runEffect(effect: CommonEffect | F, scope: EffectScope): void;
  /** The ports used when `createCartoAuth` is given none: only what this strategy needs. */
  defaultPorts(): Ports;
  /**
   * Listens to the host for the client's lifetime (other tabs, the back/forward cache) and feeds what
   * it hears into `scope.send`; returns the disconnect that `stop()` calls. Strategies without host
   * events leave it out, which keeps their bundle small.
   */
  connect?(scope: EffectScope): () => void;
}
