// auth0-angular: provider, service, interceptor and guard (it bundles auth0-spa-js).
import { AuthService, authGuardFn, authHttpInterceptorFn, provideAuth0 } from '@auth0/auth0-angular';

export default [provideAuth0, AuthService, authHttpInterceptorFn, authGuardFn];
