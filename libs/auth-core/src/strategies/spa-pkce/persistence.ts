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
  // The lock port (tests inject one), else the browser's Web Locks, for 'session' too: a duplicated
  // tab starts with a copy of this tab's sessionStorage, its refresh token included. Without either,
  // at least this page's clients take turns (a component mounted twice).
  const lockOf = (context: EffectContext) => context.ports.lock ?? browserLock() ?? pageLock;
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
      await lockOf(context).run(key('refresh'), new AbortController().signal, (note) => note.write(null));
    },
    async redeem(context, key, seq, refreshToken, redeem) {
      // Tabs holding one rotating refresh token (every tab with `'local'`, a duplicated tab with
      // `'session'`, case-02) redeem it under a cross-tab lock. The lock's note keeps each answer with
      // the (hashed) refresh token spent for it, so a tab holding a spent one follows its own family to
      // the newest answer and takes it, or goes on from its refresh token: it never sends a spent one
      // (the server would revoke the whole family). Families of other sessions do not mix.
      const { clock } = context.ports;
      return lockOf(context).run(key('refresh'), context.signal, async (note) => {
        const answers = answersOf(parseJson(await note.read()));
        let current = refreshToken;
        let newest: Answer | undefined;
        // Follows this family's chain to its newest answer; bounded: a tampered note could loop.
        for (let step = 0; step < MAX_ANSWERS; step++) {
          const spent = await hash(current);
          const answer = answers.find((entry) => entry.spent === spent);
          if (!answer) break;
          newest = answer;
          if (!answer.tokens.refreshToken) break; // nothing newer to go on from
          current = answer.tokens.refreshToken;
        }
        if (newest && clock.now() < tokenTimes(newest.receivedAt, newest.tokens.expiresIn, 0).expiresAt)
          return { type: 'tokensReceived', seq, tokens: newest.tokens, receivedAt: newest.receivedAt };
        const event = await redeem(current);
        if (event.type === 'tokensReceived') {
          const answer: Answer = {
            spent: await hash(current),
            tokens: event.tokens,
            receivedAt: event.receivedAt,
          };
          // Best effort: failing to leave a note must not throw away the tokens just received.
          await note.write(JSON.stringify([...answers, answer].slice(-MAX_ANSWERS))).catch(() => undefined);
        }
        return event;
      });
    },
  };
}

/** Coordinates this page's clients (one JS realm) where there is no cross-tab lock. */
const pageLock = memoryLock();

const SESSION_SHAPE = {
  accessToken: 'string',
  refreshToken: 'string?',
  idToken: 'string?',
  expiresAt: 'number',
  renewAt: 'number',
  receivedAt: 'number',
  user: 'object',
};

/** One token response of a refresh-token family, and the (hashed) refresh token spent for it. */
interface Answer {
  spent: string;
  tokens: TokenSet;
  receivedAt: number;
}

/** Answers the note remembers: far more rotations than a tab can miss, for a few sessions. */
const MAX_ANSWERS = 20;

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

/** The {@link Answer}s read back from the note; anything else (another version, tampering) is left out. */
function answersOf(value: unknown): Answer[] {
  return Array.isArray(value)
    ? value.filter(
        (entry) =>
          shaped(entry, { spent: 'string', tokens: 'object', receivedAt: 'number' }) &&
          shaped(entry.tokens, TOKEN_SET_SHAPE),
      )
    : [];
}
