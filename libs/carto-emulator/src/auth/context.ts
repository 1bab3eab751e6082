/** What the authorization server's pieces share. */
import type { ResolvedOptions } from '../options.js';
import type { EmulatorState } from '../state.js';

/** Shared by the provider configuration and the auth server's own routes. */
export interface AuthContext {
  readonly options: ResolvedOptions;
  readonly state: EmulatorState;
  /** `<authUrl>/`, with the trailing slash like Auth0's. */
  readonly issuer: string;
  /**
   * Organization of each grant. oidc-provider grants cannot hold custom fields, and the org must reach
   * the tokens issued later from the same grant (code exchange, refresh).
   */
  readonly orgByGrant: Map<string, string>;
}
