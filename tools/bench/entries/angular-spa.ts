// An Angular app with CARTO login: provider, service, interceptor, guard, and the SPA strategy.
import {
  CartoAuthService,
  cartoAuthGuard,
  cartoAuthInterceptor,
  provideCartoAuth,
  spa,
} from '@carto-auth/angular';

export default [provideCartoAuth, CartoAuthService, cartoAuthInterceptor, cartoAuthGuard, spa];
