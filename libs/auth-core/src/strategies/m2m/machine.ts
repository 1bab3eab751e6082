import { userFromClaims, type Claims } from '../../claims';
import { isTransient, type CartoAuthError } from '../../errors';
import { RETRY_AFTER_MS, tokenTimes, type TokenTimes } from '../../timing';
import type { AuthSnapshot, CommonEffect, CommonEvent, TokenDecision } from '../../types';
import type { TokenSet } from '../shared/oauth';

/** An M2M access token with its local expiry times. Also what a shared cache stores. */
export interface M2mToken extends TokenTimes {
  accessToken: string;
}

/** Client-credentials states. `seq` tags each request so late answers are recognised (case-14). */
export type M2mState =
  | { status: 'idle'; seq: number }
  /**
   * `failures`: failed requests in a row before this one, for the back-off. `backoff`: the failure to
   * return to when this is only a look into the shared cache during a back-off.
   */
  | { status: 'fetching'; seq: number; token?: M2mToken; failures?: number; backoff?: M2mFailed }
  /** `retryAt`: after a transient failure, the token in hand is used until then instead of asking again. */
  | { status: 'ready'; seq: number; token: M2mToken; retryAt?: number }
  /** `retryAt`: no new request before then; callers get `error` at once (CARTO rations M2M tokens). */
  | M2mFailed;

/** After a failed request: no new request before `retryAt`; callers get `error` (CARTO rations M2M tokens). */
export interface M2mFailed {
  status: 'failed';
  seq: number;
  error: CartoAuthError;
  retryAt: number;
  failures: number;
}

/** Events produced by the M2M effects. */
export type M2mEvent =
  | { type: 'tokenReceived'; seq: number; tokens: TokenSet; receivedAt: number }
  | { type: 'cachedTokenFound'; seq: number; token: M2mToken }
  /** A `cacheOnly` request found nothing usable in the cache. */
  | { type: 'cacheMissed'; seq: number }
  /** `retryAfterMs`: what the server's `Retry-After` asked for, if anything. */
  | { type: 'tokenRequestFailed'; seq: number; error: CartoAuthError; at: number; retryAfterMs?: number };

/** Effects the M2M runner executes. */
export type M2mEffect =
  /** `cacheOnly`: during a back-off, look into the shared cache but send nothing upstream. */
  | { type: 'requestToken'; seq: number; skipCache: boolean; cacheOnly?: boolean }
  | { type: 'cacheToken'; token: M2mToken }
  | { type: 'forgetCachedToken' };

/** A forced renewal (`getAccessToken({ forceRenew })`, a 401 at an API) keeps a token younger than this. */
export const MIN_FORCED_RENEWAL_AGE_MS = RETRY_AFTER_MS;

/**
 * Received less than {@link MIN_FORCED_RENEWAL_AGE_MS} ago and still valid. A token that expired (a
 * lifetime under the floor) must be renewed, and one from a cache writer whose clock runs ahead (received
 * "in the future") is not young: it would block every 401's renewal for the whole skew.
 */
function isYoung(token: M2mToken, now: number): boolean {
  const age = now - token.receivedAt;
  return age >= 0 && age < MIN_FORCED_RENEWAL_AGE_MS && now < token.expiresAt;
}

/** The longest back-off, whatever a server's `Retry-After` says: a bad header must not stop a service for hours. */
export const MAX_BACKOFF_MS = 10 * 60_000;

/** Machine settings derived from the options. */
export interface M2mMachineConfig {
  leewayMs: number;
}

/** Nothing is fetched until somebody asks for a token. */
export function initial(): M2mState {
  return { status: 'idle', seq: 0 };
}

