/**
 * Debian's headless Chromium through playwright-core (TOOLCHAIN pitfall 12). Playwright gives every
 * `launch()` a fresh temporary profile (`--user-data-dir=/tmp/playwright_chromiumdev_profile-…`, removed
 * on close) and every `newContext()` empty cookies and storage.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The Debian package's binary; `E2E_CHROMIUM` points elsewhere. */
export const CHROMIUM_PATH = process.env['E2E_CHROMIUM'] ?? '/usr/bin/chromium';

/** The flags that make Debian's Chromium quiet and headless as root in a container. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Throws an error naming the install command when Chromium is missing. */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser e2e needs Chromium at ${CHROMIUM_PATH}, which does not exist. Install Debian's package ` +
        '(`apt-get install -y --no-install-recommends chromium fonts-liberation`, as .ci/run does) or set ' +
        'E2E_CHROMIUM to another Chromium binary.',
    );
  }
}

/** Launches Chromium, or fails with the command that installs it. */
export async function launchChromium(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}
