/** What the API server's handlers share. */
import type { SqlEngine } from '../db/engine.js';
import type { OAuthVerifier } from '../oauth-verifier.js';
import type { EmulatorState } from '../state.js';
import type { ApiTokenStore } from './api-tokens.js';

/** Shared by the CARTO API handlers of one emulator. */
export interface ApiContext {
  readonly state: EmulatorState;
  readonly tokens: ApiTokenStore;
  /** Verifies the authorization server's access tokens. */
  readonly verify: OAuthVerifier;
  /** The SQL engine over the demo database behind `carto_dw` (started on the first query). */
  readonly sql: SqlEngine;
  /** The API server's base URL (`http://127.0.0.1:<port>`). */
  readonly apiUrl: string;
}
