import { isPlatformBrowser } from '@angular/common';
import {
  inject,
  makeEnvironmentProviders,
  PLATFORM_ID,
  provideAppInitializer,
  type EnvironmentProviders,
} from '@angular/core';
import { createCartoAuth, memoryPorts, type CartoAuthClient, type CartoAuthOptions } from '@carto-auth/core';
import { CartoAuthService } from './carto-auth-service';

/**
 * Provides {@link CartoAuthService} to a standalone app and starts the client at bootstrap.
 *
 * In the browser the client uses the browser's ports and bootstrap waits for `start()` in an app
 * initializer: a login callback is complete, and its parameters gone from the address bar, before the
 * router reads the URL (guards wait as well, case-24). On the server (SSR, case-21) the client gets
 * `memoryPorts()`, is never started and never redirects; every injector creates its own client, so two
 * requests never share a session. The factory form runs in an injection context and owns those choices.
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
        const browser = isPlatformBrowser(inject(PLATFORM_ID));
        if (typeof config === 'function') return new CartoAuthService(config());
        return new CartoAuthService(createCartoAuth(browser ? config : { ...config, ports: memoryPorts() }));
      },
    },
    provideAppInitializer(async () => {
      const auth = inject(CartoAuthService);
      // Failures land in the snapshot; start() rejects only when the app is destroyed meanwhile.
      if (isPlatformBrowser(inject(PLATFORM_ID))) await auth.start().catch(() => undefined);
    }),
  ]);
}
