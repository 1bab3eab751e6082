import { userFromClaims } from '../../claims';
import {
  CartoAuthError,
  ERR_AUTHORIZE_FAILED,
  ERR_LOGIN_REQUIRED,
  ERR_NOT_AUTHENTICATED,
  ERR_ORGANIZATION_MISMATCH,
  ERR_SIGNUP_INCOMPLETE,
  ERR_STATE_MISMATCH,
} from '../../errors';
import { tokenTimes, type TokenTimes } from '../../timing';
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
import { hasForceLogin, parseCallback, withoutCallbackParams, withoutForceLogin } from './callback';

/** A login in progress: what must survive the redirect to `/authorize` and back. */
export interface PendingLogin extends LoginSecrets {
  organization?: string;
  prompt?: string;
  appState?: unknown;
  returnTo?: string;
  /** Set on the login that follows a trip to CARTO's sign-up page: the loop guard of case-28. */
  signupAttempted?: boolean;
}

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
  | { status: 'loading'; seq: number; login: LoginSecrets }
  | { status: 'redirecting'; seq: number }
  | { status: 'exchanging'; seq: number; pending: PendingLogin }
  | { status: 'authenticated'; seq: number; session: SpaSession; retryAt?: number }
  | { status: 'renewing'; seq: number; session: SpaSession }
  | { status: 'unauthenticated'; seq: number; error?: CartoAuthError }
  | { status: 'error'; seq: number; error: CartoAuthError };

/** Events produced by the SPA effects. */
export type SpaEvent =
  | { type: 'restored'; now: number; url: string; pending?: PendingLogin; stored?: SpaSession; consumedStates: string[] }
  | { type: 'tokensReceived'; seq: number; tokens: TokenSet; receivedAt: number }
  | { type: 'tokenRequestFailed'; seq: number; error: CartoAuthError; at: number };

/** Effects the SPA runner executes. */
export type SpaEffect =
  | { type: 'restore' }
  | { type: 'redirectToAuthorize'; pending: PendingLogin }
  | { type: 'exchangeCode'; seq: number; pending: PendingLogin; callbackUrl: string }
  | { type: 'refreshTokens'; seq: number; refreshToken: string }
  | { type: 'silentAuthorize'; seq: number; organization?: string }
  | { type: 'persistSession'; session: SpaSession }
  | { type: 'clearSession' }
  | { type: 'clearPending'; consumedState?: string }
  | { type: 'replaceUrl'; url: string }
  | { type: 'navigate'; url: string };

type Step = [SpaState, Array<CommonEffect | SpaEffect>];

/** After a transient renewal failure, wait this long before trying again (no storm during an outage). */
const RENEW_RETRY_MS = 30_000;

/** Before `start()`, nothing is known. */
export function initial(): SpaState {
  return { status: 'idle', seq: 0 };
}

