import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { isBearerToken } from '../../bearer';
import { frozen } from '../../claims';
import { CartoAuthError, ERR_LOGIN_REQUIRED, ERR_TIMEOUT, raceAbort } from '../../errors';
import { browserLock } from '../../ports/ports.browser';
import { memoryLock } from '../../ports/ports.memory';
import { openText, sealText } from '../../ports/web-crypto-seal';
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
  /**
   * Removes the stored session. `signedOut` (a logout in this tab) also ends every session and note
   * answer saved before it on this origin, so no copy of the session can follow its family back in.
   */
  clear(context: EffectContext, key: KeyOf, signedOut?: boolean): Promise<void>;
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
  // The logout mark each client of this page saw when its session began (load, clear): a newer mark
  // means a logout on this origin ended that session, whether or not its broadcast has arrived (a
  // frozen background tab hears it late, after the user may have signed in again).
  const seenMarks = new Map<string, string | undefined>();
  const see = (context: EffectContext, key: KeyOf) => seenMarks.set(key('session'), lastLogout(context, key));
  const endedElsewhere = (context: EffectContext, key: KeyOf) =>
    seenMarks.has(key('session')) && seenMarks.get(key('session')) !== lastLogout(context, key);
  return {
    scope,
    load(context, key) {
      see(context, key);
      const session = shaped<StoredSession>(readJson(store(context), key('session')), SESSION_SHAPE);
      // Frozen like a user from a token response (see `frozen`). A token that is no bearer token (a
      // line break in it would make every request throw) is tampering, as for a token response.
      // A copy saved before the last logout on this origin (a duplicated tab closed, then reopened with
      // its sessionStorage) is over too: that logout signed every tab out.
      if (!isBearerToken(session?.accessToken) || session.logout !== lastLogout(context, key))
        return undefined;
      // The mark stays in storage: the machine's session never carries it.
      return { ...session, logout: undefined, user: JSON.parse(JSON.stringify(session.user), frozen) };
    },
    save(context, key, session) {
      // A session a logout elsewhere ended is not written back (with 'local', over a newer login's).
      if (endedElsewhere(context, key)) return;
      store(context).set(key('session'), JSON.stringify({ ...session, logout: lastLogout(context, key) }));
    },
    async clear(context, key, signedOut) {
      const ended = endedElsewhere(context, key);
      if (signedOut) {
        // At once, and synchronously: the tab is about to leave for /v2/logout, and the note's cleanup
        // below (a cross-tab lock, then IndexedDB) may never finish. Sessions and answers saved under
        // an earlier mark are over, wherever it got to. A random mark, not a time: a clock set back
        // must not bring them back, nor end the next login's.
        try {
          context.ports.localStore.set(key('logout'), JSON.stringify(context.ports.random()));
        } catch {
          // Web Storage blocked: the cleanup below is all there is.
        }
      }
      // With 'local', a session that a logout elsewhere already ended finds a newer login's session in
      // the shared store, not its own.
      if (signedOut || !(scope === 'local' && ended)) store(context).remove(key('session'));
      see(context, key);
      // Drops the answers of earlier marks, never the current ones: a session that merely ended (a
      // refused renewal) or a logout heard late must not take answers a newer login or a duplicated tab
      // of another session still needs. With a time-out of its own: a login right after the logout
      // aborts the work in flight, and this must still happen.
      await withOwnTimeout(context, (limit) =>
        lockOf(context).run(key('refresh'), limit, async (note) => {
          const mark = lastLogout(context, key);
          const answers = answersOf(parseJson(await raceAbort(note.read(), limit)));
          const kept = answers.filter((answer) => answer.logout === mark);
          if (kept.length < answers.length)
            await raceAbort(note.write(kept.length ? JSON.stringify(kept) : null), limit);
        }),
      );
    },
    async redeem(context, key, seq, refreshToken, redeem) {
      // Tabs holding one rotating refresh token (every tab with `'local'`, a duplicated tab with
      // `'session'`, case-02) redeem it under a cross-tab lock. The lock's note keeps each answer under
      // the hash of the refresh token spent for it, sealed with a key only that token gives: a tab
      // holding a spent one follows its own family to the newest answer and takes it, or goes on from
      // its refresh token: it never sends a spent one (the server would revoke the whole family). Other
      // sessions' families do not mix, and the note (IndexedDB, which outlives a 'session' tab) holds no
      // token anyone without the session could use.
      const { clock } = context.ports;
      const { signal } = context;
      // A session a logout elsewhere ended renews no more, even before that logout's broadcast arrives.
      if (endedElsewhere(context, key)) {
        const error = new CartoAuthError(ERR_LOGIN_REQUIRED, 'Signed out in another tab');
        return { type: 'tokenRequestFailed', seq, error, at: clock.now() };
      }
      return lockOf(context).run(key('refresh'), signal, async (note) => {
        // Raced with the signal: a note that never answers (a stuck IndexedDB) must not hold the lock.
        const logout = lastLogout(context, key);
        const answers = answersOf(parseJson(await raceAbort(note.read(), signal))).filter(
          (answer) => answer.logout === logout, // the ones no logout ended
        );
        let current = refreshToken;
        let newest: Answer | undefined;
        // Follows this family's chain to its newest answer; bounded: a tampered note could loop.
        for (let step = 0; step < MAX_ANSWERS; step++) {
          const spent = await hash(current);
          const answer = await unseal(
            answers.find((entry) => entry.spent === spent),
            current,
          );
          if (!answer) break;
          newest = answer;
          current = answer.tokens.refreshToken;
        }
        if (newest && clock.now() < tokenTimes(newest.receivedAt, newest.tokens.expiresIn, 0).expiresAt)
          return { type: 'tokensReceived', seq, ...newest };
        const event = await redeem(current);
        if (event.type !== 'tokensReceived') return event;
        const next = event.tokens.refreshToken;
        // Only a rotation is worth a note: an answer without a new refresh token (case-03) would be
        // found again for the token the tab keeps, handed out on every renewal, never renewed.
        if (next && next !== current) {
          // Still under the lock, whatever happened to the effect meanwhile (a logout, stop(), its
          // time-out): a write that outlived the lock would land after the next holder's read, and that
          // tab would send the refresh token just spent. Best effort: failing to leave a note must not
          // throw away the tokens just received.
          const answer = await sealAnswer(event, current, context.ports.random()).then(
            (sealed): StoredAnswer => ({ ...sealed, logout }),
            () => undefined,
          );
          if (answer)
            await withOwnTimeout(context, (limit) =>
              raceAbort(note.write(JSON.stringify([...answers, answer].slice(-MAX_ANSWERS))), limit),
            ).catch(() => undefined);
        }
        // The refresh token the machine keeps is the one this tab went on from, not the one it started
        // with (that one may be spent).
        return { ...event, tokens: { ...event.tokens, refreshToken: next || current } };
      });
    },
  };
}

