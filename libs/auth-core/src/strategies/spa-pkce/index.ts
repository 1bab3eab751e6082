import { defaultPorts } from '../../ports/ports.browser';
import { configError } from '../../errors';
import { leewayMs } from '../../timing';
import type { Strategy } from '../../types';
import { baseUrl, CARTO_APP_URL, CARTO_AUDIENCE, CARTO_AUTH_DOMAIN, secureUrl } from '../../urls';
import { auth0Server } from '../shared/oauth';
import { effectRunner } from '../shared/runner';
import { logoutMessage, runEffect } from './effects';
import type { SpaPersistence } from './persistence';
import {
  decideToken,
  initial,
  toSnapshot,
  transition,
  type RenewMode,
  type SpaEffect,
  type SpaEvent,
  type SpaState,
} from './machine';

/** Options of {@link spa}. */
export interface SpaOptions {
  /** The SPA OAuth client id from the CARTO Workspace (Developers → Credentials). */
  clientId: string;
  /** Registered callback URL, exact match (trailing slash included). */
  redirectUri: string;
  /** Default `carto-cloud-native-api`. */
  audience?: string;
  /** SSO organization id; sent only when non-empty (case-25). */
  organization?: string;
  /** Default: `openid profile email offline_access` plus CARTO's template scopes. */
  scope?: string;
  /** Default `https://auth.carto.com`; `http:` only for loopback hosts. */
  authDomain?: string;
  /**
   * Where tokens live. `'memory'` (default): lost on reload, out of reach of scripts that run after it.
   * `persistentStorage('session' | 'local')` survives reloads, readable by any script on the origin (XSS risk).
   */
  storage?: 'memory' | SpaPersistence;
  /** `'auto'` (default): refresh token when granted, else a hidden `prompt=none` authorize. */
  renew?: RenewMode;
  /** Renew this many seconds before expiry (capped at a quarter of the lifetime). Default 60. */
  leewaySeconds?: number;
  /** Where `/v2/logout` returns to. Default: the origin of `redirectUri` with a `/` path. */
  logoutReturnTo?: string;
  /** CARTO app URL for the sign-up redirect. Default `https://app.carto.com`. */
  appUrl?: string;
  /** Send users without CARTO `user_metadata` to sign-up once. Default `true`. */
  checkSignup?: boolean;
}

const DEFAULT_SCOPE = 'openid profile email read:current_user read:connections read:maps read:account';

/**
 * Authorization Code + PKCE (S256) for browser apps (CARTO.md §2). `start()` completes the callback,
 * `login()` redirects to CARTO's login, tokens renew before they expire.
 * @example
 * const auth = createCartoAuth({
 *   strategy: spa({ clientId: 'xyz', redirectUri: 'https://app.example.com/callback' }),
 *   apiBaseUrl: 'https://gcp-us-east1.api.carto.com',
 * });
 * await auth.start();
 * if (auth.getSnapshot().status === 'unauthenticated') await auth.login();
 */
export function spa(options: SpaOptions): Strategy<SpaState, SpaEvent, SpaEffect> {
  const { clientId } = options ?? ({} as SpaOptions);
  if (!clientId || typeof clientId !== 'string') throw configError('spa() needs a clientId');
  const { href: redirectUri, origin: appOrigin } = secureUrl(options.redirectUri, 'spa({ redirectUri })');
  const server = auth0Server(baseUrl(options.authDomain ?? CARTO_AUTH_DOMAIN, 'spa({ authDomain })'));
  const renew = options.renew ?? 'auto';
  const { storage = 'memory' } = options;
  if (storage !== 'memory' && typeof storage?.redeem !== 'function')
    throw configError(`spa({ storage }): 'memory' or persistentStorage(scope), not ${storage}`);
  const wantsRefreshToken = renew === 'auto' || renew === 'refresh-token';
  const scope = options.scope ?? `${DEFAULT_SCOPE}${wantsRefreshToken ? ' offline_access' : ''}`;
  // One object serves the machine (SpaMachineConfig) and the effects (SpaEffectConfig).
  const config = {
    clientId,
    redirectUri,
    appOrigin,
    organization: options.organization,
    leewayMs: leewayMs(options.leewaySeconds),
    renew,
    checkSignup: options.checkSignup ?? true,
    logoutEndpoint: server.end_session_endpoint as string,
    logoutReturnTo: options.logoutReturnTo ?? new URL('/', redirectUri).href,
    appUrl: baseUrl(options.appUrl ?? CARTO_APP_URL, 'spa({ appUrl })'),
    server,
    client: { client_id: clientId },
    authorizeParams: {
      client_id: clientId,
      redirect_uri: redirectUri,
      scope,
      audience: options.audience || CARTO_AUDIENCE,
    },
    persistence: storage === 'memory' ? undefined : storage,
    prefix: `carto-auth:${clientId}`,
  };
  return {
    kind: 'spa',
    initial,
    transition: (state, event) => transition(config, state, event),
    toSnapshot,
    decideToken,
    defaultPorts,
    connect({ ports, send }) {
      const disconnects = [
        // case-29: a logout in another tab of this origin.
        ports.broadcast?.subscribe(
          (message) => message === logoutMessage(config.prefix) && send({ type: 'remoteLogout' }),
        ),
        // Back from the login page: the page comes back mid-redirect and must be usable again.
        ports.navigation.onRestore?.(() => send({ type: 'pageRestored' })),
      ];
      return () => disconnects.forEach((disconnect) => disconnect?.());
    },
    runEffect: effectRunner<SpaEffect, SpaEvent>((effect, context) => runEffect(config, effect, context)),
  };
}

export type { RenewMode } from './machine';
export { persistentStorage } from './persistence';
export type { PersistenceScope, SpaPersistence } from './persistence';
