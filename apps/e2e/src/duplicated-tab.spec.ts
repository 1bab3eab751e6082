/**
 * A duplicated tab with `persistentStorage('session')`: the copy starts with the original's
 * sessionStorage, its rotating refresh token included. Both tabs renew at the same moment; they must
 * redeem that refresh token once (a reuse makes the server revoke the family and signs both out).
 * Real Chromium, because only a browser copies sessionStorage into the new tab. One sample is enough:
 * the coordination is the core's (persistence and the Web Lock), not the framework's.
 */
import type { Browser } from 'playwright-core';

import { DEMO } from '@carto-auth/emulator/testing';

import { assertChromiumInstalled, launchChromium } from './support/browser';
import { ensureSampleBuilt } from './support/build-sample';
import { eventually, SampleTab } from './support/sample-tab';
import { SAMPLES } from './support/samples';
import { startSampleStack, type SampleStack } from './support/stack';

const sample = SAMPLES.find((candidate) => candidate.name === 'vue') ?? SAMPLES[0]!;
/** 12 s tokens: both tabs schedule their renewal 9 s after the login, at the same moment. */
const TTL_SECONDS = 12;

describe(`case-02: a duplicated tab (${sample.name} sample, CARTO_STORAGE=session)`, () => {
  let browser: Browser | undefined;
  let stack: SampleStack | undefined;
  const tabs: SampleTab[] = [];

  beforeAll(async () => {
    assertChromiumInstalled();
    const build = ensureSampleBuilt(sample);
    if (build.built) process.stdout.write(`e2e: built the ${sample.name} sample in ${build.ms} ms\n`);
    [browser, stack] = await Promise.all([
      launchChromium(),
      startSampleStack(sample, { storages: ['session'], emulator: { accessTokenTtl: TTL_SECONDS } }),
    ]);
  }, 360_000);

  afterAll(async () => {
    await Promise.allSettled(tabs.map((tab) => tab.close()));
    await Promise.allSettled([browser?.close(), stack?.close()]);
  });

  it('and its original redeem their shared refresh token once, and both stay signed in', async () => {
    const emulator = stack!.emulator;
    const original = await SampleTab.open(browser!, stack!.origin('session'), emulator);
    tabs.push(original);
    await original.goto('/');
    await original.loginAs(DEMO.users.demo);
    const copy = await original.openDuplicate();
    tabs.push(copy);
    await copy.waitForStatus('authenticated'); // restored from the copied sessionStorage
    await copy.waitForText('user-email', DEMO.users.demo);
    const tokenAnswers = async () =>
      (await emulator.admin.requests())
        .filter((r) => r.method === 'POST' && r.path === '/oauth/token' && r.status !== 0)
        .map((r) => r.status);
    // The code exchange, then two renewal rounds: the second proves the first revoked nothing.
    await eventually(
      async () => (await tokenAnswers()).length >= 3,
      async () => `fewer than two renewals reached the token endpoint. ${await original.describe()}`,
      (2 * TTL_SECONDS + 10) * 1000,
    );
    expect(await tokenAnswers()).not.toContain(400); // no invalid_grant: no refresh token was reused
    for (const tab of [original, copy]) {
      await tab.waitForStatus('authenticated');
      expect(await tab.byTestId('error').count()).toBe(0);
      expect(tab.pageErrors).toEqual([]);
    }
  });
});
