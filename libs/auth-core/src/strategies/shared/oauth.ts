import {
  allowInsecureRequests,
  AuthorizationResponseError,
  customFetch,
  ResponseBodyError,
  type AuthorizationServer,
  type TokenEndpointRequestOptions,
  type TokenEndpointResponse,
} from 'oauth4webapi';
import { isBearerToken } from '../../bearer';
import { decodeJwtPayload, type Claims } from '../../claims';
import {
  CartoAuthError,
  ERR_AUTHORIZE_FAILED,
  ERR_INVALID_RESPONSE,
  ERR_NETWORK,
  ERR_TOKEN_REQUEST_FAILED,
} from '../../errors';
import type { EffectContext } from '../../types';
import { isLoopbackHost } from '../../urls';

/** Auth0's endpoints under a domain: known up front, so no discovery request is needed (DESIGN §7). */
export function auth0Server(base: string): AuthorizationServer {
  return {
    issuer: `${base}/`,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/oauth/token`,
    end_session_endpoint: `${base}/v2/logout`,
  };
}

/** Request options for oauth4webapi: our fetch port, the abort signal, and `http:` only on loopback. */
export function requestOptions(
  server: AuthorizationServer,
  context: EffectContext,
): TokenEndpointRequestOptions {
  const endpoint = new URL(server.token_endpoint ?? server.issuer);
  return {
    [customFetch]: (url, options) => context.ports.fetch(url, options as RequestInit),
    [allowInsecureRequests]: endpoint.protocol === 'http:' && isLoopbackHost(endpoint.hostname),
    signal: context.signal,
  };
}

/** The parts of a token response the machines keep. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresIn?: number;
  idClaims?: Claims;
  accessClaims?: Claims;
}

/** Copies an oauth4webapi-validated token response into a plain {@link TokenSet}. */
export function toTokenSet(response: TokenEndpointResponse, idClaims?: Claims): TokenSet {
  const { access_token, refresh_token, id_token, expires_in } = response;
  if (!isBearerToken(access_token))
    throw new CartoAuthError(ERR_INVALID_RESPONSE, 'access_token is not a bearer token');
  // Empty or missing values stay undefined, so `??` falls back to what the session had (case-03).
  return {
    accessToken: access_token,
    refreshToken: refresh_token || undefined,
    idToken: id_token || undefined,
    expiresIn: typeof expires_in === 'number' ? expires_in : undefined,
    idClaims,
    accessClaims: decodeJwtPayload(access_token),
  };
}

/**
 * Maps anything thrown while talking to the authorization server onto a {@link CartoAuthError}.
 * Server refusals keep the OAuth `error`; 5xx, network failures and garbage are transient.
 */
export function toCartoAuthError(error: unknown, context: EffectContext): CartoAuthError {
  if (error instanceof CartoAuthError) return error;
  // fetch rejects with the signal's reason, which the runtime sets to a CartoAuthError.
  if (context.signal.aborted && context.signal.reason instanceof CartoAuthError) return context.signal.reason;
  if (error instanceof ResponseBodyError || error instanceof AuthorizationResponseError) {
    // A callback's `?error=` has no HTTP status; 429 and 5xx say "not now", not "no": retry later.
    const { status } = error as Partial<ResponseBodyError>;
    return new CartoAuthError(
      !status
        ? ERR_AUTHORIZE_FAILED
        : status >= 500 || status === 429
          ? ERR_NETWORK
          : ERR_TOKEN_REQUEST_FAILED,
      error.error_description ?? error.error,
      { cause: error, oauthError: error.error, status },
    );
  }
  const original = error as Error & { code?: string };
  const status =
    typeof Response !== 'undefined' && original?.cause instanceof Response
      ? original.cause.status
      : undefined;
  // 5xx, and a TypeError without a code (fetch itself: connection refused, DNS, CORS), are transient.
  const transient = (status ?? 0) >= 500 || (error instanceof TypeError && !original.code);
  // oauth4webapi puts the offending response body in `cause`; it can hold tokens, so it is not kept.
  const cause = Object.assign(new Error(original?.message), { name: original?.name, code: original?.code });
  return new CartoAuthError(
    transient ? ERR_NETWORK : ERR_INVALID_RESPONSE,
    String(original?.message ?? error),
    { cause, status },
  );
}
