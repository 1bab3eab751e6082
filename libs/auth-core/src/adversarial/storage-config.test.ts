/**
 * Adversarial storage contents and configuration edge cases, against real clients and the emulator.
 */
import { apiToken, CartoAuthError, createCartoAuth, m2m, memoryPorts, persistentStorage, spa } from '..';
import { DEMO, APP_HOME, REDIRECT_URI, countRequests, spaPage, useEmulator } from '../../test/harness';

const emulator = useEmulator();
const KEY = (name: string) => `carto-auth:${DEMO.spaClientId}:${name}`;
const API = 'https://gcp-us-east1.api.carto.com';

beforeEach(() => emulator().admin.reset());

describe('corrupted storage', () => {
  it.each([['{not json'], ['null'], ['"a string"'], ['42'], ['[]'], ['{}'], ['\u0000\uffff']])(
    'garbage %j under session, pending and consumed starts as unauthenticated without an error',
    async (garbage) => {
      const page = spaPage(emulator());
      page.ports.sessionStore.set(KEY('session'), garbage);
      page.ports.transientStorage.set(KEY('pending'), garbage);
      page.ports.transientStorage.set(KEY('consumed'), garbage);
      const snapshot = await page.client({ storage: persistentStorage('session') }).start();
      expect(snapshot).toEqual({ status: 'unauthenticated', strategy: 'spa' });
    },
  );

  it('a "consumed" list that is a JSON object does not break a login', async () => {
    const page = spaPage(emulator());
    page.ports.transientStorage.set(KEY('consumed'), '{"a":1}');
    const client = await page.signIn();
    expect(client.getSnapshot().error?.message).toBeUndefined();
    expect(client.getSnapshot().status).toBe('authenticated');
    expect(page.nav.url).toBe(APP_HOME); // back where the login started, the code gone
  });

  it('a "consumed" list that is a JSON object does not turn a foreign callback into an error', async () => {
    const page = spaPage(emulator());
    page.ports.transientStorage.set(KEY('consumed'), '{"a":1}');
    page.nav.url = `${REDIRECT_URI}?code=abc&state=from-another-integration`;
    const snapshot = await page.client().start();
    expect(snapshot).toEqual({ status: 'unauthenticated', strategy: 'spa' });
  });

  it('a stored session of the wrong shape never makes getAccessToken throw a non-CartoAuthError', async () => {
    const page = spaPage(emulator());
    page.ports.sessionStore.set(
      KEY('session'),
      JSON.stringify({ accessToken: 'x', expiresAt: page.clock.now() + 3_600_000 }),
    );
    const client = page.client({ storage: persistentStorage('session') });
    await client.start();
    const outcome = await client.getAccessToken().then(
      (token) => ({ token }),
      (error: unknown) => ({ isCartoAuthError: error instanceof CartoAuthError, error: String(error) }),
    );
    expect(outcome).not.toMatchObject({ isCartoAuthError: false });
  });

  it.each([
    ['a refresh token that is a number', { refreshToken: 1 }],
    ['an ID token that is an object', { idToken: {} }],
  ])(
    'an expired stored session with %s is not restored (it stayed authenticated, unable to renew)',
    async (_what, tampered) => {
      const page = spaPage(emulator());
      const signedIn = await page.signIn({ storage: persistentStorage('session') });
      signedIn.stop();
      const stored = JSON.parse(page.ports.sessionStore.get(KEY('session'))!);
      const past = page.clock.now() - 1;
      page.ports.sessionStore.set(
        KEY('session'),
        JSON.stringify({ ...stored, ...tampered, expiresAt: past, renewAt: past }),
      );
      const client = page.client({ storage: persistentStorage('session') });
      expect((await client.start()).status).toBe('unauthenticated');
      await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
    },
  );

  it('a pending login without a code verifier fails with a coded error and sends no token request', async () => {
    const page = spaPage(emulator());
    page.ports.transientStorage.set(KEY('pending'), JSON.stringify({ state: 'S' }));
    page.nav.url = `${REDIRECT_URI}?code=abc&state=S`;
    const snapshot = await page.client().start();
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toBeInstanceOf(CartoAuthError);
    expect(await countRequests(emulator(), '/oauth/token')).toBe(0);
  });
});

