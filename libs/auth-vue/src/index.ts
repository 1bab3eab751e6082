/**
 * @carto-auth/vue: CARTO authentication for Vue 3 apps. Every export of the adapter is listed here; the
 * core's public API is re-exported so apps import one package.
 */
export { createCartoAuthPlugin, CARTO_AUTH } from './plugin';
export type { CartoAuthContext, CartoAuthPlugin } from './plugin';
export { useCartoAuth } from './use-carto-auth';
export type { UseCartoAuth } from './use-carto-auth';
export { cartoAuthGuard, createCartoAuthGuard } from './guard';
export type { CartoAuthGuardOptions } from './guard';

export * from '@carto-auth/core';
