import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { frozen } from '../../claims';
import { browserLock } from '../../ports/ports.browser';
import { memoryLock } from '../../ports/ports.memory';
import type { EffectContext } from '../../types';
import { tokenTimes } from '../../timing';
import type { TokenSet } from '../shared/oauth';
import type { SpaEvent, SpaSession } from './machine';
import { parseJson, readJson, shaped } from './stored';

/** Where a persisted SPA session lives: this tab only, or every tab of the origin. */
export type PersistenceScope = 'session' | 'local';

/** Names a stored item under the client's own prefix. */
type KeyOf = (name: string) => string;

/**
 * Keeps an SPA session across reloads. Create one with {@link persistentStorage}; the SPA effects
 * call it, apps only pass it to `spa({ storage })`.
 */
export interface SpaPersistence {
  readonly scope: PersistenceScope;
  /** The stored session, or `undefined` when there is none or it does not look like one (tampering). */
  load(context: EffectContext, key: KeyOf): SpaSession | undefined;
  save(context: EffectContext, key: KeyOf, session: SpaSession): void;
  clear(context: EffectContext, key: KeyOf): Promise<void>;
  /** Redeems `refreshToken` through `redeem`, coordinated with every other tab sharing this storage. */
  redeem(
    context: EffectContext,
    key: KeyOf,
    seq: number,
    refreshToken: string,
    redeem: (refreshToken: string) => Promise<SpaEvent>,
  ): Promise<SpaEvent>;
}

/**
 * Persists the SPA session in Web Storage so it survives a reload: `'session'` for this tab,
 * `'local'` for every tab of the origin. Any script on the origin can read it (an XSS risk the
 * in-memory default does not have, case-30): choose it knowingly. With `'local'` the tabs share one
 * rotating refresh token and redeem it under a Web Lock, each one only once (case-02).
 * @example
 * spa({ clientId, redirectUri, storage: persistentStorage('session') })
 */
export function persistentStorage(scope: PersistenceScope): SpaPersistence {
  const store = (context: EffectContext) =>
    scope === 'local' ? context.ports.localStore : context.ports.sessionStore;
  // 'local': the lock port (tests inject one), else the browser's Web Locks where they exist.
  // 'session': this tab's storage, so only this page's clients share it (a double mount).
  const lockOf = (context: EffectContext) =>
    scope === 'local' ? (context.ports.lock ?? browserLock()) : pageLock;
  return {
    scope,
    load(context, key) {
      const session = shaped<SpaSession>(readJson(store(context), key('session')), SESSION_SHAPE);
      // Frozen like a user from a token response (see `frozen`).
      return session && { ...session, user: JSON.parse(JSON.stringify(session.user), frozen) };
    },
    save: (context, key, session) => store(context).set(key('session'), JSON.stringify(session)),
    async clear(context, key) {
      store(context).remove(key('session'));
      // The note holds tokens too. With a signal of its own: a login right after the logout aborts
      // the work in flight, and this must still happen.
      await lockOf(context)?.run(key('refresh'), new AbortController().signal, (note) => note.write(null));
    },
    async redeem(context, key, seq, refreshToken, redeem) {
      // Tabs sharing `'local'` share one rotating refresh token (case-02): redeem it under a cross-tab
      // lock. The lock's note holds the newest tokens and every refresh token spent for them (hashed),
      // so a tab holding a spent one takes the newest answer or goes on from its refresh token, and
      // never sends a spent one (the server would revoke the whole family).
      const lock = lockOf(context);
      if (!lock) return redeem(refreshToken);
      const { clock } = context.ports;
      return lock.run(key('refresh'), context.signal, async (note) => {
        const rotation = rotationOf(parseJson(await note.read()));
        let current = refreshToken;
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
    },
  };
}

/**
 * Coordinates the clients of this page (one JS realm) that share `'session'` storage: two of them
 * restoring one session (a component mounted twice) must not both redeem its rotating refresh token.
 */
const pageLock = memoryLock();

const SESSION_SHAPE = {
  accessToken: 'string',
  expiresAt: 'number',
  renewAt: 'number',
  receivedAt: 'number',
  user: 'object',
};

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
