import type { AuthSnapshot, CommonEffect, CommonEvent, TokenDecision } from '../../types';

/** API access token states: the token is permanent, so it is either held or forgotten. */
export type ApiTokenState = { status: 'authenticated'; token: string } | { status: 'unauthenticated' };

/** Starts holding `token`. */
export function initial(token: string): ApiTokenState {
  return { status: 'authenticated', token };
}

/** Forgotten: one object, so a second logout changes nothing. */
const LOGGED_OUT: ApiTokenState = { status: 'unauthenticated' };

/**
 * Pure step: only logout changes anything; there is nothing to renew. (No `remoteLogout` reaches it:
 * this strategy does not listen to other tabs, each page holds the token its code was given.)
 */
export function transition(state: ApiTokenState, event: CommonEvent): [ApiTokenState, CommonEffect[]] {
  return [event.type === 'logoutRequested' ? LOGGED_OUT : state, []];
}

/** The public snapshot of an API token client. */
export function toSnapshot(state: ApiTokenState): AuthSnapshot {
  return { status: state.status, strategy: 'api-token' };
}

/** A held API token is always fresh: it has no expiry known to the client. */
export function decideToken(state: ApiTokenState): TokenDecision {
  return state.status === 'authenticated'
    ? { kind: 'fresh', token: state.token, until: Infinity }
    : { kind: 'none' };
}