/** Pure step of the client-credentials machine. */
export function transition(
  config: M2mMachineConfig,
  state: M2mState,
  event: CommonEvent | M2mEvent,
): [M2mState, Array<CommonEffect | M2mEffect>] {
  switch (event.type) {
    case 'renewRequested': {
      // Single flight (case-01, case-17): while a request runs, every caller waits for it.
      if (state.status === 'fetching') return [state, []];
      // After a transient failure, the token in hand is used until the retry, even by a forced renewal.
      // Nor does a forced renewal replace a token younger than MIN_FORCED_RENEWAL_AGE_MS: CARTO rations
      // M2M tokens, and an API that refuses some requests (a 401 to every other one) must not turn each
      // refusal into a new token.
      if (
        state.status === 'ready' &&
        (event.now < (state.retryAt ?? 0) || (event.force && isYoung(state.token, event.now)))
      )
        return [state, []];
      const seq = state.seq + 1;
      // After a failure without a token, the back-off holds for everyone, forced renewals included:
      // only the shared cache is asked (another process may have a token by now).
      if (state.status === 'failed' && event.now < state.retryAt) {
        return [
          { status: 'fetching', seq, failures: state.failures, backoff: state },
          [{ type: 'requestToken', seq, skipCache: false, cacheOnly: true }],
        ];
      }
      const previous =
        state.status === 'ready'
          ? { token: state.token }
          : state.status === 'failed'
            ? { failures: state.failures }
            : {};
      return [
        { status: 'fetching', seq, ...previous },
        [{ type: 'requestToken', seq, skipCache: !!event.force }],
      ];
    }
    case 'tokenReceived': {
      if (state.status !== 'fetching' || event.seq !== state.seq) return [state, []];
      const token = {
        accessToken: event.tokens.accessToken,
        ...tokenTimes(event.receivedAt, event.tokens.expiresIn, config.leewayMs),
      };
      return [{ status: 'ready', seq: state.seq, token }, [{ type: 'cacheToken', token }]];
    }
    case 'cachedTokenFound': {
      if (state.status !== 'fetching' || event.seq !== state.seq) return [state, []];
      // The writer renews at its own leeway; this client's applies too (the earlier renewal wins).
      const { receivedAt, expiresAt, renewAt } = event.token;
      const own = tokenTimes(receivedAt, (expiresAt - receivedAt) / 1000, config.leewayMs).renewAt;
      return [
        { status: 'ready', seq: state.seq, token: { ...event.token, renewAt: Math.min(renewAt, own) } },
        [],
      ];
    }
    case 'cacheMissed':
      if (state.status !== 'fetching' || event.seq !== state.seq || !state.backoff) return [state, []];
      return [{ ...state.backoff, seq: state.seq }, []];
    case 'effectFailed':
      // A port that throws is a setup fault, not the token endpoint's: nothing to back off from.
      return state.status === 'fetching'
        ? [{ status: 'failed', seq: state.seq + 1, error: event.error, retryAt: 0, failures: 0 }, []]
        : [state, []];
    case 'tokenRequestFailed': {
      if (state.status !== 'fetching' || event.seq !== state.seq) return [state, []];
      const { token } = state;
      // An outage while the token in hand still works: keep using it, and ask again in a while, not on
      // every call (a busy server would hammer the token endpoint).
      if (token && isTransient(event.error) && event.at < token.expiresAt) {
        const retryAt = Math.min(event.at + RETRY_AFTER_MS, token.expiresAt);
        return [{ status: 'ready', seq: state.seq, token, retryAt }, []];
      }
      // No token to fall back on: back off (1 s doubling up to RETRY_AFTER_MS, or longer when the
      // server's Retry-After says so), so that a server asking on every request cannot hammer the endpoint.
      const failures = (state.failures ?? 0) + 1;
      const doubling = Math.min(RETRY_AFTER_MS, 1000 * 2 ** (failures - 1));
      const retryAt = event.at + Math.min(Math.max(doubling, event.retryAfterMs ?? 0), MAX_BACKOFF_MS);
      return [{ status: 'failed', seq: state.seq, error: event.error, retryAt, failures }, []];
    }
    case 'logoutRequested':
    case 'remoteLogout':
      return [
        { status: 'idle', seq: state.seq + 1 },
        [{ type: 'abortRequests' }, { type: 'forgetCachedToken' }],
      ];
    default:
      return [state, []];
  }
}

/** The public snapshot; the "user" of an M2M token is the client acting for its owner's account. */
export function toSnapshot(state: M2mState, claimsOf: (token: string) => Claims | undefined): AuthSnapshot {
  const token = state.status === 'ready' || state.status === 'fetching' ? state.token : undefined;
  if (state.status === 'failed') return { status: 'error', strategy: 'm2m', error: state.error };
  if (!token) return { status: state.status === 'idle' ? 'idle' : 'loading', strategy: 'm2m' };
  return {
    status: 'authenticated',
    strategy: 'm2m',
    user: userFromClaims(undefined, claimsOf(token.accessToken)),
    expiresAt: token.expiresAt,
  };
}

/** Fresh before `renewAt`; afterwards stale (still usable until `expiresAt`); busy while fetching. */
export function decideToken(state: M2mState, now: number): TokenDecision {
  switch (state.status) {
    case 'fetching':
      return { kind: 'busy' };
    case 'ready': {
      const until = Math.max(state.token.renewAt, state.retryAt ?? 0);
      if (now < until) return { kind: 'fresh', token: state.token.accessToken, until };
      return now < state.token.expiresAt
        ? { kind: 'stale', token: state.token.accessToken }
        : { kind: 'stale' };
    }
    case 'failed':
      // The renewal this asks for looks into the shared cache during the back-off and asks the token
      // endpoint afterwards; either way a caller gets the failure when it brings nothing.
      return { kind: 'stale', error: state.error };
    default:
      return { kind: 'stale' };
  }
}
