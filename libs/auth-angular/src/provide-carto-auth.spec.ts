import {
  ApplicationRef,
  Component,
  createEnvironmentInjector,
  EnvironmentInjector,
  inject,
  NgZone,
  ɵNoopNgZone as NoopNgZone,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { apiToken, persistentStorage, spa, type ClockPort } from '@carto-auth/core';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { CartoAuthService } from './carto-auth-service';
import { provideCartoAuth } from './provide-carto-auth';
import {
  API_BASE_URL,
  APP_ORIGIN,
  AUTH_DOMAIN,
  CLIENT_ID,
  flush,
  realClock,
  SIGNED_IN,
  spaClient,
} from '@carto-auth/adapter-testing';

@Component({
  selector: 'carto-expiry-fixture',
  template: `{{ auth.snapshot().status }} until {{ auth.snapshot().expiresAt }}`,
})
class ExpiryFixtureComponent {
  readonly auth = inject(CartoAuthService);
}

describe('provideCartoAuth', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('starts the client in an app initializer in the browser', async () => {
    const { client, navigation } = spaClient({
      url: `${APP_ORIGIN}/callback?error=access_denied&state=x`,
      pending: { state: 'x', codeVerifier: 'v' },
    });
    TestBed.configureTestingModule({ providers: [provideCartoAuth(() => client)] });
    expect(client.getSnapshot().status).toBe('idle');
    TestBed.inject(CartoAuthService);
    await flush();
    expect(client.getSnapshot().status).toBe('error'); // the callback was processed by start()
    expect(navigation.url).toBe(`${APP_ORIGIN}/callback`); // and its parameters dropped from the address bar
  });

  it('builds a client from options, a separate one for each injector', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideCartoAuth({ strategy: apiToken({ token: 'api-token-1' }), apiBaseUrl: API_BASE_URL }),
      ],
    });
    const auth = TestBed.inject(CartoAuthService);
    await expect(auth.getAccessToken()).resolves.toBe('api-token-1');

    const parent = TestBed.inject(EnvironmentInjector);
    const child = createEnvironmentInjector(
      [provideCartoAuth({ strategy: apiToken({ token: 'api-token-2' }), apiBaseUrl: API_BASE_URL })],
      parent,
    );
    const childAuth = child.get(CartoAuthService);
    expect(childAuth.client).not.toBe(auth.client);
    childAuth.logout();
    expect(childAuth.snapshot().status).toBe('unauthenticated');
    expect(auth.snapshot().status).toBe('authenticated');
    child.destroy();
    await expect(childAuth.client.getAccessToken()).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('case-23: the app becomes stable while a renewal timer is scheduled', async () => {
    const now = Date.now();
    const { client } = spaClient({
      clock: realClock,
      session: { accessToken: 'at', expiresAt: now + 3_600_000, renewAt: now + 3_000_000 },
    });
    TestBed.configureTestingModule({ providers: [provideCartoAuth(() => client)] });
    const fixture = TestBed.createComponent(ExpiryFixtureComponent);
    const appRef = TestBed.inject(ApplicationRef);
    await client.start();
    expect(client.getSnapshot().status).toBe('authenticated'); // restored, renewal timer running (real setTimeout)

    await expect(firstValueFrom(appRef.isStable.pipe(filter(Boolean), timeout(2_000)))).resolves.toBe(true);
    await appRef.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain(
      `authenticated until ${now + 3_600_000}`,
    );
  });

  it('starts the client of a child environment injector (a lazy route providing its own)', async () => {
    const { client } = spaClient({
      session: SIGNED_IN,
    });
    const child = createEnvironmentInjector(
      [provideCartoAuth(() => client)],
      TestBed.inject(EnvironmentInjector),
    );
    const auth = child.get(CartoAuthService);
    for (let i = 0; i < 10 && auth.snapshot().status !== 'authenticated'; i++) await flush();
    expect(auth.snapshot().status).toBe('authenticated');
    child.destroy();
  });

  it('snapshot$ subscribed after its injector was destroyed completes at once', () => {
    const { client } = spaClient();
    const child = createEnvironmentInjector(
      [provideCartoAuth(() => client)],
      TestBed.inject(EnvironmentInjector),
    );
    const auth = child.get(CartoAuthService);
    child.destroy();
    let completed = false;
    auth.snapshot$.subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(true);
  });

  it('snapshot$ completes when its injector is destroyed', () => {
    const { client } = spaClient();
    const child = createEnvironmentInjector(
      [provideCartoAuth(() => client)],
      TestBed.inject(EnvironmentInjector),
    );
    let completed = false;
    child.get(CartoAuthService).snapshot$.subscribe({ complete: () => (completed = true) });
    child.destroy();
    expect(completed).toBe(true);
  });

  it('case-23: a client it creates sets its timers (renewal, request time-outs) outside the Angular zone', async () => {
    const zone = { outside: 0 };
    // Zoneless here (no zone.js): Angular's no-op zone, recording what runs outside it.
    class RecordingZone extends NoopNgZone {
      override runOutsideAngular<T>(fn: () => T): T {
        zone.outside++;
        try {
          return fn();
        } finally {
          zone.outside--;
        }
      }
    }
    const setOutside: boolean[] = [];
    const clock: ClockPort = {
      now: () => Date.now(),
      setTimer: (callback, delayMs) => {
        setOutside.push(zone.outside > 0);
        return realClock.setTimer(callback, delayMs);
      },
      clearTimer: (handle) => realClock.clearTimer(handle),
    };
    const now = Date.now();
    const { client: seeding, ports } = spaClient({
      session: { accessToken: 'at', expiresAt: now + 3_600_000, renewAt: now + 3_000_000 },
    });
    seeding.stop();
    TestBed.configureTestingModule({
      providers: [
        { provide: NgZone, useClass: RecordingZone },
        provideCartoAuth({
          strategy: spa({
            clientId: CLIENT_ID,
            redirectUri: `${APP_ORIGIN}/callback`,
            authDomain: AUTH_DOMAIN,
            storage: persistentStorage('session'),
          }),
          apiBaseUrl: API_BASE_URL,
          ports: { ...ports, clock },
        }),
      ],
    });
    const auth = TestBed.inject(CartoAuthService);
    for (let i = 0; i < 10 && auth.snapshot().status !== 'authenticated'; i++) await flush();
    expect(auth.snapshot().status).toBe('authenticated');
    expect(setOutside.length).toBeGreaterThan(0); // the renewal timer at least
    expect(setOutside.every(Boolean)).toBe(true);
    auth.client.stop();
  });
});

