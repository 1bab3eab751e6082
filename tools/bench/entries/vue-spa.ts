// A Vue app with CARTO login: plugin, composable, router guard, and the SPA strategy.
import { cartoAuthGuard, createCartoAuthPlugin, spa, useCartoAuth } from '@carto-auth/vue';

export default [createCartoAuthPlugin, useCartoAuth, cartoAuthGuard, spa];
