/**
 * @jest-environment ../../../../../tools/jest/jsdom-with-web-globals.cjs
 */
import { browserPorts, createCartoAuth, guardRoute, persistentStorage, spa } from '..';

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

describe('the hidden iframe of a silent renewal', () => {
  const frames = () => document.querySelectorAll('iframe').length;
  const authorizeUrl = 'http://127.0.0.1:9/authorize?prompt=none';
  const redirectUri = 'http://127.0.0.1:4200/callback';

  it('goes as soon as its signal ends it, rejecting with the reason', async () => {
    const { silentAuthorize } = browserPorts().navigation;
    const controller = new AbortController();
    const landing = silentAuthorize!(authorizeUrl, redirectUri, controller.signal);
    expect(frames()).toBe(1);
    const reason = new Error('stopped');
    controller.abort(reason);
    await expect(landing).rejects.toBe(reason);
    expect(frames()).toBe(0);
  });

  it("answers with the callback URL built from the frame's web message, ignoring any other sender", async () => {
    const { silentAuthorize } = browserPorts().navigation;
    const landing = silentAuthorize!(authorizeUrl, redirectUri, new AbortController().signal);
    const frame = document.querySelector('iframe')!;
    expect(new URL(frame.src).searchParams.get('response_mode')).toBe('web_message');
    const response = { type: 'authorization_response', response: { code: 'c1', state: 's1' } };
    const post = (origin: string, source: Window | null) =>
      window.dispatchEvent(new MessageEvent('message', { data: response, origin, source }));
    post('http://127.0.0.1:9', window); // the right origin, but not the frame: another page of the server
    post('http://evil.example', frame.contentWindow); // the frame, but navigated elsewhere
    expect(frames()).toBe(1);
    post('http://127.0.0.1:9', frame.contentWindow);
    await expect(landing).resolves.toBe(`${redirectUri}?code=c1&state=s1`);
    expect(frames()).toBe(0);
  });

  it('fails at once, frame gone, on an answer that is no set of parameters (not at the time-out)', async () => {
    const { silentAuthorize } = browserPorts().navigation;
    const landing = silentAuthorize!(authorizeUrl, redirectUri, new AbortController().signal);
    const frame = document.querySelector('iframe')!;
    const data = { type: 'authorization_response', response: [['not', 'a', 'pair']] };
    window.dispatchEvent(
      new MessageEvent('message', { data, origin: 'http://127.0.0.1:9', source: frame.contentWindow }),
    );
    await expect(landing).rejects.toMatchObject({ name: 'TypeError' }); // thrown in jsdom's realm
    expect(frames()).toBe(0);
  });

  it('is never created for a signal that already ended', async () => {
    const { silentAuthorize } = browserPorts().navigation;
    await expect(silentAuthorize!(authorizeUrl, redirectUri, AbortSignal.abort())).rejects.toBeDefined();
    expect(frames()).toBe(0);
  });

  it('goes when the client is stopped in the middle of a renewal', async () => {
    const now = Date.now();
    // A stored session due for renewal, renewed silently (no refresh token): the iframe loads at once.
    sessionStorage.setItem(
      'carto-auth:c:session',
      JSON.stringify({
        accessToken: 'at',
        receivedAt: now - 60_000,
        expiresAt: now + 600_000,
        renewAt: now - 1,
        user: { sub: 'u', permissions: [] },
      }),
    );
    const client = createCartoAuth({
      strategy: spa({
        clientId: 'c',
        redirectUri,
        authDomain: 'http://127.0.0.1:9',
        renew: 'silent',
        storage: persistentStorage('session'),
      }),
      apiBaseUrl: 'https://api.example.com',
    });
    await client.start();
    for (let i = 0; i < 100 && frames() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(frames()).toBe(1);
    client.stop();
    expect(frames()).toBe(0);
    sessionStorage.clear();
  });
});
