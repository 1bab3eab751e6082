/**
 * Stable error codes carried by {@link CartoAuthError}. Assert on these, never on message text.
 * @example
 * if (error instanceof CartoAuthError && error.code === ERR_LOGIN_REQUIRED) auth.login();
 */
export const ERR_INVALID_CONFIG = 'invalid_config';
/** A non-loopback `http:` URL was configured; CARTO endpoints must use HTTPS. */
export const ERR_INSECURE_URL = 'insecure_url';
/** The M2M strategy was created where a browser could read its client secret. */
export const ERR_M2M_IN_BROWSER = 'm2m_in_browser';
/** The callback's `state` does not belong to the login this client started. */
export const ERR_STATE_MISMATCH = 'state_mismatch';
/** The authorization server answered the callback with `?error=…` (see `oauthError`). */
export const ERR_AUTHORIZE_FAILED = 'authorize_failed';
/** The token endpoint refused a grant (see `oauthError`, e.g. `invalid_grant`). */
export const ERR_TOKEN_REQUEST_FAILED = 'token_request_failed';
/** The session cannot be renewed without user interaction; call `login()`. */
export const ERR_LOGIN_REQUIRED = 'login_required';
/** A response was malformed or failed validation (garbage body, wrong issuer, bad ID token…). */
export const ERR_INVALID_RESPONSE = 'invalid_response';
/** The network failed or the server answered with a 5xx status. */
export const ERR_NETWORK = 'network_error';
/** A request took longer than `requestTimeoutMs`. */
export const ERR_TIMEOUT = 'timeout';
/** The token's organization differs from the one requested at login (case-25). */
export const ERR_ORGANIZATION_MISMATCH = 'organization_mismatch';
/** The user still has no CARTO `user_metadata` after one trip to sign-up (case-28). */
export const ERR_SIGNUP_INCOMPLETE = 'signup_incomplete';
/** A token was requested while nobody is signed in. */
export const ERR_NOT_AUTHENTICATED = 'not_authenticated';
/** The client was stopped or logged out while the operation was waiting. */
export const ERR_CANCELLED = 'cancelled';
/** A CARTO API rejected the token twice in a row, even after a renewal (case-16). */
export const ERR_UNAUTHORIZED = 'unauthorized';
/** A CARTO API answered with an error status; see `status` and `body`. */
export const ERR_API = 'api_error';
/** A Tokens API request broke one of CARTO's rules before it was sent. */
export const ERR_INVALID_TOKEN_REQUEST = 'invalid_token_request';
/**
 * The browser refuses Web Storage (cookies blocked, some private modes, sandboxed frames): a login
 * redirect could not find its pending login on the way back, so `login()` refuses instead of looping.
 */
export const ERR_STORAGE_UNAVAILABLE = 'storage_unavailable';

/** Every code a {@link CartoAuthError} can carry. */
export type CartoAuthErrorCode =
  | typeof ERR_INVALID_CONFIG
  | typeof ERR_INSECURE_URL
  | typeof ERR_M2M_IN_BROWSER
  | typeof ERR_STATE_MISMATCH
  | typeof ERR_AUTHORIZE_FAILED
  | typeof ERR_TOKEN_REQUEST_FAILED
  | typeof ERR_LOGIN_REQUIRED
  | typeof ERR_INVALID_RESPONSE
  | typeof ERR_NETWORK
  | typeof ERR_TIMEOUT
  | typeof ERR_ORGANIZATION_MISMATCH
  | typeof ERR_SIGNUP_INCOMPLETE
  | typeof ERR_NOT_AUTHENTICATED
  | typeof ERR_CANCELLED
  | typeof ERR_UNAUTHORIZED
  | typeof ERR_API
  | typeof ERR_INVALID_TOKEN_REQUEST
  | typeof ERR_STORAGE_UNAVAILABLE;

/** Extra detail attached to a {@link CartoAuthError}. */
export interface CartoAuthErrorDetails {
  /** The original error (an oauth4webapi error, a `TypeError` from `fetch`, …). */
  cause?: unknown;
  /** The OAuth `error` value sent by the server, e.g. `access_denied` or `invalid_grant`. */
  oauthError?: string;
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
  /** Parsed JSON body of a failed CARTO API response. */
  body?: unknown;
}

/**
 * The one error type carto-auth produces at runtime. `code` is stable; `cause` keeps the original.
 * @example
 * try { await auth.getAccessToken() } catch (e) { if (e instanceof CartoAuthError) console.log(e.code) }
 */
export class CartoAuthError extends Error {
  override readonly name = 'CartoAuthError';
  declare readonly code: CartoAuthErrorCode;
  declare readonly oauthError?: string;
  declare readonly status?: number;
  declare readonly body?: unknown;

  constructor(code: CartoAuthErrorCode, message: string, details?: CartoAuthErrorDetails) {
    super(message, details);
    Object.assign(this, details, { code }); // skips `details` when there are none
  }
}

/** Bad configuration: thrown synchronously by factories, as a `TypeError` with a stable `code`. */
export function configError(
  message: string,
  code: typeof ERR_INVALID_CONFIG | typeof ERR_INSECURE_URL | typeof ERR_M2M_IN_BROWSER = ERR_INVALID_CONFIG,
): TypeError & { code: string } {
  return Object.assign(new TypeError(message), { code });
}

/**
 * Network failures, time-outs, 429/5xx and garbage say "not now": the credentials may well still work
 * later. Anything the server refused says "no".
 */
export const isTransient = (error: CartoAuthError): boolean =>
  error.code === ERR_NETWORK || error.code === ERR_TIMEOUT || error.code === ERR_INVALID_RESPONSE;

/**
 * `work`, unless `signal` aborts first: then its reason. A request must lose to the abort even through
 * a port that ignores the signal. The listener goes once `work` settles: a long-lived signal shared by
 * many calls keeps none of them. Without a signal, `work` itself.
 */
export function raceAbort<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort);
    // Also after an abort: a rejection of `work` is handled, never an unhandled one.
    work.then(resolve, reject).finally(() => signal?.removeEventListener('abort', onAbort));
  });
}
