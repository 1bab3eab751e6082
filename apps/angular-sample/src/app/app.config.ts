import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  inject,
  provideBrowserGlobalErrorListeners,
  provideEnvironmentInitializer,
  provideZonelessChangeDetection,
  type ApplicationConfig,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { cartoAuthInterceptor, provideCartoAuth, spa } from '@carto-auth/angular';
import { routes } from './app.routes';
import { readSettings, spaOptionsFor } from '@carto-auth/sample-kit';
import { SAMPLE_SETTINGS } from './settings';
import { TransitionLog } from './transition-log';

const settings = readSettings();

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    // Initializers run in the order they are listed: the transition log attaches before provideCartoAuth's
    // own initializer starts the client, so start-up (startRequested → loading) is logged too.
    provideEnvironmentInitializer(() => void inject(TransitionLog)),
    provideCartoAuth({
      strategy: spa(spaOptionsFor(settings, window.location.origin)),
      apiBaseUrl: settings.apiBaseUrl,
    }),
    // Requests made with HttpClient to the CARTO API origin get the bearer token; others are left alone.
    provideHttpClient(withInterceptors([cartoAuthInterceptor])),
    { provide: SAMPLE_SETTINGS, useValue: settings },
  ],
};
