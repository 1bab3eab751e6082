/**
 * @jest-environment node
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
// case-21 runs where a server renders: plain Node, no `window`, `document` or `location` at all, and
// Svelte's server build of `svelte/store` (Node's export conditions), as SvelteKit's SSR would load it.
import type { CartoUser } from '@carto-auth/core';
import { get } from 'svelte/store';
import { createCartoAuthStores } from './index';
import { APP_ORIGIN, SIGNED_IN, spaClient } from '@carto-auth/adapter-testing';

/** What one server request does: its own client on memory ports, its stores, a subscriber. */
function serverRequest(signedIn: boolean) {
  const { client, navigation } = spaClient({
    session: signedIn ? SIGNED_IN : undefined,
    url: `${APP_ORIGIN}/data`,
  });
  const stores = createCartoAuthStores(client);
  const statuses: string[] = [];
  const users: (CartoUser | undefined)[] = [];
  const stop = [
    stores.snapshot.subscribe((snapshot) => statuses.push(snapshot.status)),
    stores.user.subscribe((user) => users.push(user)),
  ];
  return { client, navigation, stores, statuses, users, stop: () => stop.forEach((off) => off()) };
}

describe('createCartoAuthStores on the server', () => {
  it('case-21: creates stores without a window, never redirects, and two requests share nothing', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');

    const first = serverRequest(true);
    const second = serverRequest(false);
    expect(first.client).not.toBe(second.client);
    await Promise.all([first.stores.start(), second.stores.start()]);

    expect(get(first.stores.snapshot).status).toBe('authenticated');
    expect(get(first.stores.user)?.email).toBe('demo@carto.test');
    expect(second.statuses).toEqual(['idle', 'loading', 'unauthenticated']);
    expect(second.users.every((user) => user === undefined)).toBe(true); // the first user never leaked

    first.stores.logout({ localOnly: true });
    expect(get(first.stores.isAuthenticated)).toBe(false);
    expect(second.statuses).toHaveLength(3); // the first request's logout never reached the second

    expect(first.navigation.redirects).toEqual([]);
    expect(second.navigation.redirects).toEqual([]);
    first.stop();
    second.stop();
    first.client.stop();
    second.client.stop();
  });
});
