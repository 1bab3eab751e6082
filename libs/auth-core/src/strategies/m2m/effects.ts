import {
  calculatePKCECodeChallenge,
  clientCredentialsGrantRequest,
  ClientSecretPost,
  processClientCredentialsResponse,
  type AuthorizationServer,
  type Client,
} from 'oauth4webapi';
import { isBearerToken } from '../../bearer';
import { CartoAuthError, raceAbort } from '../../errors';
import type { EffectContext } from '../../types';
import { requestOptions, toCartoAuthError, toTokenSet, type TokenSet } from '../shared/oauth';
import type { M2mEffect, M2mEvent, M2mToken } from './machine';

/**
 * Where M2M tokens can be shared (between clients of one process, or processes via your own store).
 * A `get` that throws, hangs (over {@link CACHE_READ_TIMEOUT_MS}) or returns something that is not a
 * token counts as a miss; a failing `set` or `delete` is ignored: the cache never breaks authentication.
 */
export interface M2mTokenCache {
  get(key: string): M2mToken | undefined | Promise<M2mToken | undefined>;
  set(key: string, token: M2mToken): void | Promise<void>;
  delete(key: string): void | Promise<void>;
}

/** A {@link M2mTokenCache} in a `Map`, the default (one per client). */
export function memoryTokenCache(): M2mTokenCache {
  const tokens = new Map<string, M2mToken>();
  return {
    get: (key) => tokens.get(key),
    set: (key, token) => void tokens.set(key, token),
    delete: (key) => void tokens.delete(key),
  };
}

/** What the runner needs to talk to the token endpoint. */
export interface M2mEffectConfig {
  server: AuthorizationServer;
  client: Client;
  clientSecret: string;
  parameters: Record<string, string>;
  cache: M2mTokenCache;
  /**
   * Everything that changes the token, the secret's hash included: two configurations never share one
   * (case-19), and a client with a wrong secret is never served the token of the right one.
   */
  cacheKey: () => Promise<string>;
}

/** How long a shared cache may take to answer before it counts as a miss. */
export const CACHE_READ_TIMEOUT_MS = 1_000;

/** The key of a cache entry: the configuration, and a hash of the secret (never the secret itself). */
export function m2mCacheKey(configuration: string[], clientSecret: string): () => Promise<string> {
  let key: Promise<string> | undefined;
  return () =>
    (key ??= calculatePKCECodeChallenge(`carto-auth:m2m-cache:${clientSecret}`).then((secretHash) =>
      JSON.stringify([...configuration, secretHash]),
    ));
}

/** Runs one M2M effect; resolves with the event to feed back. Never rejects. */
export async function runEffect(
  config: M2mEffectConfig,
  effect: M2mEffect,
  context: EffectContext,
): Promise<M2mEvent | undefined> {
  try {
    switch (effect.type) {
      // Raced with the time-out too: a cache that never answers must not keep the effect (and its
      // abort listener) alive for good.
      case 'cacheToken':
        await raceAbort(
          config.cacheKey().then((key) => config.cache.set(key, effect.token)),
          context.signal,
        );
        return undefined;
      case 'forgetCachedToken':
        await raceAbort(
          config.cacheKey().then((key) => config.cache.delete(key)),
          context.signal,
        );
        return undefined;
      case 'requestToken':
        // The time-out or an abort wins even over a cache or fetch port that never answers.
        return await raceAbort(requestToken(config, effect, context), context.signal);
    }
  } catch (error) {
    if (effect.type !== 'requestToken') return undefined; // a failing shared cache must not break auth
    const at = context.ports.clock.now();
    const { code, message, cause, oauthError, status } = toCartoAuthError(error, context);
    // A new error for this client (clients sharing a request share what it threw), naming the client
    // and endpoint: a wrong secret, client id or authDomain is the usual cause.
    const failure = new CartoAuthError(
      code,
      `m2m client ${config.client.client_id} at ${config.server.token_endpoint}: ${message}`,
      { cause, oauthError, status },
    );
    return {
      type: 'tokenRequestFailed',
      seq: effect.seq,
      error: failure,
      at,
      retryAfterMs: retryAfterMs(error, at),
    };
  }
}

/** A `Retry-After` (seconds or an HTTP date) on the response behind an oauth4webapi error, in ms. */
function retryAfterMs(error: unknown, now: number): number | undefined {
  const { response, cause } = (error ?? {}) as { response?: unknown; cause?: unknown };
  const source = response ?? cause;
  const header =
    typeof Response !== 'undefined' && source instanceof Response ? source.headers.get('retry-after') : null;
  if (!header) return undefined;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  return ms >= 0 ? ms : undefined;
}

