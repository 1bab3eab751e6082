import {
  ERR_INVALID_CONFIG,
  type AuthSnapshot,
  type CartoAuthClient,
  type CartoUser,
  type GetAccessTokenOptions,
  type LoginOptions,
  type LogoutOptions,
} from '@carto-auth/core';
import { derived, readable, type Readable } from 'svelte/store';

/** What {@link createCartoAuthStores} returns: the client's state as Svelte stores, plus its actions. */
export interface CartoAuthStores {
  /** The current {@link AuthSnapshot}; `$snapshot.status` in a component. */
  readonly snapshot: Readable<AuthSnapshot>;
  /** `true` while the snapshot's status is `authenticated`. */
  readonly isAuthenticated: Readable<boolean>;
  /** The signed-in user (SPA), or `undefined`. */
  readonly user: Readable<CartoUser | undefined>;
  /** Restores the session and completes a login callback; call it once when the app starts. */
  start(): Promise<AuthSnapshot>;
  /** SPA: redirects to CARTO's login (`organization`, `returnTo`, …). Other strategies: no-op. */
  login(options?: LoginOptions): Promise<void>;
  /** Forgets the session; SPA: then visits CARTO's logout unless `{ localOnly: true }`. */
  logout(options?: LogoutOptions): void;
  /** A valid access token, renewed by the core when needed. */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>;
  /** The core client, for `fetch`, `inspect`, `stop` and the CARTO API helpers (`querySql(client, …)`). */
  readonly client: CartoAuthClient;
}

/**
 * Turns a core client into Svelte stores that follow the store contract, so components read
 * `$snapshot`, `$isAuthenticated` and `$user` (Svelte 5, in runes mode or not).
 *
 * The stores keep no state of their own: the first subscriber subscribes them to the client and the
 * last one to leave unsubscribes them, so a destroyed component leaves no listener behind. Nothing
 * here touches `window`. In the browser one client per page (a module is a fine home for it); on a
 * server (SSR, case-21) build a client with `minimalPorts()` and its stores per request, never in a
 * module, or two requests would share a session. Stopping the client (`client.stop()`) is the caller's.
 * @param client a client from `createCartoAuth()`; call `start()` once, at start-up.
 * @example
 * // auth.ts
 * export const auth = createCartoAuthStores(
 *   createCartoAuth({ strategy: spa({ clientId, redirectUri: `${location.origin}/callback` }), apiBaseUrl }),
 * );
 * auth.start().catch(() => undefined); // restores the session, completes the login callback; rejects only if stopped first
 *
 * // Status.svelte
 * <script lang="ts">
 *   import { auth } from './auth';
 *   const { snapshot, user } = auth;
 * </script>
 * <p>{$snapshot.status} {$user?.email ?? ''}</p>
 * <button onclick={() => auth.login()}>Log in</button>
 */
export function createCartoAuthStores(client: CartoAuthClient): CartoAuthStores {
  if (typeof client?.subscribe !== 'function')
    throw Object.assign(
      new TypeError('createCartoAuthStores(client): pass a client from createCartoAuth()'),
      {
        code: ERR_INVALID_CONFIG,
      },
    );
  // One core subscription however many components listen; `client.subscribe` calls back at once.
  const snapshot = readable(client.getSnapshot(), (set) => client.subscribe(set));
  return {
    snapshot: isolated(snapshot),
    isAuthenticated: isolated(derived(snapshot, (current) => current.status === 'authenticated')),
    user: isolated(derived(snapshot, (current) => current.user)),
    start: () => client.start(),
    login: (options) => client.login(options),
    logout: (options) => client.logout(options),
    getAccessToken: (options) => client.getAccessToken(options),
    client,
  };
}

/**
 * `store` with each subscriber's exceptions reported instead of thrown. Svelte notifies through one
 * queue shared by every store of the app: a subscriber that throws leaves it half-drained, and from
 * then on no store of the app (ours or the app's own) notifies anyone.
 */
function isolated<T>(store: Readable<T>): Readable<T> {
  return {
    subscribe: (run, invalidate) =>
      store.subscribe((value) => {
        try {
          run(value);
        } catch (error) {
          (globalThis.reportError ?? console.error)(error);
        }
      }, invalidate),
  };
}
