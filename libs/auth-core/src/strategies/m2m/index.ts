import { minimalPorts } from '../../ports/ports.minimal';
import { decodeJwtPayload } from '../../claims';
import { configError, ERR_M2M_IN_BROWSER } from '../../errors';
import { isUserAgentEnvironment } from '../../ports/ports.browser';
import { leewayMs } from '../../timing';
import type { Strategy } from '../../types';
import { baseUrl, CARTO_AUDIENCE, CARTO_AUTH_DOMAIN } from '../../urls';
import { auth0Server } from '../shared/oauth';
import { effectRunner } from '../shared/runner';
import { m2mCacheKey, memoryTokenCache, runEffect, type M2mTokenCache } from './effects';
import {
  decideToken,
  initial,
  toSnapshot,
  transition,
  type M2mEffect,
  type M2mEvent,
  type M2mState,
} from './machine';

/** Options of {@link m2m}. */
export interface M2mOptions {
  clientId: string;
  /** The client secret. Server-side only: creating this strategy in a browser throws (case-20). */
  clientSecret: string;
  /** Default `carto-cloud-native-api`. */
  audience?: string;
  scope?: string;
  /** Default `https://auth.carto.com`; `http:` is accepted for loopback hosts only. */
  authDomain?: string;
  /** Renew this many seconds before expiry (capped at a quarter of the lifetime). Default 60. */
  leewaySeconds?: number;
  /** Share tokens beyond this client (e.g. across workers). Default: this client's own memory. */
  cache?: M2mTokenCache;
}

const M2M_IN_BROWSER_MESSAGE =
  'm2m() holds a client secret and must run on a server: mint scoped API access tokens there and send those to the browser.';

/**
 * Client credentials for backends (CARTO.md §3): tokens are fetched on first use, cached until the
 * leeway, and concurrent callers share one request.
 * @example
 * const auth = createCartoAuth({ strategy: m2m({ clientId, clientSecret }), apiBaseUrl, ports: nodePorts() });
 * const token = await auth.getAccessToken();
 */
export function m2m(options: M2mOptions): Strategy<M2mState, M2mEvent, M2mEffect> {
  // Pages and web workers alike: their code ships to the user's machine, a secret with it.
  if (isUserAgentEnvironment()) throw configError(M2M_IN_BROWSER_MESSAGE, ERR_M2M_IN_BROWSER);
  const { clientId, clientSecret } = options ?? ({} as M2mOptions);
  if (!clientId || typeof clientId !== 'string') throw configError('m2m() needs a `clientId`.');
  if (!clientSecret || typeof clientSecret !== 'string') throw configError('m2m() needs a `clientSecret`.');
  const { cache } = options;
  if (
    cache !== undefined &&
    !['get', 'set', 'delete'].every((name) => typeof cache?.[name as 'get'] === 'function')
  )
    throw configError('m2m({ cache }) needs get, set and delete methods (an M2mTokenCache).');
  const server = auth0Server(baseUrl(options.authDomain ?? CARTO_AUTH_DOMAIN, 'm2m({ authDomain })'));
  const parameters: Record<string, string> = { audience: options.audience || CARTO_AUDIENCE };
  if (options.scope) parameters['scope'] = options.scope;
  const machineConfig = { leewayMs: leewayMs(options.leewaySeconds) };
  const effectConfig = {
    server,
    client: { client_id: clientId },
    clientSecret,
    parameters,
    cache: options.cache ?? memoryTokenCache(),
    cacheKey: m2mCacheKey(
      [
        server.token_endpoint as string,
        clientId,
        parameters['audience'] as string,
        parameters['scope'] ?? '',
      ],
      clientSecret,
    ),
  };
  return {
    kind: 'm2m',
    initial,
    transition: (state, event) => transition(machineConfig, state, event),
    toSnapshot: (state) => toSnapshot(state, decodeJwtPayload),
    decideToken,
    defaultPorts: minimalPorts,
    runEffect: effectRunner<M2mEffect, M2mEvent>((effect, context) =>
      runEffect(effectConfig, effect, context),
    ),
  };
}

export type { M2mTokenCache } from './effects';
export { memoryTokenCache } from './effects';
