import {
  authorizationCodeGrantRequest,
  calculatePKCECodeChallenge,
  getValidatedIdTokenClaims,
  None,
  processAuthorizationCodeResponse,
  processRefreshTokenResponse,
  refreshTokenGrantRequest,
  validateAuthResponse,
  type AuthorizationServer,
  type Client,
} from 'oauth4webapi';
import type { Claims } from '../../claims';
import { CartoAuthError, ERR_LOGIN_REQUIRED } from '../../errors';
import type { StoragePort } from '../../ports/types';
import type { EffectContext } from '../../types';
import { requestOptions, toCartoAuthError, toTokenSet, type TokenSet } from '../shared/oauth';
import type { PendingLogin, SpaEffect, SpaEvent, SpaSession } from './machine';

/** Where the SPA keeps its tokens: memory by default (case-30). */
export type SpaStorageMode = 'memory' | 'session' | 'local';

/** What the SPA runner needs besides the effect itself. */
export interface SpaEffectConfig {
  server: AuthorizationServer;
  client: Client;
  redirectUri: string;
  audience: string;
  scope: string;
  storage: SpaStorageMode;
  silentTimeoutMs: number;
  /** Storage keys, namespaced by client id so two apps on one origin never collide. */
  keys: { session: string; pending: string; consumed: string };
}

const MAX_CONSUMED_STATES = 10;

/** Runs one SPA effect; resolves with the event to feed back. Never rejects. */
export async function runEffect(config: SpaEffectConfig, effect: SpaEffect, context: EffectContext): Promise<SpaEvent | undefined> {
  const { ports } = context;
  const tokenStorage = sessionStore(config, context);
  switch (effect.type) {
    case 'restore': {
      const event: SpaEvent = {
        type: 'restored',
        now: ports.clock.now(),
        url: ports.navigation.currentUrl(),
        consumedStates: readJson<string[]>(ports.transientStorage, config.keys.consumed) ?? [],
      };
      const pending = readJson<PendingLogin>(ports.transientStorage, config.keys.pending);
      const stored = tokenStorage && readJson<SpaSession>(tokenStorage, config.keys.session);
      if (pending && typeof pending.state === 'string' && typeof pending.codeVerifier === 'string') event.pending = pending;
      if (stored && typeof stored.accessToken === 'string' && typeof stored.expiresAt === 'number') event.stored = stored;
      return event;
    }
    case 'redirectToAuthorize': {
      const url = await authorizeUrl(config, effect.pending);
      ports.transientStorage.set(config.keys.pending, JSON.stringify(effect.pending));
      ports.navigation.redirect(url);
      return undefined;
    }
    case 'exchangeCode':
      return tokenRequest(effect.seq, context, () => exchangeCode(config, context, effect.callbackUrl, effect.pending));
    case 'refreshTokens':
      return tokenRequest(effect.seq, context, async () => {
        const response = await refreshTokenGrantRequest(
          config.server,
          config.client,
          None(),
          effect.refreshToken,
          requestOptions(config.server, context),
        );
        const result = await processRefreshTokenResponse(config.server, config.client, response);
        return toTokenSet(result, getValidatedIdTokenClaims(result) as Claims | undefined);
      });
    case 'silentAuthorize':
      return tokenRequest(effect.seq, context, async () => {
        const silentAuthorize = ports.navigation.silentAuthorize;
        if (!silentAuthorize) throw new CartoAuthError(ERR_LOGIN_REQUIRED, 'No silent renewal here');
        const pending: PendingLogin = { state: ports.random(), codeVerifier: ports.random(), prompt: 'none' };
        if (effect.organization) pending.organization = effect.organization;
        const callbackUrl = await silentAuthorize(await authorizeUrl(config, pending), config.redirectUri, config.silentTimeoutMs);
        return exchangeCode(config, context, callbackUrl, pending);
      });
    case 'persistSession':
      tokenStorage?.set(config.keys.session, JSON.stringify(effect.session));
      return undefined;
    case 'clearSession':
      tokenStorage?.remove(config.keys.session);
      return undefined;
    case 'clearPending': {
      ports.transientStorage.remove(config.keys.pending);
      if (effect.consumedState) {
        const consumed = readJson<string[]>(ports.transientStorage, config.keys.consumed) ?? [];
        const kept = [...consumed, effect.consumedState].slice(-MAX_CONSUMED_STATES);
        ports.transientStorage.set(config.keys.consumed, JSON.stringify(kept));
      }
      return undefined;
    }
    case 'replaceUrl':
      ports.navigation.replaceUrl(effect.url);
      return undefined;
    case 'navigate':
      ports.navigation.redirect(effect.url);
      return undefined;
  }
}

/** Validates the callback and redeems its code in one step: oauth4webapi brands the validated parameters. */
async function exchangeCode(config: SpaEffectConfig, context: EffectContext, callbackUrl: string, pending: PendingLogin): Promise<TokenSet> {
  const params = validateAuthResponse(config.server, config.client, new URL(callbackUrl), pending.state);
  const response = await authorizationCodeGrantRequest(
    config.server,
    config.client,
    None(),
    params,
    config.redirectUri,
    pending.codeVerifier,
    requestOptions(config.server, context),
  );
  const result = await processAuthorizationCodeResponse(config.server, config.client, response, { requireIdToken: false });
  return toTokenSet(result, getValidatedIdTokenClaims(result) as Claims | undefined);
}

/** Builds the `/authorize` URL with PKCE S256, `state`, `audience` and, when set, `organization`. */
export async function authorizeUrl(config: SpaEffectConfig, pending: PendingLogin): Promise<string> {
  const url = new URL(config.server.authorization_endpoint as string);
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', config.client.client_id);
  params.set('redirect_uri', config.redirectUri);
  params.set('scope', config.scope);
  params.set('audience', config.audience);
  params.set('state', pending.state);
  params.set('code_challenge', await calculatePKCECodeChallenge(pending.codeVerifier));
  params.set('code_challenge_method', 'S256');
  if (pending.organization) params.set('organization', pending.organization);
  if (pending.prompt) params.set('prompt', pending.prompt);
  return url.href;
}

async function tokenRequest(
  seq: number,
  context: EffectContext,
  request: () => Promise<TokenSet>,
): Promise<SpaEvent> {
  try {
    const tokens = await request();
    return { type: 'tokensReceived', seq, tokens, receivedAt: context.ports.clock.now() };
  } catch (error) {
    return { type: 'tokenRequestFailed', seq, error: toCartoAuthError(error, context), at: context.ports.clock.now() };
  }
}

function sessionStore(config: SpaEffectConfig, context: EffectContext): StoragePort | undefined {
  if (config.storage === 'session') return context.ports.sessionStorage;
  if (config.storage === 'local') return context.ports.localStorage;
  return undefined; // memory: the runtime's state is the only copy
}

function readJson<T>(storage: StoragePort, key: string): T | undefined {
  try {
    const raw = storage.get(key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined; // corrupted storage is the same as empty storage
  }
}