describe('provideCartoAuth below another client', () => {
  afterEach(() => TestBed.resetTestingModule());

  const spaOptions = () => ({
    strategy: spa({ clientId: CLIENT_ID, redirectUri: `${APP_ORIGIN}/callback`, authDomain: AUTH_DOMAIN }),
    apiBaseUrl: API_BASE_URL,
  });

  it('refuses a second SPA client in a lazy route (its guard would send users to the login again and again)', () => {
    TestBed.configureTestingModule({ providers: [provideCartoAuth(spaOptions())] });
    TestBed.inject(CartoAuthService);
    const child = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    expect(() => createEnvironmentInjector([provideCartoAuth(spaOptions())], child)).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
    expect(() =>
      createEnvironmentInjector(
        [provideCartoAuth(() => spaClient().client)],
        TestBed.inject(EnvironmentInjector),
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('a factory handing the root and a lazy route the same client: one service, stopped with the root only', async () => {
    const { client } = spaClient({ session: SIGNED_IN });
    const providers = [provideCartoAuth(() => client)];
    TestBed.configureTestingModule({ providers });
    const root = TestBed.inject(CartoAuthService);
    const child = createEnvironmentInjector(providers, TestBed.inject(EnvironmentInjector));
    expect(child.get(CartoAuthService)).toBe(root);
    child.destroy();
    await expect(client.getAccessToken()).resolves.toBe('at'); // not stopped by the child
  });

  it('stops the second SPA client it refuses (its connections to other tabs go with it)', () => {
    TestBed.configureTestingModule({ providers: [provideCartoAuth(spaOptions())] });
    TestBed.inject(CartoAuthService);
    const { client } = spaClient();
    const stop = jest.spyOn(client, 'stop');
    expect(() =>
      createEnvironmentInjector([provideCartoAuth(() => client)], TestBed.inject(EnvironmentInjector)),
    ).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(stop).toHaveBeenCalled();
  });

  it('a client only in a lazy route leaves the root as it was: injecting the service there says what to add', () => {
    TestBed.configureTestingModule({ providers: [] });
    const child = createEnvironmentInjector(
      [provideCartoAuth(spaOptions())],
      TestBed.inject(EnvironmentInjector),
    );
    expect(child.get(CartoAuthService).client.strategy).toBe('spa');
    expect(() => TestBed.inject(CartoAuthService)).toThrow(/add provideCartoAuth/);
    child.destroy();
  });

  it('allows an SPA client at the root under nothing, and another strategy below an SPA client', async () => {
    TestBed.configureTestingModule({ providers: [provideCartoAuth(spaOptions())] });
    const root = TestBed.inject(CartoAuthService);
    expect(root.client.strategy).toBe('spa');
    const child = createEnvironmentInjector(
      [provideCartoAuth({ strategy: apiToken({ token: 'public-map' }), apiBaseUrl: API_BASE_URL })],
      TestBed.inject(EnvironmentInjector),
    );
    await expect(child.get(CartoAuthService).getAccessToken()).resolves.toBe('public-map');
    child.destroy();
  });

  it('options without a strategy: the core\'s coded config error, not "reading defaultPorts"', () => {
    TestBed.configureTestingModule({
      providers: [provideCartoAuth({ apiBaseUrl: API_BASE_URL } as never)],
    });
    expect(() => TestBed.inject(CartoAuthService)).toThrow(
      expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining('strategy') }),
    );
  });
});
