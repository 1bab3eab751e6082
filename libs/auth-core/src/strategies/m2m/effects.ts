import {
  clientCredentialsGrantRequest,
  ClientSecretPost,
  processClientCredentialsResponse,
  type AuthorizationServer,
  type Client,
} from 'oauth4webapi';
import type { EffectContext } from '../../types';
import { rejectWhenAborted, requestOptions, toCartoAuthError, toTokenSet } from '../shared/oauth';
import type { M2mEffect, M2mEvent, M2mToken } from './machine';

/** Where M2M tokens can be shared (between clients of one process, or processes via your own store). */
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
  /** Everything that changes the token: two configurations never share one (case-19). */
  cacheKey: string;
}

/** Runs one M2M effect; resolves with the event to feed back. Never rejects. */
export async function runEffect(
  config: M2mEffectConfig,
  effect: M2mEffect,
  context: EffectContext,
): Promise<M2mEvent | undefined> {
  try {
    switch (effect.type) {
      case 'cacheToken':
        await config.cache.set(config.cacheKey, effect.token);
        return undefined;
      case 'forgetCachedToken':
        await config.cache.delete(config.cacheKey);
        return undefined;
      case 'requestToken':
        // The time-out or an abort wins even over a cache or fetch port that never answers.
        return await Promise.race([requestToken(config, effect, context), rejectWhenAborted(context.signal)]);
    }
  } catch (error) {
    if (effect.type !== 'requestToken') return undefined; // a failing shared cache must not break auth
    const failure = toCartoAuthError(error, context);
    // Name the client and endpoint: a wrong secret, client id or authDomain is the usual cause.
    failure.message = `m2m client ${config.client.client_id} at ${config.server.token_endpoint}: ${failure.message}`;
    return { type: 'tokenRequestFailed', seq: effect.seq, error: failure, at: context.ports.clock.now() };
  }
}

/** A token from the shared cache when it is fresh there (unless skipped), else from the token endpoint. */
async function requestToken(
  config: M2mEffectConfig,
  effect: Extract<M2mEffect, { type: 'requestToken' }>,
  context: EffectContext,
): Promise<M2mEvent> {
  if (!effect.skipCache) {
    const cached = await config.cache.get(config.cacheKey);
    if (cached && context.ports.clock.now() < cached.renewAt) {
      return { type: 'cachedTokenFound', seq: effect.seq, token: cached };
    }
  }
  const response = await clientCredentialsGrantRequest(
    config.server,
    config.client,
    ClientSecretPost(config.clientSecret),
    config.parameters,
    requestOptions(config.server, context),
  );
  const result = await processClientCredentialsResponse(config.server, config.client, response);
  return {
    type: 'tokenReceived',
    seq: effect.seq,
    tokens: toTokenSet(result),
    receivedAt: context.ports.clock.now(),
  };
}
