/**
 * @jest-environment ../../../../../tools/jest/jsdom-with-web-globals.cjs
 */
import { browserPorts, createCartoAuth, guardRoute, spa } from '..';

const blocked = () => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};

describe('browser ports where the browser refuses Web Storage (cookies blocked, sandboxed frames)', () => {
  const names = ['sessionStorage', 'localStorage'] as const;
  const originals = names.map((name) => Object.getOwnPropertyDescriptor(window, name));
  beforeAll(() => {
    for (const name of names) Object.defineProperty(window, name, { configurable: true, get: blocked });
  });
  // jsdom reads its storage when the environment is torn down.
  afterAll(() => names.forEach((name, i) => Object.defineProperty(window, name, originals[i] ?? {})));

  it('login() ends in storage_unavailable instead of a redirect that could never come back (no guard loop)', async () => {
    const ports = browserPorts();
    const redirects: string[] = [];
    ports.navigation = { ...ports.navigation, redirect: (url) => void redirects.push(url) };
    const client = createCartoAuth({
      strategy: spa({ clientId: 'c', redirectUri: 'http://127.0.0.1:4200/callback' }),
      apiBaseUrl: 'https://api.example.com',
      ports,
    });
    expect((await client.start()).status).toBe('unauthenticated');
    await client.login();
    for (let i = 0; i < 100 && client.getSnapshot().status !== 'error'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'storage_unavailable' } });
    expect(redirects).toEqual([]);
    expect(await guardRoute(client, '/dashboard')).toBe('error');
    client.stop();
  });
});
