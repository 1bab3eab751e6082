/**
 * @carto-auth/svelte: CARTO authentication for Svelte 5 as readable stores. Every export of the adapter
 * is listed here; the core's public API is re-exported so apps import one package.
 */
export { createCartoAuthStores } from './create-carto-auth-stores';
export type { CartoAuthStores } from './create-carto-auth-stores';

export * from '@carto-auth/core';