/** Pure step of the Authorization Code + PKCE machine. */
export function transition(config: SpaMachineConfig, state: SpaState, event: CommonEvent | SpaEvent): Step {
  switch (event.type) {
    case 'startRequested':
      // case-05: a second start() must not process the callback again.
      return state.status === 'idle' ? [{ status: 'loading', seq: state.seq, login: event.login }, [{ type: 'restore' }]] : [state, []];
    case 'restored':
      return state.status === 'loading' ? restore(config, state, event) : [state, []];
    case 'loginRequested':
      if (state.status === 'redirecting') return [state, []];
      return redirectToLogin(state.seq + 1, pendingLogin(config, event.login, event.options));
    case 'tokensReceived':
      if (event.seq !== state.seq) return [state, []];
      if (state.status === 'exchanging') return completeLogin(config, state, event);
      if (state.status === 'renewing') return completeRenewal(config, state, event);
      return [state, []];
    case 'tokenRequestFailed':
      if (event.seq !== state.seq) return [state, []];
      if (state.status === 'exchanging') return [{ status: 'error', seq: state.seq, error: event.error }, []];
      if (state.status === 'renewing') return failRenewal(state, event);
      return [state, []];
    case 'effectFailed':
      return state.status === 'loading' || state.status === 'redirecting' || state.status === 'exchanging'
        ? [{ status: 'error', seq: state.seq + 1, error: event.error }, []]
        : [state, []];
    case 'renewRequested':
      return state.status === 'authenticated' ? startRenewal(config, state, event.now, event.force) : [state, []];
    case 'logoutRequested':
      return [
        { status: 'unauthenticated', seq: state.seq + 1 },
        [
          { type: 'abortRequests' },
          { type: 'cancelRenewal' },
          { type: 'clearSession' },
          { type: 'broadcastLogout' },
          ...(event.options.localOnly ? [] : [{ type: 'navigate' as const, url: logoutUrl(config, event.options) }]),
        ],
      ];
    case 'remoteLogout':
      if (state.status !== 'authenticated' && state.status !== 'renewing') return [state, []];
      return [
        { status: 'unauthenticated', seq: state.seq + 1 },
        [{ type: 'abortRequests' }, { type: 'cancelRenewal' }, { type: 'clearSession' }],
      ];
    default:
      return [state, []];
  }
}

function restore(config: SpaMachineConfig, state: Extract<SpaState, { status: 'loading' }>, event: Extract<SpaEvent, { type: 'restored' }>): Step {
  const effects: Array<CommonEffect | SpaEffect> = [];
  const callback = parseCallback(event.url, config.redirectUri);
  if (callback) {
    const { pending } = event;
    const cleanUrl = withoutCallbackParams(event.url);
    if (pending && callback.state === pending.state) {
      const consumed: SpaEffect[] = [
        { type: 'clearPending', consumedState: callback.state },
        { type: 'replaceUrl', url: pending.returnTo ?? cleanUrl },
      ];
      if (callback.error) {
        const error = new CartoAuthError(ERR_AUTHORIZE_FAILED, callback.errorDescription ?? callback.error, { oauthError: callback.error });
        return [{ status: 'error', seq: state.seq, error }, consumed];
      }
      const seq = state.seq + 1;
      return [{ status: 'exchanging', seq, pending }, [...consumed, { type: 'exchangeCode', seq, pending, callbackUrl: event.url }]];
    }
    if (event.consumedStates.includes(callback.state)) {
      effects.push({ type: 'replaceUrl', url: cleanUrl }); // case-07: Back to an old callback
    } else if (pending) {
      const error = new CartoAuthError(ERR_STATE_MISMATCH, 'Callback state was not sent by this client');
      return [{ status: 'error', seq: state.seq, error }, [{ type: 'clearPending' }, { type: 'replaceUrl', url: cleanUrl }]];
    }
    // Otherwise another integration's callback (case-06): not ours, leave the URL alone.
  }
  const stored = event.stored;
  if (!stored && hasForceLogin(event.url)) {
    const pending = { ...pendingLogin(config, state.login, {}), signupAttempted: true };
    return redirectToLogin(state.seq + 1, pending, [{ type: 'replaceUrl', url: withoutForceLogin(event.url) }]);
  }
  if (stored && event.now < stored.expiresAt) {
    return [{ status: 'authenticated', seq: state.seq, session: stored }, [...effects, { type: 'scheduleRenewal', at: stored.renewAt }]];
  }
  if (stored?.refreshToken && config.renew !== 'never' && config.renew !== 'silent') {
    const seq = state.seq + 1;
    return [{ status: 'renewing', seq, session: stored }, [...effects, { type: 'refreshTokens', seq, refreshToken: stored.refreshToken }]];
  }
  if (stored) effects.push({ type: 'clearSession' });
  return [{ status: 'unauthenticated', seq: state.seq }, effects];
}

