/**
 * The browser samples in Debian's Chromium against the real CARTO emulator (DESIGN §5, §6.4). One spec
 * for every sample in `SAMPLES`: it touches the apps only through the shared `data-testid`s and the
 * emulator's pages only through their form fields, so it knows nothing of the framework underneath.
 */
import type { Browser } from 'playwright-core';

import { DEMO } from '@carto-auth/emulator/testing';

import { assertChromiumInstalled, launchChromium } from './support/browser';
import { ensureSampleBuilt } from './support/build-sample';
import { countAuthorize, countRequests, eventually, SampleTab } from './support/sample-tab';
import { SAMPLES, type SampleApp } from './support/samples';
import { assertRunning, startSampleStack, type SampleStack, type StorageMode } from './support/stack';

const SQL_PATH = `/v3/sql/${DEMO.connection}/query`;
/** "Nothing happens for this long" windows: the only fixed waits in this file. */
const QUIET_MS = 2_000;

/** A JWT (header and payload are base64url JSON objects) anywhere in a string. */
const JWT = /eyJ[\w-]+\.eyJ[\w-]+/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(SAMPLES.map((sample) => [sample.name, sample] as const))(
  '%s sample in Chromium',
  (_name, sample: SampleApp) => {
    let browser: Browser | undefined;
    let stack: SampleStack | undefined;
    let tab: SampleTab | undefined;
    /** Stacks a test started for itself (other emulator options), closed after it. */
    const extraStacks: SampleStack[] = [];

    beforeAll(async () => {
      assertChromiumInstalled(); // before a build that may take half a minute
      const build = ensureSampleBuilt(sample);
      if (build.built) process.stdout.write(`e2e: built the ${sample.name} sample in ${build.ms} ms\n`);
      [browser, stack] = await Promise.all([
        launchChromium(),
        startSampleStack(sample, { storages: ['memory', 'session'] }),
      ]);
    }, 360_000);

    afterAll(async () => {
      await tab?.close().catch(() => undefined);
      await Promise.allSettled([browser?.close(), stack?.close()]);
    });

    beforeEach(async () => {
      if (!stack) throw new Error(`The ${sample.name} sample's set-up failed: see the beforeAll error.`);
      assertRunning(stack);
      await stack.emulator.admin.reset();
    });

    afterEach(async () => {
      const errors = tab?.pageErrors ?? [];
      const urls = (tab?.requests ?? []).map((request) => request.url.href);
      await tab?.close();
      tab = undefined;
      await Promise.allSettled(extraStacks.splice(0).map((extra) => extra.close()));
      // An uncaught exception in the app is a bug even when the flow recovered.
      expect(errors).toEqual([]);
      // case-26: tokens travel only in the Authorization header, never in a URL.
      expect(urls.filter((url) => JWT.test(url))).toEqual([]);
    });

    /** Opens a new context on the sample (`storage` picks the static server) at `path`. */
    async function open(
      path = '/',
      storage: StorageMode = 'memory',
      on: SampleStack = stack!,
    ): Promise<SampleTab> {
      tab = await SampleTab.open(browser!, on.origin(storage), on.emulator);
      await tab.goto(path);
      return tab;
    }

    it('signs in as the demo user, counts the token down, queries the SQL API and uses a scoped API access token', async () => {
      const t = await open('/');
      await t.waitForStatus('unauthenticated');
      await t.loginAs(DEMO.users.demo);
      await t.waitForText('user-email', DEMO.users.demo);

      // A live countdown: the text changes while we watch.
      const firstExpiry = ((await t.byTestId('token-expiry').textContent()) ?? '').trim();
      expect(firstExpiry).not.toBe('');
      await eventually(
        async () => ((await t.byTestId('token-expiry').textContent()) ?? '').trim() !== firstExpiry,
        () => `token-expiry kept showing ${JSON.stringify(firstExpiry)}`,
        5_000,
      );

      // SQL with the user's token: rows in the table, one point per city on the map.
      await t.click('run-query');
      const rows = t.byTestId('query-table').locator('tr:has(td)');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await t.byTestId('query-map').locator('circle').count()).toBeGreaterThan(0);
      const sqlAfterQuery = (await stack!.emulator.admin.requests()).filter(
        (r) => r.path === SQL_PATH && r.method !== 'OPTIONS',
      );
      expect(sqlAfterQuery.map((r) => r.status)).toEqual([200]);

      // A scoped API access token from the Tokens API, then rows read with it.
      await t.click('create-token');
      const apiToken = await t.waitForText('api-token', /\d+\s+rows?\b/);
      expect(apiToken).toMatch(/[A-Za-z0-9_-]{12,}/);
      expect(Number(/(\d+)\s+rows?\b/.exec(apiToken)?.[1])).toBeGreaterThan(0);
      const log = await stack!.emulator.admin.requests();
      const created = log.findIndex((r) => r.method === 'POST' && r.path === '/v3/tokens');
      expect(log[created]?.status).toBeGreaterThanOrEqual(200);
      expect(log[created]?.status).toBeLessThan(300);
      expect(
        log
          .slice(created + 1)
          .filter((r) => r.path === SQL_PATH && r.method !== 'OPTIONS')
          .map((r) => r.status),
      ).toEqual([200]);

      // The whole start-up is in the log, its first transition included, in every sample.
      await t.waitForText('transition-log', 'authenticated');
      await t.waitForText('transition-log', 'startRequested → loading', 1_000);
      expect(await t.byTestId('error').count()).toBe(0);
    });

    it('keeps the session across a reload when CARTO_STORAGE is session', async () => {
      const t = await open('/', 'session');
      await t.loginAs(DEMO.users.demo);
      await t.reload();
      await t.waitForStatus('authenticated');
      await t.waitForText('user-email', DEMO.users.demo);
      expect(await countAuthorize(stack!.emulator)).toBe(1);
      expect(await t.byTestId('error').count()).toBe(0);
    });

    it('forgets the session on reload with the default in-memory storage, without an error', async () => {
      const t = await open('/');
      await t.loginAs(DEMO.users.demo);
      await t.reload();
      await t.waitForStatus('unauthenticated');
      expect(await t.byTestId('error').count()).toBe(0);
      expect(await t.byTestId('user-email').count()).toBe(0);
      expect(await countAuthorize(stack!.emulator)).toBe(1);
    });

    it('renews the access token with the refresh token before it expires and keeps working past its expiry', async () => {
      // Its own emulator: 12 s tokens, so the core renews at expiry minus min(60 s, 12 s / 4) = 9 s.
      const ttlSeconds = 12;
      const shortLived = await startSampleStack(sample, { emulator: { accessTokenTtl: ttlSeconds } });
      extraStacks.push(shortLived);
      const t = await open('/', 'memory', shortLived);
      await t.loginAs(DEMO.users.demo);
      const tokenRequests = async () =>
        (await shortLived.emulator.admin.requests()).filter(
          (r) => r.method === 'POST' && r.path === '/oauth/token',
        );
      const sqlStatuses = async () =>
        (await shortLived.emulator.admin.requests())
          .filter((r) => r.path === SQL_PATH && r.method !== 'OPTIONS')
          .map((r) => r.status);
      const [exchange] = await tokenRequests();
      expect(exchange?.status).toBe(200);
      const firstExpiry = exchange!.at + ttlSeconds * 1000;

      // A query with the first token (this also warms up the emulator's SQL engine meanwhile).
      await t.click('run-query');
      await t.byTestId('query-table').locator('tr:has(td)').first().waitFor();
      expect(await sqlStatuses()).toEqual([200]);

      // The renewal, answered (the log shows status 0 while a request is in flight).
      await eventually(
        async () => (await tokenRequests()).filter((r) => r.status !== 0).length >= 2,
        async () => `no renewal reached the token endpoint. ${await t.describe()}`,
        (ttlSeconds + 10) * 1000,
      );
      const grants = t.requests
        .filter((r) => r.method === 'POST' && r.url.pathname === '/oauth/token')
        .map((r) => new URLSearchParams(r.postData ?? '').get('grant_type'));
      expect(grants.slice(0, 2)).toEqual(['authorization_code', 'refresh_token']);
      expect((await tokenRequests()).filter((r) => r.status !== 0 && r.status !== 200)).toEqual([]);

      // Stay on the page until the first access token has expired, then query again.
      await eventually(
        () => Date.now() > firstExpiry + 1000,
        () => 'the clock stopped',
        (ttlSeconds + 5) * 1000,
      );
      await t.waitForStatus('authenticated');
      await t.click('run-query');
      // The second query carried the renewed token: 200 at once, no 401 and retry.
      await eventually(
        async () => (await sqlStatuses()).filter((status) => status !== 0).length >= 2,
        async () => `the second query never reached the SQL API. ${await t.describe()}`,
      );
      expect(await sqlStatuses()).toEqual([200, 200]);
      await t.byTestId('query-table').locator('tr:has(td)').first().waitFor();
      await t.waitForStatus('authenticated');
      expect(await t.byTestId('error').count()).toBe(0);
      expect(await countAuthorize(shortLived.emulator)).toBe(1);
    });

    it('case-02: two tabs sharing localStorage redeem each rotating refresh token once, and both keep working', async () => {
      // 12 s tokens: both tabs schedule the renewal for the same moment (the second restored the first's session).
      const ttlSeconds = 12;
      const shared = await startSampleStack(sample, {
        storages: ['local'],
        emulator: { accessTokenTtl: ttlSeconds },
      });
      extraStacks.push(shared);
      const first = await open('/', 'local', shared);
      await first.loginAs(DEMO.users.demo);
      const second = await first.openSibling();
      await second.goto('/');
      await second.waitForStatus('authenticated');
      await second.waitForText('user-email', DEMO.users.demo);
      const tokenRequests = async () =>
        (await shared.emulator.admin.requests()).filter(
          (r) => r.method === 'POST' && r.path === '/oauth/token' && r.status !== 0,
        );
      // Two renewal rounds: the second proves the first left no reused (hence revoked) token behind.
      await eventually(
        async () => (await tokenRequests()).length >= 3,
        async () => `fewer than two renewals reached the token endpoint. ${await first.describe()}`,
        (2 * ttlSeconds + 10) * 1000,
      );
      await sleep(QUIET_MS);
      // No invalid_grant: the tab that waited for the lock took the answer its holder left.
      expect((await tokenRequests()).filter((r) => r.status !== 200)).toEqual([]);
      const redeemed = [...first.requests, ...second.requests]
        .filter((r) => r.method === 'POST' && r.url.pathname === '/oauth/token')
        .map((r) => new URLSearchParams(r.postData ?? '').get('refresh_token'))
        .filter((token): token is string => token !== null);
      expect(redeemed.length).toBeGreaterThanOrEqual(2);
      expect(new Set(redeemed).size).toBe(redeemed.length); // each refresh token redeemed once, across both tabs
      for (const t of [first, second]) {
        await t.waitForStatus('authenticated');
        expect(await t.byTestId('error').count()).toBe(0);
      }
      await second.click('run-query');
      await second.byTestId('query-table').locator('tr:has(td)').first().waitFor();
      expect(second.pageErrors).toEqual([]);

      // The lock's note (IndexedDB) holds tokens: logging out removes it with the stored session.
      const storedTokens = () =>
        first.page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const opening = indexedDB.open('carto-auth');
              opening.onsuccess = () => {
                const count = opening.result.transaction('notes').objectStore('notes').count();
                // Every key but the logout mark (a time, no token).
                const keys = Object.keys(localStorage).filter((key) => !key.endsWith(':logout'));
                count.onsuccess = () => resolve(count.result + keys.length);
              };
            }),
        );
      expect(await storedTokens()).toBe(2); // the session in localStorage, the last rotation in the note
      await first.newDocumentAfter(() => first.click('logout'));
      await first.waitForStatus('unauthenticated');
      expect(await storedTokens()).toBe(0);
    });

    it('logs out, ending the emulator session, so the next login shows the login form again', async () => {
      const t = await open('/');
      await t.loginAs(DEMO.users.demo);
      await t.newDocumentAfter(() => t.click('logout'));
      await t.waitForStatus('unauthenticated');
      expect(await countRequests(stack!.emulator, 'GET', '/v2/logout')).toBe(1);
      expect(await t.byTestId('error').count()).toBe(0);

      await t.click('login');
      await t.waitForLoginForm();
      await t.submitLoginForm(DEMO.users.demo);
      await t.waitForApp();
      await t.waitForStatus('authenticated');
    });

    it('Back from the login page leaves a usable page: not stuck loading, and Log in works again', async () => {
      const t = await open('/');
      await t.waitForStatus('unauthenticated');
      await t.click('login');
      await t.waitForLoginForm();
      await t.page.goBack({ waitUntil: 'domcontentloaded' });
      await t.waitForApp();
      // Loaded afresh here (headless Chromium keeps no back/forward cache for these pages); a browser that
      // shows it from the cache fires pageshow instead, covered by the core's test with the same name.
      await t.waitForStatus('unauthenticated');
      await t.click('login');
      await t.waitForLoginForm();
      await t.submitLoginForm(DEMO.users.demo);
      await t.waitForApp();
      await t.waitForStatus('authenticated');
      expect(await t.byTestId('error').count()).toBe(0);
    });

    it('signs in a member of the SSO organization with login-sso', async () => {
      const t = await open('/');
      await t.click('login-sso');
      await t.waitForLoginForm();
      const authorize = t.requests.find((r) => r.url.pathname === '/authorize');
      expect(authorize?.url.searchParams.get('organization')).toBe(DEMO.organization);
      // The emulator's login page names the organization the login is for.
      await t.page.getByTestId('organization').waitFor();
      await t.submitLoginForm(DEMO.users.sso);
      await t.waitForApp();
      await t.waitForStatus('authenticated');
      await t.waitForText('user-email', DEMO.users.sso);
      // The signed-in user's organization is on the page (the SSO button that names it is gone).
      await t.page.getByText(DEMO.organization).first().waitFor();
      expect(await t.byTestId('error').count()).toBe(0);
    });

    it('shows authorize_failed when a non-member uses login-sso, and starts no second login', async () => {
      const t = await open('/');
      await t.click('login-sso');
      await t.submitLoginForm(DEMO.users.demo);
      await t.waitForApp();
      await t.waitForText('error', 'authorize_failed');
      await t.waitForStatus('error');
      expect(await countAuthorize(stack!.emulator)).toBe(1);
      await sleep(QUIET_MS);
      expect(await countAuthorize(stack!.emulator)).toBe(1);
      expect(t.url().origin).toBe(t.origin);
      await t.waitForText('error', 'authorize_failed');
    });

    it('sends new@carto.test to the sign-up page once and signs them in when they come back', async () => {
      const t = await open('/');
      await t.click('login');
      await t.submitLoginForm(DEMO.users.signup);
      const authOrigin = new URL(stack!.emulator.authUrl).origin;
      await t.page.waitForURL((url) => url.origin === authOrigin && url.pathname.startsWith('/app'), {
        waitUntil: 'domcontentloaded',
      });
      await t.submitEmulatorForm();
      await t.waitForStatus('authenticated', 30_000);
      await t.waitForText('user-email', DEMO.users.signup);
      expect(t.url().origin).toBe(t.origin);
      const log = await stack!.emulator.admin.requests();
      const signupPages = log.filter((r) => r.path.startsWith('/app'));
      expect(signupPages.map((r) => r.method)).toEqual(['GET', 'POST']);
      // The login before sign-up and the forced one after it.
      expect(log.filter((r) => r.method === 'GET' && r.path === '/authorize')).toHaveLength(2);
      expect(await t.byTestId('error').count()).toBe(0);
    });

    it('case-04: an access_denied callback for a login the guard started shows the error and starts no new login', async () => {
      const t = await open('/');
      await t.waitForStatus('unauthenticated');
      // The guard's login asks for no organization; add one the demo user is not a member of, so the
      // emulator itself answers `?error=access_denied&error_description=…&state=<ours>` on /callback.
      await t.page.route(
        (url) => url.href.startsWith(`${stack!.emulator.authUrl}/authorize?`),
        async (route) => {
          const url = new URL(route.request().url());
          url.searchParams.set('organization', DEMO.organization);
          await route.continue({ url: url.href });
        },
        { times: 1 },
      );
      await t.goto(sample.guardedPath);
      await t.submitLoginForm(DEMO.users.demo);
      await t.waitForApp();
      await t.waitForText('error', 'authorize_failed');
      await t.waitForStatus('error');
      const callback = t.requests.find((r) => r.url.origin === t.origin && r.url.pathname === '/callback');
      expect(callback?.url.searchParams.get('error')).toBe('access_denied');
      expect(callback?.url.searchParams.get('state')).toBe(
        t.requests.find((r) => r.url.pathname === '/authorize')?.url.searchParams.get('state'),
      );
      // No redirect loop: the guarded route does not start another login.
      await sleep(QUIET_MS);
      expect(await countAuthorize(stack!.emulator)).toBe(1);
      expect(t.url().origin).toBe(t.origin);
      await t.waitForStatus('error');
    });

    it('case-24: opening the guarded route signed out logs in once and lands back on it, query and hash kept, signed in', async () => {
      // A deep link: the login must bring back all of it, not only the path.
      const deepLink = `${sample.guardedPath}?tab=2&q=a%20b#section`;
      const t = await open(deepLink);
      await t.submitLoginForm(DEMO.users.demo);
      await t.waitForApp();
      await t.waitForStatus('authenticated');
      const here = () => `${t.url().pathname}${t.url().search}${t.url().hash}`;
      await eventually(
        () => here() === deepLink,
        () => `the tab ended on ${t.url().href}, not on ${deepLink}`,
      );
      await t.click('run-query');
      await t.byTestId('query-table').locator('tr:has(td)').first().waitFor();
      await sleep(QUIET_MS);
      expect(await countAuthorize(stack!.emulator)).toBe(1);
      expect(t.url().pathname).toBe(sample.guardedPath);
    });

    it('case-24: loading the guarded route with a stored session waits for the restore instead of starting a login', async () => {
      const t = await open('/', 'session');
      await t.loginAs(DEMO.users.demo);
      await t.goto(sample.guardedPath);
      await t.waitForStatus('authenticated');
      await sleep(QUIET_MS);
      expect(await countAuthorize(stack!.emulator)).toBe(1);
      expect(t.url().pathname).toBe(sample.guardedPath);
      await t.waitForStatus('authenticated');
    });
  },
);
