/**
 * The refresh note of `persistentStorage()` (case-02) against the real emulator: what it keeps, who can
 * read it, what wipes it, and a note storage that never answers. Faults stand in for a server that does
 * not rotate refresh tokens (case-03); the emulator itself always rotates.
 */
import { persistentStorage, type BroadcastPort, type CartoAuthClient, type LockNote, type Ports } from '..';
import { sealAnswer } from '../strategies/spa-pkce/persistence';
import {
  DEMO,
  countRequests,
  sameOriginPages,
  spaPage,
  useEmulator,
  waitFor,
  type SpaPage,
} from '../../test/harness';

const emulator = useEmulator();
beforeEach(() => emulator().admin.reset());

const SESSION_KEY = `carto-auth:${DEMO.spaClientId}:session`;
const NOTE_NAME = `carto-auth:${DEMO.spaClientId}:refresh`;

const storedSession = (store: Ports['localStore']) =>
  JSON.parse(store.get(SESSION_KEY)!) as { refreshToken: string; accessToken: string };
const readNote = (page: SpaPage) =>
  page.ports.lock!.run(NOTE_NAME, new AbortController().signal, (note) => note.read());
const writeNote = (page: SpaPage, value: unknown) =>
  page.ports.lock!.run(NOTE_NAME, new AbortController().signal, (note) => note.write(JSON.stringify(value)));
/** The next token request gets an answer without a refresh token (a server that does not rotate). */
const noRotation = (accessToken: string) =>
  emulator().admin.fault({
    path: '/oauth/token',
    status: 200,
    body: { access_token: accessToken, token_type: 'Bearer', expires_in: 3_600 },
  });

/** Two tabs sharing `'local'` storage and one cross-tab lock. */
async function twoLocalTabs(): Promise<{ first: SpaPage; tabA: CartoAuthClient; tabB: CartoAuthClient }> {
  const [first, second] = sameOriginPages(emulator(), 2) as [SpaPage, SpaPage];
  const tabA = await first.signIn({ storage: persistentStorage('local') });
  const tabB = second.client({ storage: persistentStorage('local') });
  expect((await tabB.start()).status).toBe('authenticated');
  return { first, tabA, tabB };
}

/** A broadcast channel whose messages reach the listening tab only when it thaws (a frozen background tab). */
function frozenTabBus() {
  const queued: string[] = [];
  let listener: ((message: string) => void) | undefined;
  const sender: BroadcastPort = {
    post: (message) => void queued.push(message),
    subscribe: () => () => undefined,
  };
  const frozen: BroadcastPort = {
    post: () => undefined,
    subscribe: (onMessage) => ((listener = onMessage), () => (listener = undefined)),
  };
  return { sender, frozen, thaw: () => queued.splice(0).forEach((message) => listener?.(message)) };
}

