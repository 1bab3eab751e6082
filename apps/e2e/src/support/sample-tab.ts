/**
 * A browser tab on a sample app, driven only through the shared `data-testid`s (DESIGN §5) and, on the
 * emulator's pages, through form field names. Every wait auto-waits (Playwright locators, `waitForURL`)
 * or polls; failures say what the page showed instead.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

import { DEMO, type TestEmulator } from '@carto-auth/emulator/testing';

/** The public snapshot statuses (DESIGN §2). */
export type AuthStatus = 'idle' | 'loading' | 'authenticated' | 'unauthenticated' | 'error';

/** A request the page sent, as Playwright saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  postData: string | null;
}

const DEFAULT_TIMEOUT = 15_000;

/** Polls `check` until it returns something truthy; `describe` explains a time-out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  describe: () => Promise<string> | string,
  timeoutMs = DEFAULT_TIMEOUT,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** How many requests the emulator saw for `method path` (the path without query). */
export async function countRequests(emulator: TestEmulator, method: string, path: string): Promise<number> {
  const log = await emulator.admin.requests();
  return log.filter((entry) => entry.method === method && entry.path === path).length;
}

/** Navigations to the authorize endpoint (each login, silent or not, is one). */
export const countAuthorize = (emulator: TestEmulator) => countRequests(emulator, 'GET', '/authorize');

/** Token endpoint calls: the code exchange and every renewal. */
export const countTokenRequests = (emulator: TestEmulator) => countRequests(emulator, 'POST', '/oauth/token');

export class SampleTab {
  /** Uncaught exceptions in the app's pages (`pageerror`). */
  readonly pageErrors: string[] = [];
  /** Every request the tab sent, in order. */
  readonly requests: SeenRequest[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    /** The sample's origin, e.g. `http://127.0.0.1:41234`. */
    readonly origin: string,
    readonly emulator: TestEmulator,
  ) {
    page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('request', (request) =>
      this.requests.push({
        method: request.method(),
        url: new URL(request.url()),
        postData: request.postData(),
      }),
    );
  }

  /** A new context (empty cookies and storage) with one tab. */
  static async open(browser: Browser, origin: string, emulator: TestEmulator): Promise<SampleTab> {
    const context = await browser.newContext();
    context.setDefaultTimeout(DEFAULT_TIMEOUT);
    context.setDefaultNavigationTimeout(20_000);
    const page = await context.newPage();
    return new SampleTab(context, page, origin, emulator);
  }

  /** A second tab in the same context: same origin, same localStorage, same Web Locks. */
  async openSibling(): Promise<SampleTab> {
    return new SampleTab(this.context, await this.context.newPage(), this.origin, this.emulator);
  }

  /**
   * A copy of this tab, as the browser's "Duplicate tab" makes: `window.open` of the same page, which
   * starts with a copy of this tab's sessionStorage.
   */
  async openDuplicate(): Promise<SampleTab> {
    const [page] = await Promise.all([
      this.context.waitForEvent('page'),
      this.page.evaluate(() => void window.open(location.href, '_blank')),
    ]);
    return new SampleTab(this.context, page, this.origin, this.emulator);
  }

  /** The element with this `data-testid`. */
  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /** Opens `path` of the sample (waits for `domcontentloaded`, TOOLCHAIN pitfall 12). */
  async goto(path = '/'): Promise<void> {
    await this.page.goto(new URL(path, this.origin).href, { waitUntil: 'domcontentloaded' });
  }

