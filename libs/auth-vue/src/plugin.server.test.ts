/**
 * @jest-environment node
 */
import { spa } from '@carto-auth/core';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { createMemoryHistory, createRouter } from 'vue-router';
import { cartoAuthGuard, createCartoAuthPlugin, useCartoAuth } from '.';

const Status = defineComponent({
  setup() {
    const { snapshot } = useCartoAuth();
    return () => h('p', snapshot.value.status);
  },
});

function serverApp() {
  const plugin = createCartoAuthPlugin({
    strategy: spa({ clientId: 'spa', redirectUri: 'https://app.example.com/callback' }),
    apiBaseUrl: 'https://gcp-us-east1.api.carto.com',
  });
  return { app: createSSRApp(Status).use(plugin), plugin };
}

describe('on a server (SSR)', () => {
  it('case-21: renders without window, never starts or redirects, and two requests share nothing', async () => {
    expect(typeof window).toBe('undefined');
    const first = serverApp();
    const second = serverApp();
    await expect(renderToString(first.app)).resolves.toBe('<p>idle</p>');
    await expect(first.plugin.ready).resolves.toMatchObject({ status: 'idle' }); // never started
    await expect(renderToString(second.app)).resolves.toBe('<p>idle</p>');
    expect(first.plugin.client).not.toBe(second.plugin.client);
    first.plugin.client.logout({ localOnly: true });
    expect(second.plugin.client.getSnapshot().status).toBe('idle');
    // In-memory ports: a login on the server records nothing anywhere a browser would go.
    await expect(second.plugin.client.login()).resolves.toBeUndefined();
  });

  it('case-21: the guard cancels navigations on the server instead of logging in', async () => {
    const { app } = serverApp();
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', component: Status },
        { path: '/data', component: Status, beforeEnter: cartoAuthGuard },
      ],
    });
    app.use(router);
    await router.push('/data');
    expect(router.currentRoute.value.fullPath).toBe('/');
  });

  it('without options throws the core\'s coded config error, not a TypeError about reading "ports"', () => {
    expect(() => createCartoAuthPlugin(undefined as never)).toThrow(
      expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining('strategy') }),
    );
  });
});
