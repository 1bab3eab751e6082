import {
  createCartoAuth,
  ERR_INVALID_CONFIG,
  minimalPorts,
  type AuthSnapshot,
  type CartoAuthClient,
  type CartoAuthOptions,
} from '@carto-auth/core';
import { inject, shallowReadonly, shallowRef, type InjectionKey, type Plugin, type ShallowRef } from 'vue';

/** What the plugin provides to the app: the client and its snapshot as a ref. */
export interface CartoAuthContext {
  client: CartoAuthClient;
  snapshot: Readonly<ShallowRef<AuthSnapshot>>;
}

/** The injection key of {@link CartoAuthContext}; `useCartoAuth()` reads it. */
export const CARTO_AUTH: InjectionKey<CartoAuthContext> = Symbol('carto-auth');

/** The plugin, with the client it created (e.g. for code outside components). */
export type CartoAuthPlugin = Plugin & {
  readonly client: CartoAuthClient;
  /**
   * Settles once the `start()` that `install` runs has nothing in flight: the session is restored and a
   * login callback is complete, its parameters gone from the address bar. Install the router after it,
   * or the router's first navigation writes the callback URL back.
   */
  readonly ready: Promise<AuthSnapshot>;
};

/** A misuse of the adapter: a `TypeError` with the core's `invalid_config` code and a message naming the fix. */
export const misuse = (message: string) =>
  Object.assign(new TypeError(message), { code: ERR_INVALID_CONFIG });

/** Thrown when the plugin is not installed in the app being used (case-22). */
export const pluginMissing = (caller: string) =>
  misuse(`${caller}: install the plugin first: app.use(createCartoAuthPlugin({ strategy, apiBaseUrl }))`);

/** `true` in a browser page; on a server (SSR) the plugin never starts the client (case-21). */
export const inBrowser = () => typeof window !== 'undefined' && typeof document !== 'undefined';

/**
 * Creates the client and provides it to the app. In the browser `install` calls `start()`, which restores
 * the session and completes a login callback (wait for `ready` before installing the router); on the
 * server it uses `minimalPorts()` and never starts, so nothing redirects and no two requests share a
 * session. Unmounting the app stops the client.
 * @param options the core's options, or a factory for a client you build yourself
 * @example
 * const auth = createCartoAuthPlugin({ strategy: spa({ clientId, redirectUri: `${location.origin}/callback` }), apiBaseUrl });
 * const app = createApp(App).use(auth);
 * await auth.ready;
 * app.use(router).mount('#app');
 */
export function createCartoAuthPlugin(options: CartoAuthOptions | (() => CartoAuthClient)): CartoAuthPlugin {
  const browser = inBrowser();
  const client =
    typeof options === 'function'
      ? options()
      : createCartoAuth(browser ? options : { ...options, ports: options?.ports ?? minimalPorts() });
  let installed = false;
  let started!: (snapshot: AuthSnapshot) => void;
  const ready = new Promise<AuthSnapshot>((resolve) => (started = resolve));
  return {
    client,
    ready,
    install(app) {
      if (installed)
        throw misuse('createCartoAuthPlugin(): one plugin per app; create another for a second app');
      // A second client in the same app would redeem the same login callback (one of them loses) and
      // hide the first one from useCartoAuth().
      if (app.runWithContext(() => inject(CARTO_AUTH, null))) {
        client.stop(); // never started, but connected (other tabs' logouts): nothing of it may stay
        throw misuse('createCartoAuthPlugin(): this app already has a carto-auth plugin; one client per app');
      }
      installed = true;
      const snapshot = shallowRef(client.getSnapshot());
      const unsubscribe = client.subscribe((next) => (snapshot.value = next));
      app.provide(CARTO_AUTH, { client, snapshot: shallowReadonly(snapshot) });
      app.onUnmount(() => {
        unsubscribe();
        client.stop();
      });
      // A failed start lands in the snapshot; `ready` settles either way.
      const start = browser ? client.start() : Promise.resolve(client.getSnapshot());
      void start.catch(() => client.getSnapshot()).then(started);
    },
  };
}
