import type { CartoAuthClient } from '@carto-auth/svelte';
import { guardRoute, settledSnapshot } from '@carto-auth/svelte';
import { get, writable, type Readable } from 'svelte/store';

/** The sample's whole router: the address bar's path as a store, moved by `pushState` and back/forward. */
export interface Router {
  /** `location.pathname`, kept current. */
  readonly path: Readable<string>;
  /** Goes to a same-origin `to` (path, query, hash) without reloading; `replace` keeps history short. */
  navigate(to: string, options?: { replace?: boolean }): void;
  /** A link's `onclick`: in-app navigation for plain clicks; modified clicks open tabs as usual. */
  follow(event: MouseEvent & { currentTarget: HTMLAnchorElement }): void;
}

/** Creates the page's router; it lives as long as the page. */
export function createRouter(): Router {
  const path = writable(location.pathname);
  addEventListener('popstate', () => path.set(location.pathname));
  const navigate: Router['navigate'] = (to, { replace = false } = {}) => {
    if (replace) history.replaceState(history.state, '', to);
    else history.pushState(null, '', to);
    path.set(location.pathname);
  };
  return {
    path: { subscribe: path.subscribe },
    navigate,
    follow(event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      const { pathname, search, hash } = event.currentTarget;
      navigate(`${pathname}${search}${hash}`);
    },
  };
}

/**
 * The redirect URI's page: `start()` has exchanged the code and pointed the address bar at the login's
 * `returnTo` (or this page without the OAuth parameters). Once it settles, show that route.
 */
export async function leaveCallback(client: CartoAuthClient, router: Router): Promise<void> {
  await settledSnapshot(client);
  if (get(router.path) !== '/callback') return; // the user went elsewhere meanwhile
  const target = `${location.pathname}${location.search}${location.hash}`;
  router.navigate(target.startsWith('/callback') ? '/' : target, { replace: true });
}

/**
 * The core's guard for the page in the address bar: `true` lets it render. A failed login sends the
 * user home, where the error is shown, and never starts another one (case-04); a missing session
 * starts one login that returns to this address, query and hash included (case-24), and the page
 * stays empty while the browser leaves.
 */
export async function guard(client: CartoAuthClient, router: Router): Promise<boolean> {
  const path = location.pathname;
  const decision = await guardRoute(client, `${path}${location.search}${location.hash}`);
  if (decision === 'error' && get(router.path) === path) router.navigate('/', { replace: true });
  return decision === 'allow';
}
