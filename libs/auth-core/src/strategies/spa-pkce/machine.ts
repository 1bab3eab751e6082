import { userFromClaims } from '../../claims';
import { parseUrl } from '../../urls';
import {
  CartoAuthError,
  ERR_AUTHORIZE_FAILED,
  ERR_INVALID_CONFIG,
  ERR_LOGIN_REQUIRED,
  ERR_NOT_AUTHENTICATED,
  ERR_ORGANIZATION_MISMATCH,
  ERR_SIGNUP_INCOMPLETE,
  ERR_STATE_MISMATCH,
  isTransient,
} from '../../errors';
import { RETRY_AFTER_MS, tokenTimes, type TokenTimes } from '../../timing';
import type {
  AuthSnapshot,
  CartoUser,
  CommonEffect,
  CommonEvent,
  LoginOptions,
  LoginSecrets,
  LogoutOptions,
  TokenDecision,
} from '../../types';
import type { TokenSet } from '../shared/oauth';
import { hasForceLogin, parseCallback, withoutParams } from './callback';

/** A login to start: what the redirect effect sends to `/authorize`, with secrets it draws itself. */
export interface LoginRequest {
  organization?: string;
  prompt?: string;
  appState?: unknown;
  returnTo?: string;
  /** Set on the login that follows a trip to CARTO's sign-up page: the loop guard of case-28. */
  signupAttempted?: boolean;
}

/** A login in progress: what must survive the redirect to `/authorize` and back. */
export type PendingLogin = LoginRequest & LoginSecrets;

/** A signed-in session. */
export interface SpaSession extends TokenTimes {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  user: CartoUser;
  appState?: unknown;
}

/** How sessions are renewed: refresh tokens, a hidden `prompt=none` authorize, both, or never. */
export type RenewMode = 'auto' | 'refresh-token' | 'silent' | 'never';

/** Settings the SPA machine needs (derived from `spa()` options). */
export interface SpaMachineConfig {
  clientId: string;
  redirectUri: string;
  /** The origin of `redirectUri`: the app's. */
  appOrigin: string;
  organization?: string;
  leewayMs: number;
  renew: RenewMode;
  /** Whether to send users without CARTO `user_metadata` to sign-up (CARTO.md §2). */
  checkSignup: boolean;
  logoutEndpoint: string;
  logoutReturnTo: string;
  appUrl: string;
}

/** SPA states. `seq` tags each request so that late answers are recognised and dropped (case-14). */
export type SpaState =
  | { status: 'idle'; seq: number }
  | { status: 'loading'; seq: number }
  | { status: 'redirecting'; seq: number }
  | { status: 'exchanging'; seq: number; pending: PendingLogin }
  /** `retryAt` and `lastError` after a transient renewal failure: when to try again, and what to tell callers meanwhile. */
  | {
      status: 'authenticated';
      seq: number;
      session: SpaSession;
      retryAt?: number;
      lastError?: CartoAuthError;
    }
  | { status: 'renewing'; seq: number; session: SpaSession }
  | { status: 'unauthenticated'; seq: number; error?: CartoAuthError }
  | { status: 'error'; seq: number; error: CartoAuthError };

/** Events produced by the SPA effects. */
export type SpaEvent =
  | {
      type: 'restored';
      now: number;
      url: string;
      pending?: PendingLogin;
      stored?: SpaSession;
      consumedStates: string[];
    }
  | { type: 'tokensReceived'; seq: number; tokens: TokenSet; receivedAt: number }
  | { type: 'tokenRequestFailed'; seq: number; error: CartoAuthError; at: number }
  /** The page was shown again from the back/forward cache, e.g. Back from the login page. */
  | { type: 'pageRestored' };

/** Effects the SPA runner executes. */
export type SpaEffect =
  | { type: 'restore' }
  | { type: 'redirectToAuthorize'; login: LoginRequest }
  | { type: 'exchangeCode'; seq: number; pending: PendingLogin; callbackUrl: string }
  | { type: 'refreshTokens'; seq: number; refreshToken: string }
  | { type: 'silentAuthorize'; seq: number; organization?: string }
  | { type: 'persistSession'; session: SpaSession }
  /** `signedOut`: a logout in this tab, which also ends what other tabs could renew from. */
  | { type: 'clearSession'; signedOut?: boolean }
  /** Drops the pending login (remembering its `state` as consumed, case-07) and cleans the address bar. */
  | { type: 'consumeCallback'; state?: string; url: string }
  | { type: 'replaceUrl'; url: string }
  /** Tells this client's other tabs (case-29). */
  | { type: 'broadcastLogout' }
  /** `pending`: a login to take up again on the way back (the sign-up trip of case-28). */
  | { type: 'navigate'; url: string; pending?: PendingLogin };

