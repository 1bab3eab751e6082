// A Svelte app with CARTO login: the client, its stores, and the SPA strategy.
import { createCartoAuth, createCartoAuthStores, spa } from '@carto-auth/svelte';

export default [createCartoAuth, createCartoAuthStores, spa];
