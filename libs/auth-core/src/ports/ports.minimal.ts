import { memoryStorage } from './ports.memory';
import { generateRandomState } from 'oauth4webapi';
import { systemClock } from './system-clock';
import type { NavigationPort, Ports, StoragePort } from './types';

/** Navigation where there is no page (servers, SSR): nothing redirects (case-21). */
const inertNavigation: NavigationPort = { currentUrl: () => 'about:blank', redirect() {}, replaceUrl() {} };

/**
 * The smallest working host: global `fetch`, the real clock, in-memory storage, no navigation.
 * The default for M2M, and for SPA clients created where there is no `window` (SSR).
 */
export function minimalPorts(): Ports {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    clock: systemClock(),
    navigation: inertNavigation,
    transientStorage: memoryStorage(),
    sessionStore: memoryStorage(),
    localStore: memoryStorage(),
    random: generateRandomState,
  };
}

const nothingStored: StoragePort = { get: () => null, set() {}, remove() {} };

/** Ports for a strategy that only ever calls `fetch` (API access tokens): nothing else is bundled. */
export function fetchOnlyPorts(): Ports {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    clock: { now: () => Date.now(), setTimer: () => 0, clearTimer() {} },
    navigation: inertNavigation,
    transientStorage: nothingStored,
    sessionStore: nothingStored,
    localStore: nothingStored,
    random: () => '',
  };
}
