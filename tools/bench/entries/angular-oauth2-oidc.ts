// angular-oauth2-oidc: provider (with its interceptor) and service.
import { OAuthService, provideOAuthClient } from 'angular-oauth2-oidc';

export default [provideOAuthClient, OAuthService];
