import type { AuthSnapshot, CartoUser } from '@carto-auth/core';
import { flushSync, mount, unmount } from 'svelte';
import { get, writable } from 'svelte/store';
import { createCartoAuthStores } from './index';
import AuthStatus from './testing/AuthStatus.svelte';
import {
  countingSubscriptions,
  DEMO_EMAIL,
  SIGNED_IN,
  spaClient,
  tokenClient,
} from '@carto-auth/adapter-testing';

describe('createCartoAuthStores', () => {
  it('follows the store contract: calls a subscriber at once, on every change, and not after it unsubscribes', async () => {
    const { client: real } = spaClient({ session: SIGNED_IN });
    const { client, active } = countingSubscriptions(real);
    const { snapshot } = createCartoAuthStores(client);
    expect(active()).toBe(0); // lazy: creating the stores subscribes to nothing

    const seen: AuthSnapshot[] = [];
    const unsubscribe = snapshot.subscribe((value) => seen.push(value));
    expect(seen).toEqual([real.getSnapshot()]);
    expect(seen[0]?.status).toBe('idle');
    expect(active()).toBe(1);

    await real.start();
    expect(seen.map((value) => value.status)).toEqual(['idle', 'loading', 'authenticated']);
    expect(seen.at(-1)).toBe(real.getSnapshot());

    unsubscribe();
    expect(active()).toBe(0);
    real.logout({ localOnly: true });
    expect(real.getSnapshot().status).toBe('unauthenticated');
    expect(seen).toHaveLength(3);
  });

  it('shares one core subscription among its subscribers and releases it when the last one leaves', () => {
    const { client, active } = countingSubscriptions(tokenClient());
    const { snapshot, isAuthenticated, user } = createCartoAuthStores(client);
    const first = snapshot.subscribe(() => undefined);
    const second = isAuthenticated.subscribe(() => undefined);
    const third = user.subscribe(() => undefined);
    expect(active()).toBe(1);
    first();
    second();
    expect(active()).toBe(1);
    third();
    expect(active()).toBe(0);

    expect(get(snapshot).status).toBe('authenticated'); // a one-off read subscribes and leaves again
    expect(active()).toBe(0);
  });

  it('derives isAuthenticated (notified only when it flips) and user from the snapshot', async () => {
    const { client } = spaClient({ session: SIGNED_IN });
    const { isAuthenticated, user } = createCartoAuthStores(client);
    const flags: boolean[] = [];
    const users: (CartoUser | undefined)[] = [];
    const stopFlags = isAuthenticated.subscribe((value) => flags.push(value));
    const stopUsers = user.subscribe((value) => users.push(value));

    await client.start();
    expect(flags).toEqual([false, true]); // idle -> loading did not notify: the boolean did not change
    expect(users.at(-1)?.email).toBe(DEMO_EMAIL);

    client.logout({ localOnly: true });
    expect(flags).toEqual([false, true, false]);
    expect(users.at(-1)).toBeUndefined();
    stopFlags();
    stopUsers();
  });

  it('hands out the client and actions that work without `this` (destructured in a component)', async () => {
    const { client, navigation } = spaClient({ session: SIGNED_IN });
    const stores = createCartoAuthStores(client);
    const { start, getAccessToken, logout } = stores;
    expect(stores.client).toBe(client);

    await expect(start()).resolves.toMatchObject({ status: 'authenticated' });
    await expect(getAccessToken()).resolves.toBe('at');
    logout({ localOnly: true });
    expect(get(stores.snapshot).status).toBe('unauthenticated');
    expect(navigation.redirects).toEqual([]); // localOnly: no visit to /v2/logout
    await expect(getAccessToken()).rejects.toMatchObject({ name: 'CartoAuthError' });
  });
});

describe('createCartoAuthStores with a subscriber that throws', () => {
  it("reports the error and neither starves the other subscribers nor stops the app's own stores", () => {
    const reported: unknown[] = [];
    const original = globalThis.reportError; // jsdom has none: the adapter falls back to console.error
    globalThis.reportError = (error) => reported.push(error);
    try {
      const client = tokenClient();
      const { snapshot, isAuthenticated } = createCartoAuthStores(client);
      const statuses: string[] = [];
      const flags: boolean[] = [];
      const offFaulty = snapshot.subscribe((value) => {
        if (value.status === 'unauthenticated') throw new Error('listener bug');
      });
      const offStatuses = snapshot.subscribe((value) => statuses.push(value.status));
      const offFlags = isAuthenticated.subscribe((value) => flags.push(value));
      client.logout();
      expect(statuses).toEqual(['authenticated', 'unauthenticated']);
      expect(flags).toEqual([true, false]);
      expect(reported).toEqual([new Error('listener bug')]);

      // Svelte's notification queue is shared by every store: it must have been left drained.
      const counter = writable(0);
      const counts: number[] = [];
      const offCounter = counter.subscribe((value) => counts.push(value));
      counter.set(1);
      expect(counts).toEqual([0, 1]);
      [offFaulty, offStatuses, offFlags, offCounter].forEach((off) => off());
    } finally {
      globalThis.reportError = original;
    }
  });

  it('refuses something that is not a client with a coded TypeError', () => {
    expect(() => createCartoAuthStores(undefined as never)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'invalid_config' }),
    );
  });
});

describe('createCartoAuthStores in a Svelte component', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('renders $snapshot.status and $user?.email, follows a logout, and unsubscribes on destroy', async () => {
    const { client: real } = spaClient({ session: SIGNED_IN });
    const { client, active } = countingSubscriptions(real);
    const stores = createCartoAuthStores(client);
    await real.start();

    const component = mount(AuthStatus, { target: document.body, props: stores });
    flushSync();
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent;
    expect(text('auth-status')).toBe('authenticated');
    expect(text('user-email')).toBe(DEMO_EMAIL);
    expect(text('signed-in')).toBe('true');
    expect(active()).toBe(1); // three stores read, one core subscription

    stores.logout({ localOnly: true });
    flushSync();
    expect(text('auth-status')).toBe('unauthenticated');
    expect(text('user-email')).toBe('');
    expect(text('signed-in')).toBe('false');

    await unmount(component);
    expect(active()).toBe(0);
    expect(document.querySelector('[data-testid="auth-status"]')).toBeNull();
  });
});