describe('configuration edge cases', () => {
  const base = { clientId: DEMO.spaClientId, redirectUri: REDIRECT_URI };
  it.each([
    ['an empty clientId', { ...base, clientId: '' }, 'invalid_config'],
    ['an empty redirectUri', { ...base, redirectUri: '' }, 'invalid_config'],
    ['a relative redirectUri', { ...base, redirectUri: '/callback' }, 'invalid_config'],
    [
      'an http: non-loopback redirectUri',
      { ...base, redirectUri: 'http://app.example.com/callback' },
      'insecure_url',
    ],
    ['an http: non-loopback authDomain', { ...base, authDomain: 'http://auth.example.com' }, 'insecure_url'],
    [
      'a localhost look-alike authDomain',
      { ...base, authDomain: 'http://localhost.evil.example' },
      'insecure_url',
    ],
    ['a javascript: redirectUri', { ...base, redirectUri: 'javascript:alert(1)' }, 'insecure_url'],
    ['an unknown storage', { ...base, storage: 'cookie' as never }, 'invalid_config'],
    [
      "the storage name 'local' instead of persistentStorage('local')",
      { ...base, storage: 'local' as never },
      'invalid_config',
    ],
  ])('spa() refuses %s (options %j) with %s', (_name, options, code) => {
    expect(() => spa(options)).toThrow(expect.objectContaining({ code }));
  });

  it('accepts trailing slashes on authDomain and apiBaseUrl', () => {
    const client = createCartoAuth({
      strategy: spa({ ...base, authDomain: `${emulator().authUrl}///` }),
      apiBaseUrl: `${emulator().apiUrl}//`,
      ports: memoryPorts(),
    });
    expect(client.apiBaseUrl).toBe(emulator().apiUrl);
  });

  it('refuses an allowedOrigins entry with a path instead of silently widening it to the whole origin', () => {
    expect(() =>
      createCartoAuth({
        strategy: apiToken({ token: 't' }),
        apiBaseUrl: API,
        allowedOrigins: ['https://maps.example.com/tiles'],
        ports: memoryPorts(),
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('takes one allowedOrigins string as a one-entry list and refuses other shapes with a coded error', () => {
    const client = (allowedOrigins: unknown) =>
      createCartoAuth({
        strategy: apiToken({ token: 't' }),
        apiBaseUrl: API,
        allowedOrigins: allowedOrigins as string[],
        ports: memoryPorts(),
      });
    // From JavaScript a single origin is easily passed bare: it must not end as `origins.map is not a function`.
    const single = client('https://maps.example.com');
    expect(single.isAllowedUrl('https://maps.example.com/tiles')).toBe(true);
    expect(single.isAllowedUrl(`${API}/v3/sql`)).toBe(false);
    for (const shape of [42, {}, new Set(['https://maps.example.com']), 'maps.example.com']) {
      expect(() => client(shape)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    }
  });

  it('refuses an apiBaseUrl with a query or fragment (helpers would call the wrong URL)', () => {
    expect(() =>
      createCartoAuth({
        strategy: apiToken({ token: 't' }),
        apiBaseUrl: `${API}/#frag`,
        ports: memoryPorts(),
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('refuses an apiBaseUrl with a fragment or query (paths are appended to it)', () => {
    for (const apiBaseUrl of [`${API}/#frag`, `${API}/?x=1`, 'https://user:pw@gcp-us-east1.api.carto.com']) {
      expect(() =>
        createCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl, ports: memoryPorts() }),
      ).toThrow(expect.objectContaining({ name: 'TypeError', code: 'invalid_config' }));
    }
  });

  // `true` compares as 1 and '5000' as 5000: both would pass a range check and time out every request.
  it.each([[true], ['5000'], [BigInt(5000)], [Number.NaN], [0], [Infinity], [2 ** 31]])(
    'refuses requestTimeoutMs of %p with invalid_config',
    (timeoutMs) => {
      expect(() =>
        createCartoAuth({
          strategy: apiToken({ token: 't' }),
          apiBaseUrl: API,
          requestTimeoutMs: timeoutMs as number,
          ports: memoryPorts(),
        }),
      ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    },
  );

  it.each([[Number.NaN], [-60]])(
    'm2m({ leewaySeconds: %p }) is refused or still caches the token',
    async (leewaySeconds) => {
      let client;
      try {
        client = createCartoAuth({
          strategy: m2m({
            clientId: DEMO.m2mClientId,
            clientSecret: DEMO.m2mClientSecret,
            authDomain: emulator().authUrl,
            leewaySeconds,
          }),
          apiBaseUrl: emulator().apiUrl,
          ports: memoryPorts({ clock: { now: Date.now, setTimer: () => 0, clearTimer: () => undefined } }),
        });
      } catch (error) {
        expect(error).toMatchObject({ code: 'invalid_config' });
        return;
      }
      for (let i = 0; i < 5; i++) await client.getAccessToken();
      expect(await countRequests(emulator(), '/oauth/token')).toBe(1);
    },
  );

  it('spa({ leewaySeconds: NaN }) with real timers does not renew in a loop', async () => {
    const page = spaPage(emulator(), Date.now());
    page.ports.clock = {
      now: Date.now,
      setTimer: (callback, ms) => setTimeout(callback, ms),
      clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    let client;
    try {
      client = await page.signIn({ leewaySeconds: Number.NaN });
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_config' });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    client.stop();
    expect(await countRequests(emulator(), '/oauth/token')).toBeLessThanOrEqual(2);
  });
});
