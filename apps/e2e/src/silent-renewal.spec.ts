/**
 * Silent renewal (`renew: 'silent'`): without a refresh token, the core renews through a hidden
 * `prompt=none` authorize in an iframe, in Debian's Chromium against the real emulator. One sample is
 * enough: the iframe, its landing and its removal are the core's (browser ports), not the framework's.
 */
import type { Browser } from 'playwright-core';

import { DEMO } from '@carto-auth/emulator/testing';

import { assertChromiumInstalled, launchChromium } from './support/browser';
import { ensureSampleBuilt } from './support/build-sample';
import { eventually, SampleTab } from './support/sample-tab';
import { SAMPLES } from './support/samples';
import { startSampleStack, type SampleStack } from './support/stack';

const sample = SAMPLES.find((candidate) => candidate.name === 'vue') ?? SAMPLES[0]!;
const SQL_PATH = `/v3/sql/${DEMO.connection}/query`;
/** 12 s tokens: the core renews at expiry minus min(60 s, 12 s / 4) = 9 s after the login. */
const TTL_SECONDS = 12;

describe(`silent renewal in Chromium (${sample.name} sample, CARTO_RENEW=silent)`, () => {
  let browser: Browser | undefined;
  let stack: SampleStack | undefined;
  let tab: SampleTab | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    const build = ensureSampleBuilt(sample);
    if (build.built) process.stdout.write(`e2e: built the ${sample.name} sample in ${build.ms} ms\n`);
    [browser, stack] = await Promise.all([
      launchChromium(),
      startSampleStack(sample, {
        emulator: { accessTokenTtl: TTL_SECONDS },
        env: { CARTO_RENEW: 'silent' },
      }),
    ]);
  }, 360_000);

  afterAll(async () => {
    await tab?.close().catch(() => undefined);
    await Promise.allSettled([browser?.close(), stack?.close()]);
  });

  it('renews through a hidden prompt=none authorize, removes its iframe, and keeps working past the expiry', async () => {
    const emulator = stack!.emulator;
    tab = await SampleTab.open(browser!, stack!.origin(), emulator);
    const t = tab;
    await t.goto('/');
    await t.loginAs(DEMO.users.demo);
    const log = async () => (await emulator.admin.requests()).filter((r) => r.status !== 0);
    const [exchange] = (await log()).filter((r) => r.method === 'POST' && r.path === '/oauth/token');
    expect(exchange?.status).toBe(200);
    const firstExpiry = exchange!.at + TTL_SECONDS * 1000;

    // The renewal: a second authorize (no user in sight) and a second code exchange, both answered.
    const tokenPosts = () =>
      t.requests.filter((r) => r.method === 'POST' && r.url.pathname === '/oauth/token');
    await eventually(
      async () =>
        tokenPosts().length >= 2 &&
        (await log()).filter((r) => r.method === 'POST' && r.path === '/oauth/token').length >= 2,
      async () => `no silent renewal reached the token endpoint. ${await t.describe()}`,
      (TTL_SECONDS + 10) * 1000,
    );
    const authorizes = t.requests.filter((r) => r.url.pathname === '/authorize');
    expect(authorizes.map((r) => r.url.searchParams.get('prompt'))).toEqual([null, 'none']);
    expect(authorizes.map((r) => r.url.searchParams.get('response_mode'))).toEqual([null, 'web_message']);
    const grants = tokenPosts().map((r) => new URLSearchParams(r.postData ?? '').get('grant_type'));
    expect(grants.slice(0, 2)).toEqual(['authorization_code', 'authorization_code']);
    expect((await log()).filter((r) => r.path === '/oauth/token' && r.status !== 200)).toEqual([]);
    // The frame went as soon as its page posted the answer: nothing of the renewal stays in the page.
    await eventually(
      async () => (await t.page.locator('iframe').count()) === 0,
      async () => `the hidden iframe is still in the page. ${await t.describe()}`,
    );

    // Past the first token's expiry, a query goes out with the renewed token and is answered at once.
    await eventually(
      () => Date.now() > firstExpiry + 1000,
      () => 'the clock stopped',
      (TTL_SECONDS + 5) * 1000,
    );
    await t.waitForStatus('authenticated');
    await t.click('run-query');
    await t.byTestId('query-table').locator('tr:has(td)').first().waitFor();
    const sqlStatuses = (await log())
      .filter((r) => r.path === SQL_PATH && r.method === 'GET')
      .map((r) => r.status);
    expect(sqlStatuses).toEqual([200]);
    expect(await t.byTestId('error').count()).toBe(0);
    expect(t.pageErrors).toEqual([]);
  });
});
