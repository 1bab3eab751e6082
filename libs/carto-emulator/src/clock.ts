/**
 * The emulator's clock: real time plus an offset set through `POST /__admin/clock`.
 *
 * oidc-provider and jose read `Date.now()` deep inside; to make the tokens the emulator issues and
 * validates follow the shifted time without forking them, `Date.now` is wrapped once per process and
 * returns the shifted time only inside a request an emulator is handling (tracked with
 * AsyncLocalStorage). Code outside emulator requests, including the host process of an in-process
 * emulator, always sees the real time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface ClockPatch {
  readonly realNow: () => number;
  readonly current: AsyncLocalStorage<EmulatorClock>;
}

const PATCH_KEY = Symbol.for('@carto-auth/emulator.clock');

function installPatch(): ClockPatch {
  const holder = globalThis as { [PATCH_KEY]?: ClockPatch };
  const existing = holder[PATCH_KEY];
  if (existing) return existing;
  const realNow = Date.now.bind(Date);
  const current = new AsyncLocalStorage<EmulatorClock>();
  const patch: ClockPatch = { realNow, current };
  Date.now = function now(): number {
    const clock = current.getStore();
    return clock ? realNow() + clock.offsetMs : realNow();
  };
  holder[PATCH_KEY] = patch;
  return patch;
}

/** A clock with an adjustable offset from real time. */
export class EmulatorClock {
  #offsetMs = 0;
  readonly #patch = installPatch();

  /** The offset from real time, in milliseconds. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Sets the offset from real time, in seconds (may be negative). */
  setOffsetSeconds(seconds: number): void {
    this.#offsetMs = Math.round(seconds * 1000);
  }

  /** The shifted time in epoch milliseconds. */
  now(): number {
    return this.#patch.realNow() + this.#offsetMs;
  }

  /** The shifted time as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** The shifted time in epoch seconds. */
  epochSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Runs `fn` (and everything it awaits) with `Date.now()` following this clock. */
  run<T>(fn: () => T): T {
    return this.#patch.current.run(this, fn);
  }
}
