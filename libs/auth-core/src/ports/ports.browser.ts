import { CartoAuthError, ERR_STORAGE_UNAVAILABLE } from '../errors';
import { minimalPorts } from './ports.minimal';
import { generateRandomState } from 'oauth4webapi';
import { systemClock } from './system-clock';
import type { BroadcastPort, LockPort, NavigationPort, Ports, StoragePort } from './types';

/** `true` when running in a page or worker with a DOM-like global scope. */
export function isBrowserEnvironment(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

/** `true` where code runs on the user's machine: a page, or a web worker (no `window`, but `importScripts`). */
export function isUserAgentEnvironment(): boolean {
  return (
    isBrowserEnvironment() || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function'
  );
}

/**
 * What the browser gives when it refuses Web Storage: nothing is found, and a write fails loudly. A
 * silent in-memory copy would lose the pending login on the redirect, and a guard would log in again
 * and again.
 */
const refusedStorage: StoragePort = {
  get: () => null,
  set() {
    throw new CartoAuthError(ERR_STORAGE_UNAVAILABLE, 'Web Storage is blocked');
  },
  remove() {},
};

/** Web Storage; when it is missing or throws (privacy modes, sandboxed frames), memory instead. */
function webStorage(name: 'sessionStorage' | 'localStorage'): StoragePort {
  try {
    const storage = window[name];
    storage.setItem(name, name);
    storage.removeItem(name);
    return {
      get: (key) => storage.getItem(key),
      set: (key, value) => storage.setItem(key, value),
      remove: (key) => storage.removeItem(key),
    };
  } catch {
    return refusedStorage;
  }
}

/**
 * Runs a `prompt=none` authorize in a hidden iframe with `response_mode=web_message` (Auth0's silent
 * authentication): the authorization server answers with a page that posts the response to this
 * window, so the app itself never loads in the frame (its router would rewrite the callback URL before
 * anyone read it). Resolves with the equivalent callback URL (`redirectUri?code=…&state=…`). When
 * `signal` ends it (the request time-out, a logout, a new login, `stop()`) the frame goes at once.
 */
function frameSilentAuthorize(
  authorizeUrl: string,
  redirectUri: string,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(authorizeUrl);
    url.searchParams.set('response_mode', 'web_message');
    const frame = document.createElement('iframe');
    frame.hidden = true;
    const end = () => {
      removeEventListener('message', onMessage);
      signal.removeEventListener('abort', abort);
      frame.remove();
    };
    const abort = () => {
      end();
      reject(signal.reason);
    };
    // Only the frame's own page, from the authorization server's origin, can answer.
    const onMessage = ({ origin, source, data }: MessageEvent) => {
      if (origin !== url.origin || source !== frame.contentWindow || data?.type !== 'authorization_response')
        return;
      end();
      try {
        const callback = new URL(redirectUri);
        callback.search = new URLSearchParams(data.response).toString();
        resolve(callback.href);
      } catch (error) {
        reject(error); // an answer that is no set of parameters: the renewal fails now, not at its time-out
      }
    };
    if (signal.aborted) return abort(); // ended while the URL was being built: load nothing
    signal.addEventListener('abort', abort);
    addEventListener('message', onMessage);
    frame.src = url.href;
    document.body.appendChild(frame);
  });
}

function browserBroadcast(): BroadcastPort | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel('carto-auth');
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent) => listener(String(event.data));
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
  };
}

/**
 * One IndexedDB request in its own transaction, resolved once committed: a transaction that starts
 * later, in any tab, sees it. Best effort, and never left pending (the caller holds a lock meanwhile):
 * where IndexedDB fails (some private modes) it resolves `null` and nothing is passed on.
 */
function noteRequest(
  mode: IDBTransactionMode,
  action: (notes: IDBObjectStore) => IDBRequest,
): Promise<unknown> {
  return new Promise((resolve) => {
    const fail = () => resolve(null);
    try {
      const opening = indexedDB.open('carto-auth');
      opening.onupgradeneeded = () => opening.result.createObjectStore('notes');
      opening.onerror = fail;
      opening.onsuccess = () => {
        const db = opening.result;
        try {
          const transaction = db.transaction('notes', mode);
          const request = action(transaction.objectStore('notes'));
          transaction.oncomplete = () => resolve(request.result);
          transaction.onerror = transaction.onabort = fail;
        } catch {
          fail();
        } finally {
          db.close(); // takes effect once the transaction is done
        }
      };
    } catch {
      fail();
    }
  });
}

/**
 * The Web Locks API, shared by every tab of the origin (secure contexts only; loopback counts), with
 * its note in IndexedDB. `undefined` where either is missing (servers, old browsers). Only
 * `persistentStorage('local')` needs it, so it is not part of {@link browserPorts}.
 */
export function browserLock(): LockPort | undefined {
  const locks = globalThis.navigator?.locks;
  if (!locks || typeof indexedDB === 'undefined') return undefined;
  return {
    async run(name, signal, task) {
      return locks.request(name, { signal }, () =>
        task({
          read: async () => ((await noteRequest('readonly', (notes) => notes.get(name))) as string) ?? null,
          write: async (value) =>
            void (await noteRequest('readwrite', (notes) =>
              value === null ? notes.delete(name) : notes.put(value, name),
            )),
        }),
      );
    },
  };
}

/** Ports for a web page: `window.location`, Web Storage, BroadcastChannel and a hidden iframe. */
export function browserPorts(): Ports {
  const navigation: NavigationPort = {
    currentUrl: () => location.href,
    redirect: (url) => location.assign(url),
    replaceUrl: (url) => history.replaceState(history.state, '', url),
    silentAuthorize: frameSilentAuthorize,
    onRestore(listener) {
      const onShow = (event: PageTransitionEvent) => event.persisted && listener();
      addEventListener('pageshow', onShow);
      return () => removeEventListener('pageshow', onShow);
    },
  };
  const tabStorage = webStorage('sessionStorage'); // the pending login and a 'session' session alike
  return {
    fetch: (input, init) => fetch(input, init),
    clock: systemClock(),
    navigation,
    transientStorage: tabStorage,
    sessionStore: tabStorage,
    localStore: webStorage('localStorage'),
    broadcast: browserBroadcast(),
    random: generateRandomState,
  };
}

/**
 * The SPA strategy's default ports: the browser's in a page, otherwise {@link minimalPorts}
 * (servers, SSR: in-memory storage, nothing redirects, case-21).
 */
export function defaultPorts(): Ports {
  return isBrowserEnvironment() ? browserPorts() : minimalPorts();
}
