/**
 * State shared by both servers of one emulator: clock, faults, request log and sign-up progress.
 */
import { EmulatorClock } from './clock.js';
import type { DirectoryUser } from './directory.js';
import { FaultStore } from './http/faults.js';
import { RequestLog } from './http/request-log.js';

/** Mutable state of one running emulator. */
export class EmulatorState {
  readonly clock = new EmulatorClock();
  readonly faults = new FaultStore();
  readonly requests = new RequestLog();
  /** `sub`s of users who finished sign-up in the emulated CARTO app. */
  readonly #signedUp = new Set<string>();
  readonly #resetHooks: (() => void)[] = [];

  /** Whether the user has `user_metadata` (CARTO.md §2): always, unless sign-up is pending. */
  hasUserMetadata(user: DirectoryUser): boolean {
    return !user.needsSignup || this.#signedUp.has(user.sub);
  }

  /** Marks the user as signed up: `user_metadata` is present from now on. */
  finishSignup(user: DirectoryUser): void {
    this.#signedUp.add(user.sub);
  }

  /** Registers state owned elsewhere (e.g. API access tokens) to clear on reset. */
  onReset(hook: () => void): void {
    this.#resetHooks.push(hook);
  }

  /** Clears faults, clock offset, request log, sign-up progress and every registered part. */
  reset(): void {
    this.faults.clear();
    this.clock.setOffsetSeconds(0);
    this.requests.clear();
    this.#signedUp.clear();
    for (const hook of this.#resetHooks) hook();
  }
}
