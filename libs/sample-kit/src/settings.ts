import { persistentStorage, type PersistenceScope, type RenewMode } from '@carto-auth/core';

/** A browser sample's settings: the CARTO_* variables, defaulting to the local CARTO emulator. */
export interface SampleSettings {
  authDomain: string;
  clientId: string;
  apiBaseUrl: string;
  organizationId: string;
  /** `CARTO_STORAGE`: `memory` (the library's default), or persist the session in `session` / `local` storage. */
  storage: 'memory' | PersistenceScope;
  appUrl: string;
  /** `CARTO_RENEW`: how sessions renew, `auto` (the library's default), `refresh-token`, `silent` or `never`. */
  renew: RenewMode;
}

/** The local CARTO emulator's addresses and demo client; each one is overridden by its CARTO_* variable. */
const DEFAULTS: Record<string, string> = {
  CARTO_AUTH_DOMAIN: 'http://127.0.0.1:9010',
  CARTO_CLIENT_ID: 'carto-spa-demo',
  CARTO_API_BASE_URL: 'http://127.0.0.1:9011',
  CARTO_ORGANIZATION_ID: 'org_acme',
  CARTO_STORAGE: 'memory',
  CARTO_APP_URL: 'http://127.0.0.1:9010/app',
  CARTO_RENEW: 'auto',
};

const RENEW_MODES: readonly string[] = ['auto', 'refresh-token', 'silent', 'never'];

/**
 * Reads the runtime overrides that `/env.js` put on `window.__CARTO_ENV__` (written by
 * `tools/write-sample-env.mjs` from the CARTO_* variables), so one build serves any tenant.
 */
export function readSettings(
  overrides = (globalThis as { __CARTO_ENV__?: Record<string, string> }).__CARTO_ENV__ ?? {},
): SampleSettings {
  const value = (name: string) => overrides[name] || DEFAULTS[name] || '';
  const storage = value('CARTO_STORAGE');
  const renew = value('CARTO_RENEW');
  return {
    authDomain: value('CARTO_AUTH_DOMAIN'),
    clientId: value('CARTO_CLIENT_ID'),
    apiBaseUrl: value('CARTO_API_BASE_URL'),
    organizationId: value('CARTO_ORGANIZATION_ID'),
    storage: storage === 'session' || storage === 'local' ? storage : 'memory',
    appUrl: value('CARTO_APP_URL'),
    renew: RENEW_MODES.includes(renew) ? (renew as RenewMode) : 'auto',
  };
}

/** The SPA strategy options every sample uses: the callback is `<origin>/callback` (logout returns to `<origin>/`). */
export function spaOptionsFor(settings: SampleSettings, origin: string) {
  return {
    clientId: settings.clientId,
    redirectUri: `${origin}/callback`,
    authDomain: settings.authDomain,
    appUrl: settings.appUrl,
    storage: settings.storage === 'memory' ? ('memory' as const) : persistentStorage(settings.storage),
    renew: settings.renew,
  };
}
