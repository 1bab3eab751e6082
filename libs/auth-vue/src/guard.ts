import { guardRoute } from '@carto-auth/core';
import { hasInjectionContext, inject } from 'vue';
import { useRouter, type NavigationGuardWithThis, type RouteLocationRaw } from 'vue-router';
import { CARTO_AUTH, inBrowser, pluginMissing } from './plugin';

/** Options of {@link createCartoAuthGuard}. */
export interface CartoAuthGuardOptions {
  /** Where to go when the login failed (snapshot status `error`). Default: stay (the navigation is cancelled). */
  errorRoute?: RouteLocationRaw;
}

/**
 * A vue-router guard (`beforeEnter` or `beforeEach`) built on the core's `guardRoute`: it waits until
 * start-up and any login callback are processed (case-24), lets signed-in users through, never starts a
 * login after a failed one (case-04; `errorRoute` itself is let through, so a global guard cannot loop),
 * and otherwise starts one login that comes back to the route.
 * On the server it cancels the navigation (case-21).
 * @example
 * { path: '/data', component: DataPage, beforeEnter: createCartoAuthGuard({ errorRoute: '/' }) }
 */
export function createCartoAuthGuard(
  options: CartoAuthGuardOptions = {},
): NavigationGuardWithThis<undefined> {
  return async (to) => {
    if (!inBrowser()) return false; // the plugin's test: where it never starts the client, never log in
    // vue-router runs guards in the app's injection context.
    const context = hasInjectionContext() ? inject(CARTO_AUTH, null) : null;
    if (!context) throw pluginMissing('cartoAuthGuard (vue-router 4.2 or newer runs guards in the app)');
    const router = useRouter();
    const decision = await guardRoute(context.client, to.fullPath);
    if (decision === 'allow') return true;
    if (decision !== 'error' || options.errorRoute === undefined) return false;
    // The error route may be guarded too (a global beforeEach): let it show instead of redirecting again.
    return router.resolve(options.errorRoute).path === to.path || options.errorRoute;
  };
}

/** {@link createCartoAuthGuard} with default options. */
export const cartoAuthGuard = createCartoAuthGuard();
