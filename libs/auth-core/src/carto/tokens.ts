import { isBearerToken } from '../bearer';
import { CartoAuthError, ERR_INVALID_RESPONSE, ERR_INVALID_TOKEN_REQUEST } from '../errors';
import { parseUrl } from '../urls';
import { pathSegment, requestJson, type CartoApiClient } from './api';

/** The CARTO APIs an API access token can be allowed to call. */
export type CartoApi = 'sql' | 'maps' | 'imports' | 'lds';

/** One grant: a connection and a table, a query, a `project.dataset.*` wildcard, or `*`. */
export interface TokenGrant {
  connection_name: string;
  source: string;
}

/** Body of a token creation (CARTO.md §1). */
export interface ApiAccessTokenRequest {
  grants: TokenGrant[];
  /** Origins allowed to use the token, without trailing slash. Empty: any. */
  referers?: string[];
  allowed_apis: CartoApi[];
  /** ISO date after which the token stops working. Default: never. */
  expiration_date?: string;
}

/** An API access token as the Tokens API returns it. */
export interface ApiAccessToken {
  token: string;
  grants: TokenGrant[];
  referers: string[];
  allowed_apis: CartoApi[];
  expiration_date?: string | null;
  created_at?: string;
}

const KNOWN_APIS: readonly string[] = ['sql', 'maps', 'imports', 'lds'];

/**
 * Checks CARTO's rules before anything is sent, so mistakes fail fast with a clear message:
 * `imports` cannot be combined, referers have no trailing slash, wildcards need two segments before `*`.
 */
export function validateTokenRequest(request: Partial<ApiAccessTokenRequest>): void {
  const fail = (message: string) => {
    throw new CartoAuthError(ERR_INVALID_TOKEN_REQUEST, message);
  };
  if (!request || typeof request !== 'object')
    fail('A token request is an object with grants and allowed_apis.');
  if (request.allowed_apis !== undefined) {
    if (!Array.isArray(request.allowed_apis) || request.allowed_apis.length === 0)
      fail('allowed_apis must list at least one API.');
    for (const api of request.allowed_apis)
      if (!KNOWN_APIS.includes(api)) fail(`Unknown API "${api}" in allowed_apis (sql, maps, imports, lds).`);
    if (request.allowed_apis.includes('imports') && request.allowed_apis.length > 1)
      fail('allowed_apis: "imports" cannot be combined with other APIs.');
  }
  if (request.referers !== undefined) {
    if (!Array.isArray(request.referers)) fail('referers must be a list of origins.');
    for (const referer of request.referers)
      if (typeof referer !== 'string' || parseUrl(referer)?.origin !== referer)
        fail(
          `Referer ${JSON.stringify(referer)} must be an origin like https://app.example.com (lower case, no path or trailing slash).`,
        );
  }
  if (request.grants !== undefined) {
    if (!Array.isArray(request.grants) || request.grants.length === 0)
      fail('grants must contain at least one grant.');
    for (const grant of request.grants) {
      if (
        typeof grant?.connection_name !== 'string' ||
        typeof grant.source !== 'string' ||
        !grant.source.trim()
      )
        fail('Every grant needs a connection_name and a source (strings).');
      const source = grant.source.trim();
      // Segments are names or "quoted names" (which may hold dots); at least two come before `*`.
      if (source !== '*' && source.endsWith('*') && !/^((?:"[^"]+"|[^."\s*]+)\.){2,}\*$/.test(source)) {
        fail(`Wildcard source "${source}" needs at least two segments before "*", like project.dataset.*`);
      }
    }
  }
}

/** Per-call options of the {@link TokensApi} methods. */
export interface TokensApiCallOptions {
  /** Ends the call (and the wait for the client's token): `timeout` for `AbortSignal.timeout()`, else `cancelled`. */
  signal?: AbortSignal;
}

/** Tokens API calls; they need an OAuth token (SPA or M2M), never an API access token. */
export interface TokensApi {
  create(request: ApiAccessTokenRequest, options?: TokensApiCallOptions): Promise<ApiAccessToken>;
  list(options?: TokensApiCallOptions): Promise<ApiAccessToken[]>;
  get(token: string, options?: TokensApiCallOptions): Promise<ApiAccessToken>;
  update(
    token: string,
    changes: Partial<ApiAccessTokenRequest>,
    options?: TokensApiCallOptions,
  ): Promise<ApiAccessToken>;
  delete(token: string, options?: TokensApiCallOptions): Promise<void>;
}

/**
 * A client for CARTO's Tokens API (`/v3/tokens`). Creation counts against a quota: cache the tokens.
 * @example
 * const tokens = tokensApi(auth);
 * const { token } = await tokens.create({ grants: [{ connection_name: 'carto_dw', source: 'demo.public.cities' }], allowed_apis: ['sql'] });
 */
export function tokensApi(auth: CartoApiClient): TokensApi {
  const base = `${auth.apiBaseUrl}/v3/tokens`;
  const item = (token: string) => `${base}/${pathSegment(token, 'tokensApi: token')}`;
  // Only a signal the caller gave is passed on: `{ signal: undefined }` would still be an own property.
  const call = (options: TokensApiCallOptions | undefined, init: RequestInit = {}): RequestInit =>
    options?.signal ? { ...init, signal: options.signal } : init;
  const json = (method: string, body: unknown, options?: TokensApiCallOptions): RequestInit =>
    call(options, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return {
    async create(request, options) {
      validateTokenRequest({
        ...request,
        grants: request?.grants ?? [],
        allowed_apis: request?.allowed_apis ?? [],
      });
      return tokenFrom(
        await requestJson(auth, base, json('POST', { referers: [], ...request }, options)),
        base,
      );
    },
    async list(options) {
      const body = await requestJson<{ tokens?: unknown } | unknown[]>(auth, base, call(options));
      // An object without `tokens` is an empty list (as before); anything else is not an answer.
      const list = Array.isArray(body) ? body : body && typeof body === 'object' ? (body.tokens ?? []) : body;
      if (!Array.isArray(list))
        throw new CartoAuthError(ERR_INVALID_RESPONSE, `${base} answered without a token list.`);
      return list.map((answer) => tokenFrom(answer, base));
    },
    get: async (token, options) =>
      tokenFrom(await requestJson(auth, item(token), call(options)), item(token)),
    async update(token, changes, options) {
      validateTokenRequest(changes);
      return tokenFrom(await requestJson(auth, item(token), json('PATCH', changes, options)), item(token));
    },
    async delete(token, options) {
      await requestJson(auth, item(token), call(options, { method: 'DELETE' }));
    },
  };
}

/**
 * `answer` as an {@link ApiAccessToken}: a proxy or a wrong base URL can answer 200 with something else,
 * and a "token" that is not one must fail here, not in every request made with it.
 */
function tokenFrom(answer: unknown, url: string): ApiAccessToken {
  if (!isBearerToken((answer as Partial<ApiAccessToken> | null)?.token))
    throw new CartoAuthError(ERR_INVALID_RESPONSE, `${url} answered without an API access token.`);
  return answer as ApiAccessToken;
}