type Effect = CommonEffect | SpaEffect;
type Step = [SpaState, Effect[]];

const STOP_WORK: Effect[] = [{ type: 'abortRequests' }, { type: 'cancelRenewal' }];
const END_SESSION: Effect[] = [...STOP_WORK, { type: 'clearSession' }];

/** Before `start()`, nothing is known. */
export function initial(): SpaState {
  return { status: 'idle', seq: 0 };
}

/** Pure step of the Authorization Code + PKCE machine. */
export function transition(config: SpaMachineConfig, state: SpaState, event: CommonEvent | SpaEvent): Step {
  const { status, seq } = state;
  const same: Step = [state, []];
  const failed = (error: CartoAuthError): Step => [{ status: 'error', seq, error }, []];
  switch (event.type) {
    case 'startRequested':
      // case-05: a second start() must not process the callback again.
      return status === 'idle' ? [{ status: 'loading', seq }, [{ type: 'restore' }]] : same;
    case 'restored':
      return status === 'loading' ? restore(config, state, event) : same;
    case 'pageRestored':
      // The redirect never finished: start over as on a page load (restores a stored session, if any).
      return status === 'redirecting' ? [{ status: 'loading', seq: seq + 1 }, [{ type: 'restore' }]] : same;
    case 'loginRequested': {
      if (status === 'redirecting') return same;
      const login = loginRequest(config, event.options);
      // Checked before the trip to CARTO: on the way back the browser would refuse to show another
      // origin (or a `javascript:` URL) in the address bar, and the login would fail only then.
      return login.returnTo && parseUrl(login.returnTo, config.redirectUri)?.origin !== config.appOrigin
        ? failed(new CartoAuthError(ERR_INVALID_CONFIG, `returnTo not on this origin: ${login.returnTo}`))
        : redirectToLogin(seq + 1, login);
    }
    case 'tokensReceived':
      if (event.seq !== seq) return same;
      if (status === 'exchanging') return completeLogin(config, state, event);
      return status === 'renewing' ? signedIn(config, seq, event, state.session) : same;
    case 'tokenRequestFailed':
      if (event.seq !== seq) return same;
      if (status === 'exchanging') return failed(event.error);
      return status === 'renewing' ? failRenewal(state, event) : same;
    case 'effectFailed':
      return status === 'loading' || status === 'redirecting' || status === 'exchanging'
        ? failed(event.error)
        : same;
    case 'renewRequested':
      return status === 'authenticated' ? startRenewal(config, state, event.now, event.force) : same;
    case 'logoutRequested':
      return [
        { status: 'unauthenticated', seq: seq + 1 },
        [
          ...STOP_WORK,
          { type: 'clearSession', signedOut: true },
          { type: 'broadcastLogout' },
          ...(event.options.localOnly
            ? []
            : [{ type: 'navigate' as const, url: logoutUrl(config, event.options) }]),
        ],
      ];
    case 'remoteLogout':
      return status === 'authenticated' || status === 'renewing'
        ? [{ status: 'unauthenticated', seq: seq + 1 }, END_SESSION]
        : same;
    default:
      return same;
  }
}

function restore(
  config: SpaMachineConfig,
  state: Extract<SpaState, { status: 'loading' }>,
  event: Extract<SpaEvent, { type: 'restored' }>,
): Step {
  const { seq } = state;
  const { url, pending, stored, now } = event;
  const effects: Effect[] = [];
  const callback = parseCallback(url, config.redirectUri);
  if (callback) {
    const cleanUrl = withoutParams(url);
    if (pending && callback.state === pending.state) {
      const consume: Effect = {
        type: 'consumeCallback',
        state: callback.state,
        url: pending.returnTo ?? cleanUrl,
      };
      if (callback.error) {
        const error = new CartoAuthError(ERR_AUTHORIZE_FAILED, callback.errorDescription ?? callback.error, {
          oauthError: callback.error,
        });
        return [{ status: 'error', seq, error }, [consume]];
      }
      return [
        { status: 'exchanging', seq: seq + 1, pending },
        [consume, { type: 'exchangeCode', seq: seq + 1, pending, callbackUrl: url }],
      ];
    }
    if (event.consumedStates.includes(callback.state)) {
      effects.push({ type: 'replaceUrl', url: cleanUrl }); // case-07: Back to an old callback
    } else if (pending) {
      const error = new CartoAuthError(ERR_STATE_MISMATCH, 'Callback state not sent by this client');
      return [{ status: 'error', seq, error }, [{ type: 'consumeCallback', url: cleanUrl }]];
    }
    // Otherwise another integration's callback (case-06): not ours, leave the URL alone.
  }
  if (!stored && hasForceLogin(url)) {
    const next = { ...loginRequest(config, (pending ?? {}) as LoginOptions), signupAttempted: true };
    return redirectToLogin(seq + 1, next, [{ type: 'replaceUrl', url: withoutParams(url, ['forceLogin']) }]);
  }
  if (stored && now < stored.expiresAt) {
    return [
      { status: 'authenticated', seq, session: stored },
      [...effects, { type: 'scheduleRenewal', at: stored.renewAt }],
    ];
  }
  if (stored?.refreshToken && canRefresh(config)) {
    return [
      { status: 'renewing', seq: seq + 1, session: stored },
      [...effects, { type: 'refreshTokens', seq: seq + 1, refreshToken: stored.refreshToken }],
    ];
  }
  if (stored) effects.push({ type: 'clearSession' });
  return [{ status: 'unauthenticated', seq }, effects];
}

