import { fetchOnlyPorts } from '../../ports/ports.minimal';
import { isBearerToken } from '../../bearer';
import { configError } from '../../errors';
import type { Strategy } from '../../types';
import { decideToken, initial, toSnapshot, transition, type ApiTokenState } from './machine';

/** Options of {@link apiToken}. */
export interface ApiTokenOptions {
  /** An API access token created in the CARTO Workspace or through the Tokens API. */
  token: string;
}

/**
 * Uses a permanent, restricted API access token (CARTO.md §1) through the same client surface as the
 * OAuth strategies. No oauth4webapi code is bundled for this strategy.
 * @example
 * const auth = createCartoAuth({ strategy: apiToken({ token }), apiBaseUrl: 'https://gcp-us-east1.api.carto.com' });
 * const rows = await querySql(auth, { connection: 'carto_dw', query: 'select 1' });
 */
export function apiToken(options: ApiTokenOptions): Strategy<ApiTokenState, never, never> {
  // A token read from a file or an env var often ends in a line break: not part of it. One inside it
  // (a careless paste) would break every request's header, and leak into its error: refused.
  const token = options?.token?.trim?.();
  if (!isBearerToken(token)) throw configError('apiToken(): not a token');
  return {
    kind: 'api-token',
    initial: () => initial(token),
    transition,
    toSnapshot,
    decideToken,
    defaultPorts: fetchOnlyPorts,
    // A held token needs no I/O: no effect ever reaches a runner.
    runEffect() {},
  };
}
