import type { ClockPort } from './types';

/**
 * The host's real clock. `unref` (Node) keeps a scheduled renewal from holding a server process open.
 */
export function systemClock(): ClockPort {
  return {
    now: () => Date.now(),
    setTimer(callback, delayMs) {
      const handle = setTimeout(callback, delayMs) as unknown as { unref?: () => void };
      handle.unref?.();
      return handle;
    },
    clearTimer: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
  };
}
