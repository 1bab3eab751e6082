/**
 * @carto-auth/angular: CARTO authentication for Angular 21 standalone, zoneless apps. Every export of
 * the adapter is listed here; the core's public API is re-exported so apps import one package.
 */
export { provideCartoAuth } from './provide-carto-auth';
export { CartoAuthService } from './carto-auth-service';
export { cartoAuthInterceptor } from './carto-auth-interceptor';
export { cartoAuthGuard, createCartoAuthGuard } from './carto-auth-guard';
export type { CartoAuthGuardOptions } from './carto-auth-guard';

export * from '@carto-auth/core';
