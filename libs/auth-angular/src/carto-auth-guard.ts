import { isPlatformBrowser } from '@angular/common';
import { inject, PLATFORM_ID } from '@angular/core';
import { Router, type CanActivateFn } from '@angular/router';
import { guardRoute } from '@carto-auth/core';
import { CartoAuthService } from './carto-auth-service';

/** Options of {@link createCartoAuthGuard}. */
export interface CartoAuthGuardOptions {
  /** Where to go when the login failed (snapshot status `error`). Default: stay (the guard returns `false`). */
  errorRoute?: string;
}

/**
 * A route guard on the core's `guardRoute`: it waits until start-up and any login callback are
 * processed (case-24), then lets signed-in users through. A failed login (status `error`, e.g. `access_denied`) never starts a new
 * one (case-04, no redirect loop): the guard returns `false` or a `UrlTree` to `errorRoute` (and lets
 * `errorRoute` itself through, should it be guarded too). Otherwise
 * it calls `login({ returnTo })` once and returns `false`. On the server it returns `false` (case-21).
 * @example
 * { path: 'data', component: DataPage, canActivate: [createCartoAuthGuard({ errorRoute: '/' })] }
 */
export function createCartoAuthGuard(options: CartoAuthGuardOptions = {}): CanActivateFn {
  return async (_route, state) => {
    if (!isPlatformBrowser(inject(PLATFORM_ID))) return false;
    const { client } = inject(CartoAuthService);
    const router = inject(Router);
    const decision = await guardRoute(client, state.url);
    if (decision === 'allow') return true;
    if (decision !== 'error' || options.errorRoute === undefined) return false;
    const errorRoute = router.parseUrl(options.errorRoute);
    // The error route may sit under this guard too (a parent route's canActivate): let it show.
    return router.serializeUrl(errorRoute).split('?')[0] === state.url.split('?')[0] || errorRoute;
  };
}

/** {@link createCartoAuthGuard} with default options. */
export const cartoAuthGuard: CanActivateFn = createCartoAuthGuard();
