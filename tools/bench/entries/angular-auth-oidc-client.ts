// angular-auth-oidc-client: provider, service, interceptor and guard.
import {
  OidcSecurityService,
  authInterceptor,
  autoLoginPartialRoutesGuard,
  provideAuth,
} from 'angular-auth-oidc-client';

export default [provideAuth, OidcSecurityService, authInterceptor, autoLoginPartialRoutesGuard];
