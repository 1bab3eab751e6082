import { apiToken, createCartoAuth, m2m } from '@carto-auth/core';
import { DEMO, spawnEmulator, type TestEmulator } from '@carto-auth/emulator/testing';
import { CartoAuthError, ERR_NETWORK } from '@carto-auth/core';
import {
  describeFailure,
  expiryText,
  formatCount,
  formatDegrees,
  mapPoints,
  queryCities,
  readSettings,
  runAction,
  spaOptionsFor,
} from '.';

describe('readSettings', () => {
  it('defaults to the emulator and takes the CARTO_* overrides from /env.js', () => {
    expect(readSettings({})).toMatchObject({ authDomain: 'http://127.0.0.1:9010', storage: 'memory' });
    const settings = readSettings({ CARTO_AUTH_DOMAIN: 'https://auth.carto.com', CARTO_STORAGE: 'local' });
    expect(settings).toMatchObject({ authDomain: 'https://auth.carto.com', storage: 'local' });
  });

  it('treats an unknown or empty storage value as memory (tokens never persist by accident)', () => {
    expect(readSettings({ CARTO_STORAGE: 'cookies' }).storage).toBe('memory');
    expect(readSettings({ CARTO_STORAGE: '' }).storage).toBe('memory');
  });

  it('takes CARTO_RENEW into the SPA options; anything unknown is the library default, auto', () => {
    expect(spaOptionsFor(readSettings({ CARTO_RENEW: 'silent' }), 'http://127.0.0.1:5173').renew).toBe(
      'silent',
    );
    expect(readSettings({ CARTO_RENEW: 'sometimes' }).renew).toBe('auto');
    expect(readSettings({}).renew).toBe('auto');
  });

  it('puts the callback on the page origin', () => {
    expect(spaOptionsFor(readSettings({}), 'http://127.0.0.1:5173').redirectUri).toBe(
      'http://127.0.0.1:5173/callback',
    );
  });
});

describe('runAction', () => {
  it('is busy while the work runs, then shows nothing or the failure with its code', async () => {
    const shown: string[] = [];
    const view = {
      busy: (running: boolean) => shown.push(`busy ${running}`),
      failed: (m?: string) => shown.push(`failed ${m}`),
    };
    await runAction(view, async () => void shown.push('work'));
    expect(shown.splice(0)).toEqual(['busy true', 'failed undefined', 'work', 'busy false']);
    await runAction(view, async () => {
      throw new CartoAuthError(ERR_NETWORK, 'offline');
    });
    expect(shown).toEqual(['busy true', 'failed undefined', 'failed network_error: offline', 'busy false']);
  });

  it('formats populations and coordinates the same way in every sample', () => {
    expect(formatCount(24870895)).toBe('24,870,895');
    expect(formatDegrees(-46.6333)).toBe('-46.63');
  });
});

describe('mapPoints', () => {
  it('places cities at (lon, -lat) with the most populous drawn largest', () => {
    const [big, small] = mapPoints([
      { name: 'A', country: 'X', population: 100, lat: 10, lon: 20 },
      { name: 'B', country: 'Y', population: 25, lat: -5, lon: -30 },
    ]);
    expect(big).toMatchObject({ x: 20, y: -10, r: 4 });
    expect(small).toMatchObject({ x: -30, y: 5, r: 2.5 });
  });
});

describe('expiryText', () => {
  it('counts down in minutes and seconds, hours when needed, and says when the token is gone', () => {
    expect(expiryText(undefined, 0)).toBe('none');
    expect(expiryText(65_000, 0)).toMatch(/^expires in 1:05 \(at /);
    expect(expiryText(3_725_000, 0)).toMatch(/^expires in 1:02:05 /);
    expect(expiryText(1_000, 5_000)).toBe('expired');
  });

  it('names the day when the token ends on another one (a 24-hour token ends at this time tomorrow)', () => {
    const now = new Date(2026, 11, 4, 21, 54, 13).getTime();
    const tomorrow = now + 86_400_000;
    expect(expiryText(tomorrow, now)).toBe(`expires in 24:00:00 (at ${new Date(tomorrow).toLocaleString()})`);
    expect(expiryText(now + 60_000, now)).toBe(
      `expires in 1:00 (at ${new Date(now + 60_000).toLocaleTimeString()})`,
    );
  });
});

describe('queryCities against the emulator', () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await spawnEmulator();
  }, 60_000);
  afterAll(() => emulator?.close());

  it('reads the demo cities with numbers parsed, and a refused token fails with its stable code', async () => {
    const auth = createCartoAuth({
      strategy: m2m({
        clientId: DEMO.m2mClientId,
        clientSecret: DEMO.m2mClientSecret,
        authDomain: emulator.authUrl,
      }),
      apiBaseUrl: emulator.apiUrl,
    });
    try {
      const cities = await queryCities(auth);
      expect(cities.length).toBeGreaterThan(0);
      expect(typeof cities[0]!.population).toBe('number');
    } finally {
      auth.stop();
    }
    const forged = createCartoAuth({
      strategy: apiToken({ token: 'not-a-carto-token' }),
      apiBaseUrl: emulator.apiUrl,
    });
    const failure = await queryCities(forged).then(
      () => 'no error',
      (error: unknown) => describeFailure(error),
    );
    expect(failure).toMatch(/^unauthorized: /);
    // The emulator's first SQL query starts its database worker: seconds on a loaded 2-core machine.
  }, 30_000);
});