const canRefresh = (config: SpaMachineConfig) => config.renew === 'auto' || config.renew === 'refresh-token';

function loginRequest(config: SpaMachineConfig, options: LoginOptions): LoginRequest {
  // case-25: an empty organization means none; JSON drops the undefined fields when stored.
  return {
    organization: options.organization || config.organization || undefined,
    prompt: options.prompt,
    appState: options.appState,
    returnTo: options.returnTo || undefined,
  };
}

function redirectToLogin(seq: number, login: LoginRequest, before: Effect[] = []): Step {
  return [{ status: 'redirecting', seq }, [...STOP_WORK, ...before, { type: 'redirectToAuthorize', login }]];
}

/** The session from a token response; a refresh without a new refresh token keeps the old one (case-03). */
function signedIn(
  config: SpaMachineConfig,
  seq: number,
  event: Extract<SpaEvent, { type: 'tokensReceived' }>,
  previous?: SpaSession,
  user = event.tokens.idClaims || !previous
    ? userFromClaims(event.tokens.idClaims, event.tokens.accessClaims)
    : previous.user,
  appState = previous?.appState,
): Step {
  const { tokens } = event;
  const session: SpaSession = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    idToken: tokens.idToken ?? previous?.idToken,
    user,
    appState,
    ...tokenTimes(event.receivedAt, tokens.expiresIn, config.leewayMs),
  };
  return [
    { status: 'authenticated', seq, session },
    [
      { type: 'persistSession', session },
      { type: 'scheduleRenewal', at: session.renewAt },
    ],
  ];
}

function completeLogin(
  config: SpaMachineConfig,
  state: Extract<SpaState, { status: 'exchanging' }>,
  event: Extract<SpaEvent, { type: 'tokensReceived' }>,
): Step {
  const { pending, seq } = state;
  const user = userFromClaims(event.tokens.idClaims, event.tokens.accessClaims);
  const fail = (
    code: typeof ERR_ORGANIZATION_MISMATCH | typeof ERR_SIGNUP_INCOMPLETE,
    message: string,
  ): Step => [{ status: 'error', seq, error: new CartoAuthError(code, message) }, []];
  if (pending.organization && user.organization !== pending.organization) {
    return fail(ERR_ORGANIZATION_MISMATCH, `Token is not for organization ${pending.organization}`);
  }
  if (config.checkSignup && event.tokens.idClaims && !user.userMetadata) {
    if (pending.signupAttempted) return fail(ERR_SIGNUP_INCOMPLETE, 'Still no user_metadata after sign-up');
    return [
      { status: 'redirecting', seq },
      // The login is taken up again on the way back: its returnTo and appState too, its prompt not
      // (a forced login form a second time, right after sign-up).
      [
        {
          type: 'navigate',
          url: signupUrl(config, pending.organization),
          pending: { ...pending, prompt: undefined },
        },
      ],
    ];
  }
  return signedIn(config, seq, event, undefined, user, pending.appState);
}

function startRenewal(
  config: SpaMachineConfig,
  state: Extract<SpaState, { status: 'authenticated' }>,
  now: number,
  force: boolean | undefined,
): Step {
  const { session, retryAt = 0 } = state;
  const seq = state.seq + 1;
  // After a transient failure, renewals wait for the retry: calls in between get the outage's error at
  // once, and no caller (a listener asking on every change, say) can turn an outage into a storm. Only
  // a forced renewal of an expired token (an app's "try again") goes out sooner.
  if ((!force && now < Math.max(session.renewAt, retryAt)) || (now < retryAt && now < session.expiresAt)) {
    return [state, []];
  }
  if (session.refreshToken && canRefresh(config)) {
    return [
      { status: 'renewing', seq, session },
      [{ type: 'refreshTokens', seq, refreshToken: session.refreshToken }],
    ];
  }
  if (config.renew === 'auto' || config.renew === 'silent') {
    return [
      { status: 'renewing', seq, session },
      [{ type: 'silentAuthorize', seq, organization: session.user.organization }],
    ];
  }
  if (now < session.expiresAt) return [state, []];
  return [
    { status: 'unauthenticated', seq, error: new CartoAuthError(ERR_LOGIN_REQUIRED, 'Session expired') },
    END_SESSION,
  ];
}