describe('the refresh note of persistentStorage()', () => {
  it('case-03: an answer without a new refresh token is not kept: the next forced renewal asks the server', async () => {
    const page = spaPage(emulator());
    const tab = await page.signIn({ storage: persistentStorage('local') });
    await noRotation('not-rotated');
    await expect(tab.getAccessToken({ forceRenew: true })).resolves.toBe('not-rotated');
    const before = await countRequests(emulator(), '/oauth/token');
    const renewed = await tab.getAccessToken({ forceRenew: true });
    expect(renewed).not.toBe('not-rotated'); // not the same answer found again under the kept refresh token
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
  });

  it('case-03: a non-rotating answer whose renewal time has come is renewed once, not handed out in a loop', async () => {
    const page = spaPage(emulator());
    const tab = await page.signIn({ storage: persistentStorage('local') });
    await noRotation('not-rotated');
    await tab.getAccessToken({ forceRenew: true });
    const runs = { count: 0 };
    const inner = page.ports.lock!;
    page.ports.lock = { run: (name, signal, task) => (runs.count++, inner.run(name, signal, task)) };
    const before = await countRequests(emulator(), '/oauth/token');
    page.clock.set(tab.getSnapshot().expiresAt! - 30_000); // inside the leeway: the renewal timer fires
    await waitFor(() => tab.getSnapshot().expiresAt! > page.clock.now() + 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a loop would go on meanwhile
    expect(runs.count).toBe(1);
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
    expect(await tab.getAccessToken()).not.toBe('not-rotated');
  });

  it('case-03: a tab following the chain past a non-rotating answer keeps the newest refresh token, not a spent one', async () => {
    const { first, tabA, tabB } = await twoLocalTabs();
    await tabA.getAccessToken({ forceRenew: true }); // rotates: tab B's refresh token is spent now
    const newest = storedSession(first.ports.localStore).refreshToken;
    await noRotation('not-rotated');
    await expect(tabA.getAccessToken({ forceRenew: true })).resolves.toBe('not-rotated');
    await tabB.getAccessToken({ forceRenew: true }); // follows the note from its spent token
    expect(storedSession(first.ports.localStore).refreshToken).toBe(newest);
    // Even with the note gone (evicted, wiped), tab B goes on from the newest token: nothing is revoked.
    await writeNote(first, []);
    await expect(tabB.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    await expect(tabA.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    expect([tabA.getSnapshot().error, tabB.getSnapshot().error]).toEqual([undefined, undefined]);
  });

  it("'session': the note (IndexedDB, outliving the tab) holds no token readable without the session", async () => {
    const page = spaPage(emulator());
    const tab = await page.signIn({ storage: persistentStorage('session') });
    const issued = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const { refreshToken, accessToken } = storedSession(page.ports.sessionStore);
      issued.add(refreshToken).add(accessToken);
      await tab.getAccessToken({ forceRenew: true });
    }
    const { refreshToken, accessToken } = storedSession(page.ports.sessionStore);
    issued.add(refreshToken).add(accessToken);
    const note = (await readNote(page))!;
    expect(JSON.parse(note)).toHaveLength(3);
    for (const token of issued) expect(note).not.toContain(token);
  });

  it('a renewal that is refused (another session) leaves the note: a duplicated tab keeps its family', async () => {
    const [pageA, pageCopy, pageOther] = sameOriginPages(emulator(), 3) as [SpaPage, SpaPage, SpaPage];
    const tabA = await pageA.signIn({ storage: persistentStorage('session') });
    pageCopy.ports.sessionStore.set(SESSION_KEY, pageA.ports.sessionStore.get(SESSION_KEY)!);
    const copy = pageCopy.client({ storage: persistentStorage('session') });
    expect((await copy.start()).status).toBe('authenticated');
    await tabA.getAccessToken({ forceRenew: true }); // spends the refresh token the copy holds
    // Another tab's session, expired, whose refresh token the server refuses: that session ends.
    const past = pageOther.clock.now() - 1;
    pageOther.ports.sessionStore.set(
      SESSION_KEY,
      JSON.stringify({
        ...storedSession(pageA.ports.sessionStore),
        refreshToken: 'refused',
        expiresAt: past,
        renewAt: past,
      }),
    );
    const other = pageOther.client({ storage: persistentStorage('session') });
    expect((await other.start()).status).toBe('unauthenticated');
    await expect(copy.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    await expect(tabA.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
  });

  it('a logout in this tab wipes the note (no copy of the session can follow its family back in)', async () => {
    const { first, tabA } = await twoLocalTabs();
    await tabA.getAccessToken({ forceRenew: true });
    expect(JSON.parse((await readNote(first))!)).toHaveLength(1);
    tabA.logout({ localOnly: true });
    await waitFor(() => first.ports.localStore.get(SESSION_KEY) === null);
    let note: string | null = 'pending';
    await waitFor(() => {
      void readNote(first).then((value) => (note = value));
      return note === null;
    });
    expect(note).toBeNull();
  });

  it('a logout whose note wipe never happens (the tab left for /v2/logout) still ends every copy of the session', async () => {
    // Tab A and a copy of it (a duplicated tab, closed, then reopened with its sessionStorage): one origin,
    // so one localStorage and one lock.
    const [pageA, pageCopy] = sameOriginPages(emulator(), 2) as [SpaPage, SpaPage];
    const tabA = await pageA.signIn({ storage: persistentStorage('session') });
    const copied = pageA.ports.sessionStore.get(SESSION_KEY)!;
    await tabA.getAccessToken({ forceRenew: true }); // the note now holds the answer for the copy's token
    const inner = pageA.ports.lock!;
    pageA.ports.lock = {
      run: (name, signal, task) =>
        inner.run(name, signal, (note) =>
          task({
            read: note.read,
            write: (value) => (value === null ? new Promise(() => undefined) : note.write(value)),
          }),
        ),
    };
    tabA.logout();
    await waitFor(() => pageA.nav.redirects.some((url) => String(url).includes('/v2/logout')));
    await new Promise((resolve) => setTimeout(resolve, 20));
    pageA.clock.advance(10_000); // the wipe times out and frees the lock
    expect(await readNote(pageA)).not.toBeNull(); // the wipe never got there
    pageCopy.ports.sessionStore.set(SESSION_KEY, copied);
    expect((await pageCopy.client({ storage: persistentStorage('session') }).start()).status).toBe(
      'unauthenticated',
    );
    // A copy saved after the logout (it missed it) is restored, but cannot follow the note past the
    // logout: it sends its own, spent, refresh token, and the server refuses it.
    const mark = JSON.parse(pageA.ports.localStore.get(`carto-auth:${DEMO.spaClientId}:logout`)!);
    const savedLater = { ...JSON.parse(copied), logout: mark, expiresAt: 0, renewAt: 0 };
    pageCopy.ports.sessionStore.set(SESSION_KEY, JSON.stringify(savedLater));
    const before = await countRequests(emulator(), '/oauth/token');
    const late = pageCopy.client({ storage: persistentStorage('session') });
    await late.start();
    await waitFor(() => late.getSnapshot().status !== 'loading');
    expect(late.getSnapshot()).toMatchObject({
      status: 'unauthenticated',
      error: { code: 'login_required' },
    });
    expect((await countRequests(emulator(), '/oauth/token')) - before).toBe(1);
  });

  it("'session': a logout heard late by a frozen tab does not end the login made since", async () => {
    const [pageA, pageB] = sameOriginPages(emulator(), 2) as [SpaPage, SpaPage];
    const bus = frozenTabBus();
    pageA.ports.broadcast = bus.sender;
    pageB.ports.broadcast = bus.frozen;
    const storage = () => persistentStorage('session'); // one instance per tab, as each tab has its own page
    const tabA = await pageA.signIn({ storage: storage() });
    pageB.ports.sessionStore.set(SESSION_KEY, pageA.ports.sessionStore.get(SESSION_KEY)!);
    const tabB = pageB.client({ storage: storage() });
    expect((await tabB.start()).status).toBe('authenticated');
    tabA.logout({ localOnly: true });
    await pageA.signIn({ storage: storage() }); // signs in again
    bus.thaw();
    await waitFor(() => tabB.getSnapshot().status === 'unauthenticated');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await pageA.client({ storage: storage() }).start()).status).toBe('authenticated'); // after a reload
  });

  it("'local': a logout heard late neither removes the login made since nor makes its tabs send a spent token", async () => {
    const [pageA, pageB, pageC] = sameOriginPages(emulator(), 3) as [SpaPage, SpaPage, SpaPage];
    const bus = frozenTabBus();
    pageA.ports.broadcast = bus.sender;
    pageB.ports.broadcast = bus.frozen;
    // One instance per tab, as each tab has its own page.
    const storage = () => persistentStorage('local');
    const tabA = await pageA.signIn({ storage: storage() });
    const tabB = pageB.client({ storage: storage() });
    expect((await tabB.start()).status).toBe('authenticated');
    tabA.logout({ localOnly: true });
    // The frozen tab's renewal comes due before the logout reaches it: it renews no more.
    await expect(tabB.getAccessToken({ forceRenew: true })).rejects.toMatchObject({ code: 'login_required' });
    const newA = await pageA.signIn({ storage: storage() });
    const tabC = pageC.client({ storage: storage() });
    expect((await tabC.start()).status).toBe('authenticated');
    await newA.getAccessToken({ forceRenew: true }); // tab C's refresh token is spent now, and noted
    bus.thaw();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pageA.ports.localStore.get(SESSION_KEY)).not.toBeNull(); // the new login's session stays
    await expect(tabC.getAccessToken({ forceRenew: true })).resolves.toEqual(expect.any(String));
    expect(tabC.getSnapshot().error).toBeUndefined();
  });

  it('stop() while an answer is sealed: the answer is still noted under the lock, and the other tab takes it', async () => {
    const { first, tabA, tabB } = await twoLocalTabs();
    const random = first.ports.random;
    let armed = true;
    first.ports.random = () => {
      if (armed) queueMicrotask(() => tabA.stop()); // right before the answer is sealed
      armed = false;
      return random();
    };
    await tabA.getAccessToken({ forceRenew: true }).catch(() => undefined);
    const renewed = await tabB.getAccessToken({ forceRenew: true }).then(
      () => 'renewed',
      (error: { code?: string }) => `error ${error.code}`,
    );
    expect(renewed).toBe('renewed'); // not login_required: the spent refresh token was never sent
  });

  it('a note write gets its own time-out, not what a slow token request left of the effect', async () => {
    const [first, second] = sameOriginPages(emulator(), 2) as [SpaPage, SpaPage];
    const shared = first.ports.lock!;
    const tabA = await first.signIn({ storage: persistentStorage('local') });
    const tabB = second.client({ storage: persistentStorage('local') });
    expect((await tabB.start()).status).toBe('authenticated');
    let writing = false;
    first.ports.lock = {
      run: (name, signal, task) =>
        shared.run(name, signal, (note) =>
          task({
            read: note.read,
            write: (value) => {
              writing = true;
              return new Promise((resolve) => setTimeout(resolve, 100)).then(() => note.write(value));
            },
          }),
        ),
    };
    const sent = first.ports.fetch;
    first.ports.fetch = async (input, init) => {
      const response = await sent(input, init);
      if (String(input instanceof Request ? input.url : input).endsWith('/oauth/token'))
        first.clock.advance(9_900);
      return response;
    };
    const renewA = tabA.getAccessToken({ forceRenew: true });
    await waitFor(() => writing);
    first.clock.advance(200); // the effect's requestTimeoutMs passes while the note is written
    await expect(renewA).resolves.toEqual(expect.any(String));
    const renewB = await tabB.getAccessToken({ forceRenew: true }).then(
      () => 'renewed',
      (error: { code?: string }) => `error ${error.code}`,
    );
    expect(renewB).toBe('renewed');
  });

  it('a note that never answers neither hangs the renewal past requestTimeoutMs nor keeps the lock', async () => {
    const page = spaPage(emulator());
    const tab = await page.signIn({ storage: persistentStorage('local') });
    const inner = page.ports.lock!;
    let stuck = true;
    const stuckNote = (note: LockNote): LockNote => ({
      read: () => (stuck ? new Promise<string | null>(() => undefined) : note.read()),
      write: note.write,
    });
    page.ports.lock = {
      run: (name, signal, task) => inner.run(name, signal, (note) => task(stuckNote(note))),
    };
    const old = await tab.getAccessToken();
    const renewal = tab.getAccessToken({ forceRenew: true }).then(
      (token) => token,
      (error: { code?: string }) => `error ${error.code}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    page.clock.advance(10_000); // requestTimeoutMs
    await expect(renewal).resolves.toBe(old); // still valid: kept, the renewal is retried later
    await expect(inner.run(NOTE_NAME, new AbortController().signal, async () => 'free')).resolves.toBe(
      'free',
    );
    stuck = false;
    page.clock.advance(30_000); // the retry after a failed renewal
    await expect(tab.getAccessToken({ forceRenew: true })).resolves.not.toBe(old);
  });

  it.each([
    ['sealed with another refresh token', 'other-key'],
    ['with a damaged seal', 'damaged'],
    ['in the clear (an older format)', 'clear'],
    ['sealed, but no token set inside', 'no-token-set'],
    ['sealed, with a line break in its access token', 'header-injection'],
  ] as const)('an answer %s is no answer: the tab renews for real', async (_what, forgery) => {
    const page = spaPage(emulator());
    const tab = await page.signIn({ storage: persistentStorage('local') });
    const old = await tab.getAccessToken();
    const { refreshToken } = storedSession(page.ports.localStore);
    const forged = { accessToken: 'forged', refreshToken: 'forged-refresh', expiresIn: 3_600 };
    const receivedAt = page.clock.now();
    const sealedWith = (tokens: object, key: string) =>
      sealAnswer({ tokens: tokens as never, receivedAt }, key, page.ports.random());
    const answer = {
      'other-key': async () => ({
        ...(await sealedWith(forged, 'another token')),
        spent: (await sealedWith(forged, refreshToken)).spent,
      }),
      damaged: async () => {
        const sealed = await sealedWith(forged, refreshToken);
        return { ...sealed, sealed: `${sealed.sealed.slice(0, 8)}AAAA${sealed.sealed.slice(12)}` };
      },
      clear: async () => ({
        spent: (await sealedWith(forged, refreshToken)).spent,
        tokens: forged,
        receivedAt,
      }),
      'no-token-set': () => sealedWith({ refreshToken: 'r' }, refreshToken),
      'header-injection': () =>
        sealedWith({ ...forged, accessToken: 'forged\r\nX-Injected: 1' }, refreshToken),
    }[forgery];
    await writeNote(page, [await answer()]);
    const renewed = await tab.getAccessToken({ forceRenew: true });
    expect(renewed).not.toBe(old);
    expect(renewed).not.toMatch(/^forged/);
    expect(tab.getSnapshot()).toMatchObject({ status: 'authenticated' });
  });

  it('a stored session whose access token has a line break is not restored (requests would throw)', async () => {
    const page = spaPage(emulator());
    await page.signIn({ storage: persistentStorage('session') });
    const session = storedSession(page.ports.sessionStore);
    page.ports.sessionStore.set(
      SESSION_KEY,
      JSON.stringify({ ...session, accessToken: 'forged\r\nX-Injected: 1' }),
    );
    const reloaded = page.client({ storage: persistentStorage('session') });
    expect((await reloaded.start()).status).toBe('unauthenticated');
  });
});
