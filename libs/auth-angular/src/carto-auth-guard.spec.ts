import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  provideRouter,
  Router,
  UrlTree,
  type ActivatedRouteSnapshot,
  type RouterStateSnapshot,
} from '@angular/router';
import type { CartoAuthClient } from '@carto-auth/core';
import { cartoAuthGuard, createCartoAuthGuard } from './carto-auth-guard';
import { provideCartoAuth } from './provide-carto-auth';
import { APP_ORIGIN, flush, SIGNED_IN, spaClient, until } from '@carto-auth/adapter-testing';

const route = {} as ActivatedRouteSnapshot;
const state = { url: '/data' } as RouterStateSnapshot;

/** Runs a guard the way the router does: in the app's injection context. */
function runGuard(client: CartoAuthClient, guard = cartoAuthGuard) {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideCartoAuth(() => client)] });
  return TestBed.runInInjectionContext(() => guard(route, state)) as Promise<boolean | UrlTree>;
}

/** Observes whether a promise has settled yet. */
function track<T>(promise: Promise<T>) {
  const tracked = { done: false, value: undefined as T | undefined };
  void promise.then((value) => Object.assign(tracked, { done: true, value }));
  return tracked;
}

describe('cartoAuthGuard', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('lets a signed-in user through once the session is restored', async () => {
    const { client } = spaClient({
      session: SIGNED_IN,
    });
    await expect(runGuard(client)).resolves.toBe(true);
  });

  it('calls login({ returnTo }) exactly once for a plainly unauthenticated user and blocks the route', async () => {
    const { client, events, navigation, ports } = spaClient();
    await expect(runGuard(client)).resolves.toBe(false);
    await until(() => navigation.redirects.length > 0);
    expect(events.filter((type) => type === 'loginRequested')).toHaveLength(1);
    expect(client.getSnapshot().status).toBe('loading'); // redirecting to CARTO's login
    expect(navigation.redirects).toHaveLength(1);
    expect(navigation.redirects[0]).toMatch(/^http:\/\/127\.0\.0\.1:9010\/authorize\?/);
    expect(JSON.parse(ports.transientStorage.get('carto-auth:carto-spa-demo:pending') ?? '{}')).toMatchObject(
      { returnTo: '/data' },
    );
  });

  it('case-04: an access_denied callback lands in the snapshot and the guard does not start a new login', async () => {
    const { client, events, navigation } = spaClient({
      url: `${APP_ORIGIN}/callback?error=access_denied&error_description=not%20a%20member&state=x`,
      pending: { state: 'x', codeVerifier: 'v' },
    });
    await expect(runGuard(client)).resolves.toBe(false);
    expect(client.getSnapshot()).toMatchObject({ status: 'error', error: { code: 'authorize_failed' } });
    expect(events).not.toContain('loginRequested');
    expect(navigation.redirects).toEqual([]);
  });

  it('case-04: sends a failed login to the configured error route instead', async () => {
    const { client, events } = spaClient({
      url: `${APP_ORIGIN}/callback?error=access_denied&state=x`,
      pending: { state: 'x', codeVerifier: 'v' },
    });
    const result = await runGuard(client, createCartoAuthGuard({ errorRoute: '/login-failed' }));
    expect(result).toBeInstanceOf(UrlTree);
    expect(String(result)).toBe('/login-failed');
    expect(events).not.toContain('loginRequested');
  });

  it('case-24: on the callback route, waits until the code exchange is over before deciding', async () => {
    let failExchange!: (reason: Error) => void;
    const exchange = new Promise<Response>((_resolve, reject) => (failExchange = reject));
    const { client, events } = spaClient({
      url: `${APP_ORIGIN}/callback?code=abc&state=x`,
      pending: { state: 'x', codeVerifier: 'v' },
      fetch: () => exchange,
    });
    const decision = track(runGuard(client));
    await flush();
    expect(client.getSnapshot().status).toBe('loading'); // exchanging the code
    expect(decision.done).toBe(false);

    failExchange(new TypeError('network down'));
    await flush();
    expect(decision).toEqual({ done: true, value: false });
    expect(client.getSnapshot().status).toBe('error');
    expect(events).not.toContain('loginRequested');
  });

  it('case-04: an errorRoute under the same guard (a parent route) is shown, not redirected to again', async () => {
    @Component({ selector: 'carto-page', template: 'page' })
    class PageComponent {}
    const { client, events } = spaClient({
      url: `${APP_ORIGIN}/callback?error=access_denied&state=s-1`,
      pending: { state: 's-1', codeVerifier: 'v-1' },
    });
    let guardCalls = 0;
    const guard = createCartoAuthGuard({ errorRoute: '/failed' });
    TestBed.configureTestingModule({
      providers: [
        provideCartoAuth(() => client),
        provideRouter([
          {
            path: '',
            // Capped so that a loop fails the test instead of hanging it.
            canActivate: [(...args: Parameters<typeof guard>) => ++guardCalls > 20 || guard(...args)],
            children: [
              { path: 'failed', component: PageComponent },
              { path: 'data', component: PageComponent },
            ],
          },
        ]),
      ],
    });
    const router = TestBed.inject(Router);
    await client.start();
    await router.navigateByUrl('/data');
    expect(client.getSnapshot().status).toBe('error');
    expect(router.url).toBe('/failed');
    expect(guardCalls).toBe(2); // /data, then /failed once
    expect(events).not.toContain('loginRequested');
  });
});
