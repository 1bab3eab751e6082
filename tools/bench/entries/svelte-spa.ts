// A Svelte app with CARTO login: the stores and the SPA strategy.
import { createCartoAuthStores, spa } from '@carto-auth/svelte';

export default [createCartoAuthStores, spa];
