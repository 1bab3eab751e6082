import { generateRandomState } from 'oauth4webapi';
import type { ClockPort, LockPort, NavigationPort, Ports, StoragePort, TimerHandle } from './types';

/** A {@link StoragePort} kept in a `Map`: nothing survives the process. */
export function memoryStorage(): StoragePort & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (key) => entries.get(key) ?? null,
    set: (key, value) => void entries.set(key, value),
    remove: (key) => void entries.delete(key),
  };
}

/** A clock that only moves when told to: `advance(ms)` fires due timers in order. */
export interface ManualClock extends ClockPort {
  advance(ms: number): void;
  set(epochMs: number): void;
  /** Number of timers waiting to fire. */
  readonly pending: number;
}

/** Creates a {@link ManualClock} starting at `startMs`. */
export function manualClock(startMs = 0): ManualClock {
  let now = startMs;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const fireDue = () => {
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of timers) if (entry[1].at <= now && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) return;
      timers.delete(due[0]);
      due[1].callback();
    }
  };
  return {
    now: () => now,
    setTimer(callback, delayMs): TimerHandle {
      const id = ++nextId;
      timers.set(id, { at: now + Math.max(0, delayMs), callback });
      return id;
    },
    clearTimer: (handle) => void timers.delete(handle as number),
    advance(ms) {
      now += ms;
      fireDue();
    },
    set(epochMs) {
      now = epochMs;
      fireDue();
    },
    get pending() {
      return timers.size;
    },
  };
}

/** Navigation that records where the client wanted to go, for tests and server rendering. */
export interface RecordingNavigation extends NavigationPort {
  url: string;
  readonly redirects: string[];
  /** Acts as the browser does when Back shows this page again from the back/forward cache. */
  showFromCache(): void;
}

/** Creates a {@link RecordingNavigation} whose current page is `url`. */
export function recordingNavigation(
  url = 'http://127.0.0.1/',
  silentAuthorize?: NavigationPort['silentAuthorize'],
): RecordingNavigation {
  const restoreListeners = new Set<() => void>();
  const nav: RecordingNavigation = {
    url,
    redirects: [],
    currentUrl: () => nav.url,
    redirect: (to) => void nav.redirects.push(to),
    replaceUrl: (to) => void (nav.url = to),
    onRestore(listener) {
      restoreListeners.add(listener);
      return () => void restoreListeners.delete(listener);
    },
    showFromCache: () => restoreListeners.forEach((listener) => listener()),
  };
  if (silentAuthorize) nav.silentAuthorize = silentAuthorize;
  return nav;
}

/**
 * A {@link LockPort} for one process: holders of a name run one after the other, in request order, and
 * share its note. Give two clients the same one to model two tabs of an origin.
 */
export function memoryLock(): LockPort {
  const queues = new Map<string, Promise<unknown>>();
  const notes = memoryStorage();
  return {
    run(name, signal, task) {
      const note = {
        read: async () => notes.get(name),
        write: async (value: string | null) => (value === null ? notes.remove(name) : notes.set(name, value)),
      };
      const previous = queues.get(name) ?? Promise.resolve();
      const aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      const granted = Promise.race([previous, aborted]).then(() => {
        signal.throwIfAborted();
        return task(note);
      });
      // A waiter that gives up leaves its turn, not the lock: the next one still waits for `previous`.
      const released = Promise.all([previous, granted.catch(() => undefined)]);
      queues.set(name, released);
      // Forget the queue once nobody holds or waits for the lock.
      void released.then(() => queues.get(name) === released && queues.delete(name));
      return granted;
    },
  };
}

/** Options for {@link memoryPorts}. */
export interface MemoryPortsOptions {
  clock?: ClockPort;
  fetch?: typeof fetch;
  navigation?: NavigationPort;
}

/**
 * Ports that keep everything in memory: for tests, server rendering (case-21) and scripts.
 * Nothing is shared between two calls, so two server requests never share a session.
 */
export function memoryPorts(options: MemoryPortsOptions = {}): Ports {
  return {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    clock: options.clock ?? manualClock(0),
    navigation: options.navigation ?? recordingNavigation(),
    transientStorage: memoryStorage(),
    sessionStore: memoryStorage(),
    localStore: memoryStorage(),
    lock: memoryLock(),
    random: generateRandomState,
  };
}