function failRenewal(
  state: Extract<SpaState, { status: 'renewing' }>,
  event: Extract<SpaEvent, { type: 'tokenRequestFailed' }>,
): Step {
  const { session, seq } = state;
  const { error, at } = event;
  // Transient (network, 5xx, time-out): keep a still-valid token, or an expired session's refresh
  // token, which works again once the network is back (a laptop waking after expiry, a reload
  // offline); retry at the expiry of a still-valid token at the latest, else RETRY_AFTER_MS later.
  // An expired session without a refresh token (silent renewal only) has nothing left to keep.
  if (isTransient(error) && (at < session.expiresAt || session.refreshToken)) {
    const retryAt =
      at < session.expiresAt ? Math.min(at + RETRY_AFTER_MS, session.expiresAt) : at + RETRY_AFTER_MS;
    return [
      { status: 'authenticated', seq, session, retryAt, lastError: error },
      [{ type: 'scheduleRenewal', at: retryAt }],
    ];
  }
  // case-15: a refused renewal ends the session, with the reason.
  const reason = new CartoAuthError(ERR_LOGIN_REQUIRED, 'Renewal refused', {
    cause: error,
    oauthError: error.oauthError ?? error.code,
  });
  return [{ status: 'unauthenticated', seq, error: reason }, END_SESSION];
}

/** Auth0's `/v2/logout` URL. False or empty options are left out (case-27). */
export function logoutUrl(config: SpaMachineConfig, options: LogoutOptions): string {
  const url = new URL(config.logoutEndpoint);
  url.search =
    new URLSearchParams({ client_id: config.clientId, returnTo: options.returnTo || config.logoutReturnTo }) +
    (options.federated === true ? '&federated' : '');
  return url.href;
}

/** CARTO's sign-up page, coming back to this app with `?forceLogin=true` (CARTO.md §2). */
export function signupUrl(config: SpaMachineConfig, organization?: string): string {
  const back = new URL(config.redirectUri);
  back.searchParams.set('forceLogin', 'true');
  const url = new URL(`${config.appUrl}/${organization ? `sso/${encodeURIComponent(organization)}` : ''}`);
  url.searchParams.set('redirectUri', back.href);
  return url.href;
}

/** The public snapshot of an SPA client. */
export function toSnapshot(state: SpaState): AuthSnapshot {
  // Machine-only states map onto the five public ones: a redirect or exchange is `loading`, renewing keeps the session.
  const { status } = state;
  // Built here, read-only from then on.
  const snapshot: { -readonly [K in keyof AuthSnapshot]: AuthSnapshot[K] } = {
    status:
      status === 'redirecting' || status === 'exchanging'
        ? 'loading'
        : status === 'renewing'
          ? 'authenticated'
          : status,
    strategy: 'spa',
  };
  if ('session' in state) {
    snapshot.user = state.session.user;
    snapshot.appState = state.session.appState;
    snapshot.expiresAt = state.session.expiresAt;
  }
  if ('error' in state && state.error) snapshot.error = state.error;
  return snapshot;
}

/** Decides what `getAccessToken()` does; `now` comes from the clock port. */
export function decideToken(state: SpaState, now: number): TokenDecision {
  if (state.status === 'authenticated') {
    const { session, retryAt = 0, lastError } = state;
    const valid = now < session.expiresAt;
    // Fresh before the renewal is due, or while a failed renewal waits to retry and the token still works.
    const until = Math.max(session.renewAt, Math.min(retryAt, session.expiresAt));
    if (now < until) return { kind: 'fresh', token: session.accessToken, until };
    // An expired token after a failed renewal: a renewal is tried again, and its failure is the answer.
    return valid ? { kind: 'stale', token: session.accessToken } : { kind: 'stale', error: lastError };
  }
  if (state.status === 'loading' || state.status === 'exchanging' || state.status === 'renewing')
    return { kind: 'busy' };
  const hint = state.status === 'idle' ? 'call start() first' : 'call login()';
  return {
    kind: 'none',
    error:
      ('error' in state && state.error) ||
      new CartoAuthError(ERR_NOT_AUTHENTICATED, `Not signed in: ${hint}`),
  };
}