  /** Reloads the page (a new document: the app starts again). */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'domcontentloaded' });
  }

  /** Text of `auth-status`, trimmed. */
  async status(): Promise<string> {
    return ((await this.byTestId('auth-status').textContent()) ?? '').trim();
  }

  /** Waits until `auth-status` reads exactly `status`. */
  async waitForStatus(status: AuthStatus, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
    await this.waitForText('auth-status', new RegExp(`^\\s*${status}\\s*$`), timeoutMs);
  }

  /** Waits until the `data-testid` element's text matches `expected` (a substring or a RegExp). */
  async waitForText(testId: string, expected: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<string> {
    const locator = this.byTestId(testId).filter({ hasText: expected }).first();
    try {
      await locator.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      throw new Error(
        `Expected [data-testid=${testId}] to show ${String(expected)}. ${await this.describe()}`,
      );
    }
    return ((await locator.textContent()) ?? '').trim();
  }

  /** Waits for a visible element with this `data-testid`. */
  async waitForTestId(testId: string, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
    const locator = this.byTestId(testId).first();
    try {
      await locator.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      throw new Error(`Expected a visible [data-testid=${testId}]. ${await this.describe()}`);
    }
    return locator;
  }

  /** Clicks the element with this `data-testid` (auto-waits until it is visible and enabled). */
  async click(testId: string): Promise<void> {
    await (await this.waitForTestId(testId)).click();
  }

  /** Waits until the tab shows a page of the sample again (after the emulator's redirects). */
  async waitForApp(timeoutMs = 20_000): Promise<void> {
    await this.page.waitForURL((url) => url.origin === this.origin, {
      waitUntil: 'domcontentloaded',
      timeout: timeoutMs,
    });
  }

  /** Waits for the emulator's login form (fields `email`, `password`) and returns once it is shown. */
  async waitForLoginForm(): Promise<void> {
    try {
      await this.page.locator('input[name="email"]').waitFor({ state: 'visible' });
    } catch {
      throw new Error(`Expected the emulator's login form. ${await this.describe()}`);
    }
    const url = new URL(this.page.url());
    if (url.origin !== new URL(this.emulator.authUrl).origin) {
      throw new Error(`The login form is on ${url.href}, not on the emulator (${this.emulator.authUrl}).`);
    }
  }

  /** Fills in the emulator's login form and submits it. */
  async submitLoginForm(email: string, password: string = DEMO.password): Promise<void> {
    await this.waitForLoginForm();
    await this.page.locator('input[name="email"]').fill(email);
    await this.page.locator('input[name="password"]').fill(password);
    await this.submitEmulatorForm();
  }

  /** Submits the emulator page's form with its one submit button (login and sign-up pages). */
  async submitEmulatorForm(): Promise<void> {
    await this.page.locator('form [type="submit"]').click();
  }

  /**
   * Clicks `button` (`login` or `login-sso`), signs in on the emulator as `email`, and waits until the
   * sample shows `authenticated`.
   */
  async loginAs(email: string, button: 'login' | 'login-sso' = 'login'): Promise<void> {
    await this.click(button);
    await this.submitLoginForm(email);
    await this.waitForApp();
    await this.waitForStatus('authenticated');
  }

  /**
   * Runs `action` (which leaves the page, e.g. logout through the emulator) and waits until a new
   * document of the sample has loaded: a marker set on the old `window` is gone.
   */
  async newDocumentAfter(action: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as Record<string, unknown>)['__cartoE2eOldDocument'] = true;
    });
    await action();
    await eventually(
      async () => {
        if (this.url().origin !== this.origin) return false;
        return this.page
          .evaluate(
            () =>
              !(window as unknown as Record<string, unknown>)['__cartoE2eOldDocument'] &&
              document.readyState !== 'loading',
          )
          .catch(() => false); // the context is being replaced
      },
      async () => `no new document of the sample loaded. ${await this.describe()}`,
      timeoutMs,
      100,
    );
  }

  /** The page's URL, as a `URL`. */
  url(): URL {
    return new URL(this.page.url());
  }

  /** What the tab shows, for failure messages. */
  async describe(): Promise<string> {
    const text = async (id: string) => {
      const locator = this.byTestId(id);
      if ((await locator.count().catch(() => 0)) === 0) return '(absent)';
      return JSON.stringify(
        (
          (await locator
            .first()
            .textContent()
            .catch(() => '')) ?? ''
        )
          .trim()
          .replace(/\s+/g, ' '),
      );
    };
    const lines = [
      `URL: ${this.page.url()}`,
      `auth-status: ${await text('auth-status')}`,
      `error: ${await text('error')}`,
      `transition-log: ${await text('transition-log')}`,
    ];
    if (this.pageErrors.length) lines.push(`page errors: ${this.pageErrors.join(' | ')}`);
    return `The tab shows:\n  ${lines.join('\n  ')}`;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
