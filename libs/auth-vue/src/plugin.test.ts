import type { CartoAuthClient } from '@carto-auth/core';
import {
  APP_ORIGIN,
  countingSubscriptions,
  spaClient,
  tokenClient,
  until,
} from '@carto-auth/adapter-testing';
import { mount } from '@vue/test-utils';
import { createApp, defineComponent, h, inject, nextTick } from 'vue';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { CARTO_AUTH, createCartoAuthGuard, createCartoAuthPlugin, useCartoAuth } from '.';

/** The tiny fixture component: the status and the user, through `useCartoAuth()`. */
const Status = defineComponent({
  setup() {
    const { snapshot, isAuthenticated, user } = useCartoAuth();
    return () =>
      h('p', [
        h('span', { 'data-testid': 'status' }, snapshot.value.status),
        h('span', { 'data-testid': 'signed-in' }, String(isAuthenticated.value)),
        h('span', { 'data-testid': 'email' }, user.value?.email ?? ''),
      ]);
  },
});

describe('createCartoAuthPlugin + useCartoAuth', () => {
  it('renders the snapshot and re-renders when it changes', async () => {
    const plugin = createCartoAuthPlugin(tokenClient);
    const wrapper = mount(Status, { global: { plugins: [plugin] } });
    expect(wrapper.get('[data-testid=status]').text()).toBe('authenticated');
    expect(wrapper.get('[data-testid=signed-in]').text()).toBe('true');
    plugin.client.logout();
    await nextTick();
    expect(wrapper.get('[data-testid=status]').text()).toBe('unauthenticated');
    expect(wrapper.get('[data-testid=signed-in]').text()).toBe('false');
    wrapper.unmount();
  });

  it('starts the client on install in the browser, and `ready` settles once the start is done', async () => {
    const { client } = spaClient();
    const plugin = createCartoAuthPlugin(() => client);
    const wrapper = mount(Status, { global: { plugins: [plugin] } });
    await expect(plugin.ready).resolves.toMatchObject({ status: 'unauthenticated' });
    await nextTick();
    expect(wrapper.get('[data-testid=status]').text()).toBe('unauthenticated');
    wrapper.unmount();
  });

  it('stops the client and drops its subscription when the app unmounts', async () => {
    const { client: counted, active } = countingSubscriptions(tokenClient());
    const wrapper = mount(Status, { global: { plugins: [createCartoAuthPlugin(() => counted)] } });
    expect(active()).toBe(1);
    wrapper.unmount();
    expect(active()).toBe(0);
    await expect(counted.getAccessToken()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('case-22: outside setup() useCartoAuth() throws a coded TypeError that says where to call it', () => {
    expect(() => useCartoAuth()).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'invalid_config',
        message: expect.stringContaining('inside setup()'),
      }),
    );
  });

  it('case-22: without the plugin useCartoAuth() throws a coded TypeError that names app.use(createCartoAuthPlugin(…))', () => {
    const app = createApp(Status);
    const failures: unknown[] = [];
    app.config.errorHandler = (error) => void failures.push(error);
    app.config.warnHandler = () => undefined; // Vue also notes that the failed setup() rendered nothing
    app.mount(document.createElement('div'));
    expect(failures).toEqual([
      expect.objectContaining({
        code: 'invalid_config',
        message: expect.stringContaining('app.use(createCartoAuthPlugin('),
      }),
    ]);
    app.unmount();
  });

  it('refuses to install one plugin (one client) into a second app', () => {
    const plugin = createCartoAuthPlugin(tokenClient);
    createApp(Status).use(plugin);
    expect(() => createApp(Status).use(plugin)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    plugin.client.stop();
  });

  it('refuses a second plugin in the same app before its client starts (it would redeem the same callback)', () => {
    const first = createCartoAuthPlugin(tokenClient);
    const { client, active } = countingSubscriptions(tokenClient());
    const second = createCartoAuthPlugin(() => client);
    const starts = jest.spyOn(client, 'start');
    const stops = jest.spyOn(client, 'stop');
    const app = createApp(Status).use(first);
    expect(() => app.use(second)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'invalid_config' }),
    );
    expect(starts).not.toHaveBeenCalled();
    expect(stops).toHaveBeenCalled();
    expect(active()).toBe(0);
    expect(app.runWithContext(() => inject(CARTO_AUTH))?.client).toBe(first.client);
    first.client.stop();
  });
});

describe('cartoAuthGuard (vue-router)', () => {
  const Page = defineComponent({ render: () => h('p', 'page') });

  async function appWithRouter(client: CartoAuthClient): Promise<{ router: Router; unmount: () => void }> {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: Page },
        { path: '/data', component: Page, beforeEnter: createCartoAuthGuard({ errorRoute: '/' }) },
      ],
    });
    const app = createApp(defineComponent({ render: () => h('main') }));
    app.use(createCartoAuthPlugin(() => client)).use(router);
    app.mount(document.createElement('div'));
    await router.push('/');
    return { router, unmount: () => app.unmount() };
  }

  it('lets a signed-in user through', async () => {
    const { router, unmount } = await appWithRouter(tokenClient());
    await router.push('/data');
    expect(router.currentRoute.value.fullPath).toBe('/data');
    unmount();
  });

  it('cancels the navigation and starts one login that comes back to the route', async () => {
    const { client, navigation: nav, ports } = spaClient();
    const { router, unmount } = await appWithRouter(client);
    await router.push('/data?page=2');
    expect(router.currentRoute.value.fullPath).toBe('/');
    await until(() => nav.redirects.length === 1);
    expect(new URL(nav.redirects[0]!).pathname).toBe('/authorize');
    expect(
      JSON.stringify([...(ports.transientStorage as unknown as { entries: Map<string, string> }).entries]),
    ).toContain('/data?page=2');
    unmount();
  });

  /** A client on the callback of a login that CARTO answered with access_denied, and the tab's first client. */
  async function deniedLogin() {
    const first = spaClient();
    const nav = first.navigation;
    await first.client.start();
    await first.client.login();
    await until(() => nav.redirects.length === 1);
    const state = new URL(nav.redirects[0]!).searchParams.get('state');
    nav.url = `${APP_ORIGIN}/callback?error=access_denied&error_description=Denied&state=${state}`;
    return { first, client: spaClient({ ports: first.ports }).client };
  }

  it('case-04: after a failed login goes to errorRoute and starts no new login', async () => {
    const { first, client } = await deniedLogin();
    const { router, unmount } = await appWithRouter(client);
    await router.push('/data');
    expect(router.currentRoute.value.fullPath).toBe('/');
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'authorize_failed' } });
    expect(first.navigation.redirects).toHaveLength(1);
    unmount();
    first.client.stop();
  });

  it('case-04: a global beforeEach guard lands on errorRoute after a failed login, without a redirect loop', async () => {
    const { first, client } = await deniedLogin();
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: Page },
        { path: '/data', component: Page },
      ],
    });
    router.beforeEach(createCartoAuthGuard({ errorRoute: '/' }));
    const app = createApp(defineComponent({ render: () => h('main') }));
    app.use(createCartoAuthPlugin(() => client)).use(router);
    app.mount(document.createElement('div'));
    await expect(router.push('/data')).resolves.toBeUndefined(); // vue-router rejects an infinite redirect
    expect(router.currentRoute.value.fullPath).toBe('/');
    expect(client.getSnapshot().status).toBe('error');
    expect(first.navigation.redirects).toHaveLength(1);
    app.unmount();
    first.client.stop();
  });
});
