// oidc-client-ts: UserManager (signinRedirect, signinCallback, getUser are its methods).
import { UserManager } from 'oidc-client-ts';

export default [UserManager];