/** A cache entry that can be used: a bearer token and finite times in order. Anything else (another version, a bug) is a miss. */
function isM2mToken(value: unknown): value is M2mToken {
  const { accessToken, receivedAt, renewAt, expiresAt } = (value ?? {}) as Partial<M2mToken>;
  const times = [receivedAt, renewAt, expiresAt] as number[];
  // Finite and in this order: a renewAt after the expiry would hand out an expired token as fresh.
  return (
    isBearerToken(accessToken) &&
    times.every((time, index) => Number.isFinite(time) && time >= (times[index - 1] ?? -Infinity))
  );
}

/**
 * The shared cache's entry, or `undefined` when it has none, fails, or takes too long: at most
 * {@link CACHE_READ_TIMEOUT_MS}, and half the request's time-out, so that the token endpoint still
 * gets its chance.
 */
async function readCache(cache: M2mTokenCache, key: string, context: EffectContext) {
  const { clock } = context.ports;
  let timer: unknown;
  try {
    const entry = await Promise.race([
      cache.get(key),
      new Promise<undefined>((resolve) => {
        timer = clock.setTimer(
          () => resolve(undefined),
          Math.min(CACHE_READ_TIMEOUT_MS, context.timeoutMs / 2),
        );
      }),
    ]);
    return isM2mToken(entry) ? entry : undefined;
  } catch {
    return undefined;
  } finally {
    if (timer !== undefined) clock.clearTimer(timer);
  }
}

/** A token request that several clients may wait for; it is aborted once none of them does. */
interface SharedRequest {
  answer: Promise<TokenSet>;
  waiting: number;
  controller: AbortController;
}

/**
 * Token requests in flight, per shared cache and key: clients that share a cache share one request
 * too (CARTO rations M2M tokens: never two at once).
 */
const inFlight = new WeakMap<M2mTokenCache, Map<string, SharedRequest>>();

/**
 * Joins the request in flight for `key`, or starts one through this client's ports. Each client
 * waits under its own signal (its time-out, its stop()); the request lives while anyone waits, and a
 * request nobody waits for any more (even one a fetch port never ends) no longer blocks the key.
 */
async function sharedRequest(
  config: M2mEffectConfig,
  key: string,
  context: EffectContext,
): Promise<TokenSet> {
  let requests = inFlight.get(config.cache);
  if (!requests) inFlight.set(config.cache, (requests = new Map()));
  let request = requests.get(key);
  if (!request) {
    const controller = new AbortController();
    const started: SharedRequest = {
      controller,
      waiting: 0,
      answer: fetchToken(config, { ...context, signal: controller.signal }),
    };
    const settled = () => void (requests.get(key) === started && requests.delete(key));
    started.answer.then(settled, settled);
    requests.set(key, (request = started));
  }
  request.waiting++;
  try {
    return await raceAbort(request.answer, context.signal);
  } finally {
    if (--request.waiting === 0 && requests.get(key) === request) {
      request.controller.abort(context.signal.reason);
      requests.delete(key);
    }
  }
}

/** One client-credentials request to the token endpoint. */
async function fetchToken(config: M2mEffectConfig, context: EffectContext): Promise<TokenSet> {
  const response = await clientCredentialsGrantRequest(
    config.server,
    config.client,
    ClientSecretPost(config.clientSecret),
    config.parameters,
    requestOptions(config.server, context),
  );
  return toTokenSet(await processClientCredentialsResponse(config.server, config.client, response));
}

/**
 * A token from the shared cache when it is fresh there (unless skipped), else from the token endpoint.
 * During a back-off only the cache is asked: another process may have a token by now.
 */
async function requestToken(
  config: M2mEffectConfig,
  effect: Extract<M2mEffect, { type: 'requestToken' }>,
  context: EffectContext,
): Promise<M2mEvent> {
  const { seq } = effect;
  const key = await config.cacheKey();
  if (!effect.skipCache) {
    const cached = await readCache(config.cache, key, context);
    if (cached && context.ports.clock.now() < cached.renewAt)
      return { type: 'cachedTokenFound', seq, token: cached };
  }
  if (effect.cacheOnly) return { type: 'cacheMissed', seq };
  const tokens = await sharedRequest(config, key, context);
  return { type: 'tokenReceived', seq, tokens, receivedAt: context.ports.clock.now() };
}
