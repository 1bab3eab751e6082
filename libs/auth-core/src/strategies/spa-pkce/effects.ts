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
import { CartoAuthError, ERR_LOGIN_REQUIRED } from '../../errors';
import type { StoragePort } from '../../ports/types';
import type { EffectContext } from '../../types';
import { requestOptions, toCartoAuthError, toTokenSet, type TokenSet } from '../shared/oauth';
import type { PendingLogin, SpaEffect, SpaEvent, SpaSession } from './machine';
import { tokenTimes } from '../../timing';

/** Where the SPA keeps its tokens: memory by default (case-30). */
export type SpaStorageMode = 'memory' | 'session' | 'local';

/** What the SPA runner needs besides the effect itself. */
export interface SpaEffectConfig {
  server: AuthorizationServer;
  client: Client;
  redirectUri: string;
  /** Fixed `/authorize` parameters: client id, redirect URI, scope, audience. */
  authorizeParams: Record<string, string>;
  storage: SpaStorageMode;
  silentTimeoutMs: number;
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
  const tokenStore =
    config.storage === 'memory'
      ? undefined
      : config.storage === 'local'
        ? ports.localStore
        : ports.sessionStore;
  const key = (name: string) => `${config.prefix}:${name}`;
  const consumed = (): string[] => {
    const states = read<unknown>(transient, key('consumed'));
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
      const result = await Promise.race([request(), rejectWhenAborted(context.signal)]);
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
    case 'restore':
      return {
        type: 'restored',
        now: clock.now(),
        url: navigation.currentUrl(),
        // Only `state` is required here: a pending login missing its verifier must fail the exchange, visibly.
        pending: shaped<PendingLogin>(read(transient, key('pending')), { state: 'string' }),
        stored: tokenStore && shaped<SpaSession>(read(tokenStore, key('session')), SESSION_SHAPE),
        consumedStates: consumed(),
      };
    case 'redirectToAuthorize': {
      const url = await authorizeUrl(config, effect.pending);
      if (context.signal.aborted) return; // logout() or stop() came while the challenge was computed
      transient.set(key('pending'), JSON.stringify(effect.pending));
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
      // Tabs sharing `storage: 'local'` share one rotating refresh token (case-02): redeem it under a
      // cross-tab lock. The lock's note holds the newest tokens and every refresh token spent for them
      // (hashed), so a tab holding a spent one takes the newest answer or goes on from its refresh
      // token, and never sends a spent one (the server would revoke the whole family).
      const { lock } = ports;
      if (config.storage !== 'local' || !lock) return redeem(effect.refreshToken);
      try {
        return await lock.run(key('refresh'), context.signal, async (note) => {
          const rotation = rotationOf(parse(await note.read()));
          let current = effect.refreshToken;
          if (rotation?.spent.includes(await hash(current))) {
            const { tokens: newest, receivedAt } = rotation;
            if (clock.now() < tokenTimes(receivedAt, newest.expiresIn, 0).expiresAt)
              return { type: 'tokensReceived', seq, tokens: newest, receivedAt };
            if (!newest.refreshToken) return redeem(current); // nothing newer to go on from
            current = newest.refreshToken;
          }
          const event = await redeem(current);
          if (event.type === 'tokensReceived') {
            const spent = [...(rotation?.spent ?? []), await hash(current)].slice(-MAX_SPENT);
            const next: Rotation = { spent, tokens: event.tokens, receivedAt: event.receivedAt };
            // Best effort: failing to leave a note must not throw away the tokens just received.
            await note.write(JSON.stringify(next)).catch(() => undefined);
          }
          return event;
        });
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
          config.silentTimeoutMs,
        );
        return exchangeCode(config, context, callbackUrl, pending);
      });
    case 'persistSession':
      tokenStore?.set(key('session'), JSON.stringify(effect.session));
      return;
    case 'clearSession':
      tokenStore?.remove(key('session'));
      // The note holds tokens too. With a signal of its own: a login right after the logout aborts
      // the work in flight, and this must still happen.
      if (config.storage === 'local')
        await ports.lock?.run(key('refresh'), new AbortController().signal, (note) => note.write(null));
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
    case 'navigate':
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

/** The newest answer of a refresh-token family, and the (hashed) refresh tokens spent to get there. */
interface Rotation {
  spent: string[];
  tokens: TokenSet;
  receivedAt: number;
}

/** Spent refresh tokens the note remembers: far more rotations than a tab can miss. */
const MAX_SPENT = 20;

/** A refresh token's SHA-256 (base64url), as PKCE computes it: the note never holds a usable one. */
const hash = (refreshToken: string) => calculatePKCECodeChallenge(refreshToken);

/** A token set as a token response gives it: what reaches the machine from a note must look like this. */
const TOKEN_SET_SHAPE = {
  accessToken: 'string',
  refreshToken: 'string?',
  idToken: 'string?',
  expiresIn: 'number?',
  idClaims: 'object?',
  accessClaims: 'object?',
};

/** A {@link Rotation} read back from the note, or `undefined` for anything else (another version, tampering). */
function rotationOf(value: unknown): Rotation | undefined {
  const note = shaped<Rotation>(value, { spent: 'object', tokens: 'object', receivedAt: 'number' });
  return note && Array.isArray(note.spent) && shaped(note.tokens, TOKEN_SET_SHAPE) ? note : undefined;
}

/** Rejects with the signal's reason once it aborts. */
function rejectWhenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

const SESSION_SHAPE = {
  accessToken: 'string',
  expiresAt: 'number',
  renewAt: 'number',
  receivedAt: 'number',
  user: 'object',
};

/**
 * `value` if it has the fields of `shape` with the right `typeof` (never `null`; a `?` suffix also
 * allows the field to be absent); anything else was tampered with or is stale.
 */
function shaped<T>(value: unknown, shape: Record<string, string>): T | undefined {
  const record = value as Record<string, unknown> | null | undefined;
  return record &&
    Object.entries(shape).every(([name, type]) =>
      record[name] === undefined
        ? type.endsWith('?')
        : typeof record[name] === type.replace('?', '') && record[name] !== null,
    )
    ? (record as T)
    : undefined;
}

/** Reads JSON from storage; corrupted or unreadable storage is the same as empty storage. */
function read<T>(storage: StoragePort, key: string): T | undefined {
  try {
    return parse(storage.get(key));
  } catch {
    return undefined;
  }
}

/** Parses stored JSON; anything unparsable is the same as nothing stored. */
function parse<T>(text: string | null): T | undefined {
  try {
    return JSON.parse(text ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}
