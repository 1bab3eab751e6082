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
  type TokenEndpointResponse,
} from 'oauth4webapi';
import type { Claims } from '../../claims';
import { CartoAuthError, ERR_LOGIN_REQUIRED, raceAbort } from '../../errors';
import type { EffectContext } from '../../types';
import { requestOptions, toCartoAuthError, toTokenSet } from '../shared/oauth';
import type { PendingLogin, SpaEffect, SpaEvent } from './machine';
import type { SpaPersistence } from './persistence';
import { readJson } from './stored';

/** What the SPA runner needs besides the effect itself. */
export interface SpaEffectConfig {
  server: AuthorizationServer;
  client: Client;
  redirectUri: string;
  /** The origin of `redirectUri`: the app's. */
  appOrigin: string;
  /** Fixed `/authorize` parameters: client id, redirect URI, scope, audience. */
  authorizeParams: Record<string, string>;
  /** Where the session survives reloads; none (memory only) by default (case-30). */
  persistence?: SpaPersistence | undefined;
  /** Storage key prefix, namespaced by client id so two apps on one origin never collide. */
  prefix: string;
}

/** Runs one SPA effect; resolves with the event to feed back. Network failures become events. */
export async function runEffect(
  config: SpaEffectConfig,
  effect: SpaEffect,
  context: EffectContext,
): Promise<SpaEvent | undefined> {
  const { ports } = context;
  const { transientStorage: transient, clock, navigation } = ports;
  const { persistence } = config;
  const key = (name: string) => `${config.prefix}:${name}`;
  const consumed = (): string[] => {
    const states = readJson(transient, key('consumed'));
    return Array.isArray(states) ? states.filter((state): state is string => typeof state === 'string') : [];
  };
  const failed = (seq: number, error: unknown): SpaEvent => ({
    type: 'tokenRequestFailed',
    seq,
    error: toCartoAuthError(error, context),
    at: clock.now(),
  });
  const tokens = async (seq: number, request: () => Promise<TokenEndpointResponse>): Promise<SpaEvent> => {
    try {
      // The abort wins even over a fetch port that ignores the signal: no request may hang the client.
      const result = await raceAbort(request(), context.signal);
      return {
        type: 'tokensReceived',
        seq,
        tokens: toTokenSet(result, getValidatedIdTokenClaims(result) as Claims | undefined),
        receivedAt: clock.now(),
      };
    } catch (error) {
      return failed(seq, error);
    }
  };
  switch (effect.type) {
    case 'restore': {
      const pending = readJson(transient, key('pending')) as PendingLogin | null | undefined;
      return {
        type: 'restored',
        now: clock.now(),
        url: navigation.currentUrl(),
        // Only `state` is required here: a pending login missing its verifier must fail the exchange, visibly.
        pending: typeof pending?.state === 'string' ? pending : undefined,
        stored: persistence?.load(context, key),
        consumedStates: consumed(),
      };
    }
    case 'redirectToAuthorize': {
      const here = navigation.currentUrl();
      const pending: PendingLogin = {
        ...effect.login,
        // Without one, the login comes back to the page it left, not to the bare callback URL (a page
        // of another origin, the app framed elsewhere, could not be put back in the address bar).
        returnTo: effect.login.returnTo ?? (here.startsWith(`${config.appOrigin}/`) ? here : undefined),
        state: ports.random(),
        codeVerifier: ports.random(),
      };
      const url = await authorizeUrl(config, pending);
      if (context.signal.aborted) return; // logout() or stop() came while the challenge was computed
      transient.set(key('pending'), JSON.stringify(pending));
      navigation.redirect(url);
      return;
    }
    case 'exchangeCode':
      return tokens(effect.seq, () => exchangeCode(config, context, effect.callbackUrl, effect.pending));
    case 'refreshTokens': {
      const { seq } = effect;
      const redeem = (refreshToken: string) =>
        tokens(seq, async () =>
          processRefreshTokenResponse(
            config.server,
            config.client,
            await refreshTokenGrantRequest(
              config.server,
              config.client,
              None(),
              refreshToken,
              requestOptions(config.server, context),
            ),
          ),
        );
      if (!persistence) return redeem(effect.refreshToken);
      try {
        return await persistence.redeem(context, key, seq, effect.refreshToken, redeem);
      } catch (error) {
        return failed(seq, error); // aborted or timed out while another tab held the lock
      }
    }
    case 'silentAuthorize':
      return tokens(effect.seq, async () => {
        if (!navigation.silentAuthorize)
          throw new CartoAuthError(ERR_LOGIN_REQUIRED, 'No silent renewal here');
        const pending: PendingLogin = {
          state: ports.random(),
          codeVerifier: ports.random(),
          prompt: 'none',
          organization: effect.organization,
        };
        const callbackUrl = await navigation.silentAuthorize(
          await authorizeUrl(config, pending),
          config.redirectUri,
          context.signal, // ends it at the client's requestTimeoutMs, or on logout, a new login, stop()
        );
        return exchangeCode(config, context, callbackUrl, pending);
      });
    case 'persistSession':
      persistence?.save(context, key, effect.session);
      return;
    case 'clearSession':
      await persistence?.clear(context, key, effect.signedOut);
      return;
    case 'consumeCallback':
      transient.remove(key('pending'));
      if (effect.state)
        transient.set(key('consumed'), JSON.stringify([...consumed(), effect.state].slice(-10)));
      navigation.replaceUrl(effect.url);
      return;
    case 'replaceUrl':
      navigation.replaceUrl(effect.url);
      return;
    case 'broadcastLogout':
      ports.broadcast?.post(logoutMessage(config.prefix));
      return;
    case 'navigate':
      if (effect.pending) transient.set(key('pending'), JSON.stringify(effect.pending));
      navigation.redirect(effect.url);
      return;
  }
}

/** Validates the callback and redeems its code in one step: oauth4webapi brands the validated parameters. */
async function exchangeCode(
  config: SpaEffectConfig,
  context: EffectContext,
  callbackUrl: string,
  pending: PendingLogin,
): Promise<TokenEndpointResponse> {
  const { server, client } = config;
  const params = validateAuthResponse(server, client, new URL(callbackUrl), pending.state);
  const response = await authorizationCodeGrantRequest(
    server,
    client,
    None(),
    params,
    config.redirectUri,
    pending.codeVerifier,
    requestOptions(server, context),
  );
  return processAuthorizationCodeResponse(server, client, response, { requireIdToken: false });
}

/** Builds the `/authorize` URL with PKCE S256, `state`, `audience` and, when set, `organization`. */
export async function authorizeUrl(config: SpaEffectConfig, pending: PendingLogin): Promise<string> {
  const url = new URL(config.server.authorization_endpoint as string);
  const params: Record<string, string> = {
    ...config.authorizeParams,
    response_type: 'code',
    state: pending.state,
    code_challenge: await calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  };
  if (pending.organization) params['organization'] = pending.organization;
  if (pending.prompt) params['prompt'] = pending.prompt;
  url.search = new URLSearchParams(params).toString();
  return url.href;
}

/**
 * What a logout tells the other tabs (case-29): named after the client, as its stored items are, so
 * that another app or client on the same origin does not sign this one out.
 */
export const logoutMessage = (prefix: string) => `${prefix}:logout`;
