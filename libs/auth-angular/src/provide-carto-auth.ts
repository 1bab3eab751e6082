import { isPlatformBrowser } from '@angular/common';
import {
  inject,
  InjectionToken,
  makeEnvironmentProviders,
  NgZone,
  PLATFORM_ID,
  provideAppInitializer,
  provideEnvironmentInitializer,
  type EnvironmentProviders,
} from '@angular/core';
import {
  createCartoAuth,
  ERR_INVALID_CONFIG,
  minimalPorts,
  type CartoAuthClient,
  type CartoAuthOptions,
  type ClockPort,
} from '@carto-auth/core';
import { CartoAuthService } from './carto-auth-service';

/**
 * Provides {@link CartoAuthService} to a standalone app and starts the client at bootstrap.
 *
 * In the browser the client uses the browser's ports and bootstrap waits for `start()` in an app
 * initializer: a login callback is complete, and its parameters gone from the address bar, before the
 * router reads the URL (guards wait as well, case-24); in a child environment injector (a lazy route's
 * providers) the client starts when the injector is created. Its timers run outside Angular's zone, so
 * a scheduled renewal or a request time-out never keeps a zone-based app unstable (case-23). On the
 * server (SSR, case-21) the client gets `minimalPorts()` unless `ports` are given, is never started and
 * never redirects; every injector creates its own client, so two requests never share a session. The
 * factory form runs in an injection context and owns those choices.
 * @param config the options of `createCartoAuth`, or a factory returning a ready client.
 * @example
 * export const appConfig: ApplicationConfig = {
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideCartoAuth({ strategy: spa({ clientId, redirectUri: location.origin + '/callback' }), apiBaseUrl }),
 *     provideHttpClient(withInterceptors([cartoAuthInterceptor])),
 *   ],
 * };
 */
export function provideCartoAuth(config: CartoAuthOptions | (() => CartoAuthClient)): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: CartoAuthService,
      useFactory: () => {
        if (typeof config === 'function') return serviceFor(config());
        // Without a strategy there are no ports to wrap: createCartoAuth() throws its coded config error.
        if (!config?.strategy) return serviceFor(createCartoAuth(config));
        if (!isPlatformBrowser(inject(PLATFORM_ID))) {
          return serviceFor(createCartoAuth({ ...config, ports: config.ports ?? minimalPorts() }));
        }
        const ports = config.ports ?? config.strategy.defaultPorts();
        const { clock } = ports;
        const zone = inject(NgZone);
        // Calls, not a spread: a clock written as a class keeps its methods and `this`.
        const outsideZone: ClockPort = {
          now: () => clock.now(),
          setTimer: (callback, delayMs) => zone.runOutsideAngular(() => clock.setTimer(callback, delayMs)),
          clearTimer: (handle) => clock.clearTimer(handle),
        };
        return serviceFor(createCartoAuth({ ...config, ports: { ...ports, clock: outsideZone } }));
      },
    },
    { provide: PROVIDED_SERVICE, useExisting: CartoAuthService },
    // Starts the client of any environment injector, root or child; start() twice is one start (case-05).
    provideEnvironmentInitializer(startInBrowser),
    // The root one also holds bootstrap until the callback is processed.
    provideAppInitializer(startInBrowser),
  ]);
}

/**
 * The service of the nearest `provideCartoAuth` of an injector. Probing it (not `CartoAuthService`,
 * whose root default throws) tells a child what its parents hold without disturbing them.
 */
export const PROVIDED_SERVICE = new InjectionToken<CartoAuthService>('carto-auth: provided service');

/**
 * The service for `client` in this injector. One client shared with a parent (a factory handing out
 * the same one) keeps the parent's service, stopped with the parent only. An SPA client below another
 * one (the same options in a lazy route, say) would never see the login the root client completes:
 * its guard would send users to CARTO's login again and again, so it is stopped and refused. A child may
 * hold another strategy (an API token for a public map).
 */
function serviceFor(client: CartoAuthClient): CartoAuthService {
  const parent = inject(PROVIDED_SERVICE, { skipSelf: true, optional: true });
  if (parent?.client === client) return parent;
  if (client.strategy === 'spa' && parent?.client.strategy === 'spa') {
    client.stop();
    throw Object.assign(
      new TypeError(
        'provideCartoAuth(): a parent injector has an SPA client already; inject CartoAuthService instead',
      ),
      { code: ERR_INVALID_CONFIG },
    );
  }
  return new CartoAuthService(client);
}

/** Failures land in the snapshot; start() rejects only when the injector is destroyed meanwhile. */
function startInBrowser(): Promise<void> | void {
  // Not async: a client that cannot be created must throw where the injector is created, not become
  // an unhandled rejection of an environment initializer nobody awaits.
  const auth = inject(CartoAuthService);
  if (isPlatformBrowser(inject(PLATFORM_ID)))
    return auth.start().then(
      () => undefined,
      () => undefined,
    );
}
