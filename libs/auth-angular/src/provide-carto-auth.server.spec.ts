/**
 * @jest-environment node
 */
// case-21 runs where a server renders: plain Node, no `window`, `document` or `location` at all, so
// anything that touched them would throw here.
import {
  createEnvironmentInjector,
  EnvironmentInjector,
  PLATFORM_ID,
  runInInjectionContext,
} from '@angular/core';
import { TestBed, TestComponentRenderer } from '@angular/core/testing';
import { provideRouter, type ActivatedRouteSnapshot, type RouterStateSnapshot } from '@angular/router';
import { apiToken, memoryPorts, spa } from '@carto-auth/core';
import { cartoAuthGuard } from './carto-auth-guard';
import { CartoAuthService } from './carto-auth-service';
import { provideCartoAuth } from './provide-carto-auth';
import { API_BASE_URL, APP_ORIGIN, AUTH_DOMAIN, CLIENT_ID, flush } from '@carto-auth/adapter-testing';

const options = () => ({
  strategy: spa({ clientId: CLIENT_ID, redirectUri: `${APP_ORIGIN}/callback`, authDomain: AUTH_DOMAIN }),
  apiBaseUrl: API_BASE_URL,
});

describe('provideCartoAuth on the server', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        { provide: PLATFORM_ID, useValue: 'server' },
        // TestBed's default renderer needs a DOM; these tests render nothing.
        {
          provide: TestComponentRenderer,
          useValue: { insertRootElement: () => undefined, removeAllRootElements: () => undefined },
        },
        provideRouter([]),
      ],
    });
  });
  afterEach(() => TestBed.resetTestingModule());

  it('case-21: creates the client without a window, never starts it and never redirects', async () => {
    expect(typeof window).toBe('undefined');
    TestBed.configureTestingModule({ providers: [provideCartoAuth(options())] }); // TestBed runs app initializers
    const auth = TestBed.inject(CartoAuthService);
    const logged: string[] = [];
    auth.client.inspect((_previous, event) => logged.push(event.type));
    await flush();
    expect(auth.snapshot().status).toBe('idle');

    const injector = TestBed.inject(EnvironmentInjector);
    const decision = runInInjectionContext(injector, () =>
      cartoAuthGuard({} as ActivatedRouteSnapshot, { url: '/data' } as RouterStateSnapshot),
    );
    await expect(decision).resolves.toBe(false);
    expect(logged).toEqual([]); // neither start() nor login()
  });

  it('case-21: two server requests (two injectors) get two clients that share nothing', async () => {
    const parent = TestBed.inject(EnvironmentInjector);
    const first = createEnvironmentInjector([provideCartoAuth(options())], parent);
    const second = createEnvironmentInjector([provideCartoAuth(options())], parent);
    const a = first.get(CartoAuthService);
    const b = second.get(CartoAuthService);
    expect(a.client).not.toBe(b.client);

    a.logout({ localOnly: true });
    expect(a.snapshot().status).toBe('unauthenticated');
    expect(b.snapshot().status).toBe('idle');
    first.destroy();
    second.destroy();
  });

  it('keeps the ports an app passes (a server fetch with its own agent, say)', async () => {
    let fetched = 0;
    const ports = memoryPorts({
      fetch: async () => {
        fetched++;
        return new Response('{}');
      },
    });
    const injector = createEnvironmentInjector(
      [provideCartoAuth({ strategy: apiToken({ token: 't' }), apiBaseUrl: API_BASE_URL, ports })],
      TestBed.inject(EnvironmentInjector),
    );
    await injector.get(CartoAuthService).client.fetch(`${API_BASE_URL}/v3/sql`);
    expect(fetched).toBe(1);
    injector.destroy();
  });
});