function pendingLogin(config: SpaMachineConfig, login: LoginSecrets, options: LoginOptions): PendingLogin {
  const pending: PendingLogin = { state: login.state, codeVerifier: login.codeVerifier };
  // case-25: an empty organization means none.
  const organization = options.organization || config.organization;
  if (organization) pending.organization = organization;
  if (options.prompt) pending.prompt = options.prompt;
  if (options.appState !== undefined) pending.appState = options.appState;
  if (options.returnTo) pending.returnTo = options.returnTo;
  return pending;
}

function redirectToLogin(seq: number, pending: PendingLogin, before: Array<CommonEffect | SpaEffect> = []): Step {
  return [
    { status: 'redirecting', seq },
    [{ type: 'abortRequests' }, { type: 'cancelRenewal' }, ...before, { type: 'redirectToAuthorize', pending }],
  ];
}

function sessionFrom(tokens: TokenSet, user: CartoUser, receivedAt: number, leewayMs: number, previous?: SpaSession): SpaSession {
  const session: SpaSession = { accessToken: tokens.accessToken, user, ...tokenTimes(receivedAt, tokens.expiresIn, leewayMs) };
  // case-03: a refresh response without a new refresh token keeps the previous one.
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  const idToken = tokens.idToken ?? previous?.idToken;
  if (refreshToken) session.refreshToken = refreshToken;
  if (idToken) session.idToken = idToken;
  if (previous?.appState !== undefined) session.appState = previous.appState;
  return session;
}

function completeLogin(
  config: SpaMachineConfig,
  state: Extract<SpaState, { status: 'exchanging' }>,
  event: Extract<SpaEvent, { type: 'tokensReceived' }>,
): Step {
  const { pending } = state;
  const user = userFromClaims(event.tokens.idClaims, event.tokens.accessClaims);
  if (pending.organization && user.organization !== pending.organization) {
    const error = new CartoAuthError(ERR_ORGANIZATION_MISMATCH, `Token is not for organization ${pending.organization}`);
    return [{ status: 'error', seq: state.seq, error }, []];
  }
  if (config.checkSignup && event.tokens.idClaims && !user.userMetadata) {
    if (pending.signupAttempted) {
      const error = new CartoAuthError(ERR_SIGNUP_INCOMPLETE, 'Still no user_metadata after sign-up');
      return [{ status: 'error', seq: state.seq, error }, []];
    }
    return [{ status: 'redirecting', seq: state.seq }, [{ type: 'navigate', url: signupUrl(config, pending.organization) }]];
  }
  const session = sessionFrom(event.tokens, user, event.receivedAt, config.leewayMs);
  if (pending.appState !== undefined) session.appState = pending.appState;
  return [
    { status: 'authenticated', seq: state.seq, session },
    [{ type: 'persistSession', session }, { type: 'scheduleRenewal', at: session.renewAt }],
  ];
}

function startRenewal(config: SpaMachineConfig, state: Extract<SpaState, { status: 'authenticated' }>, now: number, force: boolean): Step {
  const { session } = state;
  if (!force && now < session.renewAt) return [state, []];
  const seq = state.seq + 1;
  const useRefresh = session.refreshToken && (config.renew === 'auto' || config.renew === 'refresh-token');
  if (useRefresh && session.refreshToken) {
    return [{ status: 'renewing', seq, session }, [{ type: 'refreshTokens', seq, refreshToken: session.refreshToken }]];
  }
  if (config.renew === 'auto' || config.renew === 'silent') {
    const organization = session.user.organization;
    return [{ status: 'renewing', seq, session }, [{ type: 'silentAuthorize', seq, ...(organization ? { organization } : {}) }]];
  }
  if (now < session.expiresAt) return [state, []];
  const error = new CartoAuthError(ERR_LOGIN_REQUIRED, 'Session expired');
  return [{ status: 'unauthenticated', seq, error }, [{ type: 'cancelRenewal' }, { type: 'clearSession' }]];
}