/** The mark of this client's last logout on this origin (`undefined`: none yet), as `clear` leaves it. */
function lastLogout(context: EffectContext, key: KeyOf): string | undefined {
  const mark = readJson(context.ports.localStore, key('logout'));
  return typeof mark === 'string' ? mark : undefined;
}

/**
 * Runs `work` with a signal of its own that aborts after the client's time-out, counted from now: a
 * write must not get only what an effect's time-out has left, nor be cut short by a logout.
 */
async function withOwnTimeout<T>(
  context: EffectContext,
  work: (limit: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = new AbortController();
  const { clock } = context.ports;
  const timer = clock.setTimer(
    () => limit.abort(new CartoAuthError(ERR_TIMEOUT, 'The refresh note did not answer')),
    context.timeoutMs,
  );
  try {
    return await work(limit.signal);
  } finally {
    clock.clearTimer(timer);
  }
}

/** Coordinates this page's clients (one JS realm) where there is no cross-tab lock. */
const pageLock = memoryLock();

/** A session as stored: with the logout mark it was saved under (see `clear`). */
type StoredSession = SpaSession & { logout?: string };

const SESSION_SHAPE = {
  accessToken: 'string',
  refreshToken: 'string?',
  idToken: 'string?',
  expiresAt: 'number',
  renewAt: 'number',
  receivedAt: 'number',
  user: 'object',
  logout: 'string?',
};

/** One token response of a refresh-token family, as the note keeps it. */
export interface StoredAnswer {
  /** The hash of the refresh token spent for it. */
  spent: string;
  /** AES-GCM initialisation vector (a fresh random value). */
  iv: string;
  /** The token set, sealed with a key derived from the spent refresh token. */
  sealed: string;
  receivedAt: number;
  /** The logout mark it was written under (see `clear`). */
  logout?: string;
}

/** A {@link StoredAnswer} opened with its spent refresh token: every answer in the note is a rotation. */
interface Answer {
  tokens: TokenSet & { refreshToken: string };
  receivedAt: number;
}

/** Answers the note remembers: far more rotations than a tab can miss, for a few sessions. */
const MAX_ANSWERS = 20;

/** A refresh token's SHA-256 (base64url), as PKCE computes it: the note never holds a usable one. */
const hash = (refreshToken: string) => calculatePKCECodeChallenge(refreshToken);

/** A token set as a token response gives it: what reaches the machine from a note must look like this. */
const TOKEN_SET_SHAPE = {
  accessToken: 'string',
  refreshToken: 'string',
  idToken: 'string?',
  expiresIn: 'number?',
  idClaims: 'object?',
  accessClaims: 'object?',
};

/**
 * The note's entry for `answer`, sealed with a key from the refresh token spent for it.
 * @internal exported for tests that forge notes
 */
export async function sealAnswer(
  answer: { tokens: TokenSet; receivedAt: number },
  spent: string,
  iv: string,
): Promise<StoredAnswer> {
  return {
    spent: await hash(spent),
    iv,
    sealed: await sealText(JSON.stringify(answer.tokens), spent, iv),
    receivedAt: answer.receivedAt,
  };
}

/** Opens `stored` with the refresh token spent for it; tampered, foreign or malformed answers give nothing. */
async function unseal(stored: StoredAnswer | undefined, spent: string): Promise<Answer | undefined> {
  if (!stored) return undefined;
  try {
    const plain = await openText(stored.sealed, spent, stored.iv);
    const tokens = shaped<Answer['tokens']>(JSON.parse(plain), TOKEN_SET_SHAPE);
    return isBearerToken(tokens?.accessToken) ? { tokens, receivedAt: stored.receivedAt } : undefined;
  } catch {
    return undefined; // a forged or damaged answer (the tag check fails) is no answer
  }
}

/** The {@link StoredAnswer}s read back from the note; anything else (another version, tampering) is left out. */
function answersOf(value: unknown): StoredAnswer[] {
  return Array.isArray(value)
    ? value.filter((entry) =>
        shaped(entry, {
          spent: 'string',
          iv: 'string',
          sealed: 'string',
          receivedAt: 'number',
          logout: 'string?',
        }),
      )
    : [];
}
