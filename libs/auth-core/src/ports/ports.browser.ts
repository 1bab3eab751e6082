import { minimalPorts } from './ports.minimal';
import { randomBase64Url } from './random';
import { systemClock } from './system-clock';
import type { BroadcastPort, NavigationPort, Ports, StoragePort } from './types';

/** `true` when running in a page or worker with a DOM-like global scope. */
export function isBrowserEnvironment(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function webStorage(pick: () => Storage): StoragePort {
  // Storage can be missing or throw (privacy modes, sandboxed frames): fall back to memory.
  try {
    const storage = pick();
    const probe = '__carto_auth_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return {
      get: (key) => storage.getItem(key),
      set: (key, value) => storage.setItem(key, value),
      remove: (key) => storage.removeItem(key),
    };
  } catch {
    return minimalPorts().sessionStorage;
  }
}

function browserNavigation(): NavigationPort {
  return {
    currentUrl: () => window.location.href,
    redirect: (url) => window.location.assign(url),
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
    silentAuthorize: (authorizeUrl, redirectUri, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('aria-hidden', 'true');
        frame.style.display = 'none';
        const expectedOrigin = new URL(redirectUri).origin;
        const finish = (outcome: () => void) => {
          clearTimeout(timer);
          frame.remove();
          outcome();
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error('silent authorize timed out'))),
          timeoutMs,
        );
        frame.addEventListener('load', () => {
          // Cross-origin while on the auth server (reading throws); readable once redirected home.
          let href: string | undefined;
          try {
            href = frame.contentWindow?.location.href;
          } catch {
            return;
          }
          if (href && new URL(href).origin === expectedOrigin) finish(() => resolve(href));
        });
        frame.src = authorizeUrl;
        document.body.appendChild(frame);
      }),
  };
}

function browserBroadcast(name: string): BroadcastPort | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      const onMessage = (event: MessageEvent) => typeof event.data === 'string' && listener(event.data);
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
  };
}

/** Ports for a web page: `window.location`, Web Storage, BroadcastChannel and a hidden iframe. */
export function browserPorts(): Ports {
  const broadcast = browserBroadcast('carto-auth');
  return {
    fetch: (input, init) => window.fetch(input, init),
    clock: systemClock(),
    navigation: browserNavigation(),
    transientStorage: webStorage(() => window.sessionStorage),
    sessionStorage: webStorage(() => window.sessionStorage),
    localStorage: webStorage(() => window.localStorage),
    ...(broadcast ? { broadcast } : {}),
    random: randomBase64Url,
    isBrowser: true,
  };
}

/**
 * The SPA strategy's default ports: the browser's in a page, otherwise {@link minimalPorts}
 * (servers, SSR: in-memory storage, nothing redirects, case-21).
 */
export function defaultPorts(): Ports {
  return isBrowserEnvironment() ? browserPorts() : minimalPorts();
}