function completeRenewal(
  config: SpaMachineConfig,
  state: Extract<SpaState, { status: 'renewing' }>,
  event: Extract<SpaEvent, { type: 'tokensReceived' }>,
): Step {
  const user = event.tokens.idClaims ? userFromClaims(event.tokens.idClaims, event.tokens.accessClaims) : state.session.user;
  const session = sessionFrom(event.tokens, user, event.receivedAt, config.leewayMs, state.session);
  return [
    { status: 'authenticated', seq: state.seq, session },
    [{ type: 'persistSession', session }, { type: 'scheduleRenewal', at: session.renewAt }],
  ];
}

function failRenewal(state: Extract<SpaState, { status: 'renewing' }>, event: Extract<SpaEvent, { type: 'tokenRequestFailed' }>): Step {
  const { session } = state;
  const refused = event.error.oauthError !== undefined || event.error.code === ERR_LOGIN_REQUIRED;
  if (!refused && event.at < session.expiresAt) {
    // Transient (network, 5xx, time-out): keep the still-valid token and retry later.
    const retryAt = Math.min(event.at + RENEW_RETRY_MS, session.expiresAt);
    return [{ status: 'authenticated', seq: state.seq, session, retryAt }, [{ type: 'scheduleRenewal', at: retryAt }]];
  }
  // case-15: a refused renewal ends the session, with the reason.
  const error = refused
    ? new CartoAuthError(ERR_LOGIN_REQUIRED, 'Renewal refused', { cause: event.error, oauthError: event.error.oauthError ?? event.error.code })
    : event.error;
  return [{ status: 'unauthenticated', seq: state.seq, error }, [{ type: 'cancelRenewal' }, { type: 'clearSession' }]];
}

/** Auth0's `/v2/logout` URL. False or empty options are left out (case-27). */
export function logoutUrl(config: SpaMachineConfig, options: LogoutOptions): string {
  const url = new URL(config.logoutEndpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('returnTo', options.returnTo || config.logoutReturnTo);
  if (options.federated === true) url.searchParams.set('federated', '');
  return url.href;
}

/** CARTO's sign-up page, coming back to this app with `?forceLogin=true` (CARTO.md §2). */
export function signupUrl(config: SpaMachineConfig, organization?: string): string {
  const back = new URL(config.redirectUri);
  back.searchParams.set('forceLogin', 'true');
  const url = new URL(organization ? `${config.appUrl}/sso/${encodeURIComponent(organization)}` : `${config.appUrl}/`);
  url.searchParams.set('redirectUri', back.href);
  return url.href;
}

/** The public snapshot of an SPA client. */
export function toSnapshot(state: SpaState): AuthSnapshot {
  switch (state.status) {
    case 'idle':
      return { status: 'idle', strategy: 'spa' };
    case 'loading':
    case 'redirecting':
    case 'exchanging':
      return { status: 'loading', strategy: 'spa' };
    case 'authenticated':
    case 'renewing':
      return { status: 'authenticated', strategy: 'spa', user: state.session.user, expiresAt: state.session.expiresAt };
    case 'unauthenticated':
      return { status: 'unauthenticated', strategy: 'spa', ...(state.error ? { error: state.error } : {}) };
    case 'error':
      return { status: 'error', strategy: 'spa', error: state.error };
  }
}

/** Decides what `getAccessToken()` does; `now` comes from the clock port. */
export function decideToken(state: SpaState, now: number): TokenDecision {
  switch (state.status) {
    case 'authenticated': {
      const { session, retryAt } = state;
      if (now < session.renewAt || (retryAt !== undefined && now < retryAt && now < session.expiresAt)) {
        return { kind: 'fresh', token: session.accessToken };
      }
      return now < session.expiresAt ? { kind: 'stale', token: session.accessToken } : { kind: 'stale' };
    }
    case 'loading':
    case 'exchanging':
    case 'renewing':
      return { kind: 'busy' };
    case 'unauthenticated':
    case 'error':
      return { kind: 'none', error: state.error ?? notAuthenticated() };
    default:
      return { kind: 'none', error: notAuthenticated() };
  }
}

function notAuthenticated(): CartoAuthError {
  return new CartoAuthError(ERR_NOT_AUTHENTICATED, 'Not signed in');
}
