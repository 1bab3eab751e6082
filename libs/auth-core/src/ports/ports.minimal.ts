import { memoryStorage } from './ports.memory';
import { generateRandomState } from 'oauth4webapi';
import { systemClock } from './system-clock';
import type { NavigationPort, Ports } from './types';

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

/**
 * Ports for a strategy that only ever calls `fetch` (API access tokens): nothing else is bundled. The
 * runtime asks such a strategy for no navigation, storage, randomness or timer, so those ports are
 * left out. A permanent token never expires, so its clock may stand still: the hot path then reads no
 * real clock at all.
 */
export function fetchOnlyPorts(): Ports {
  const ports: Pick<Ports, 'fetch'> & { clock: Pick<Ports['clock'], 'now'> } = {
    fetch: (input, init) => globalThis.fetch(input, init),
    clock: { now: () => 0 },
  };
  return ports as Ports;
}
