// auth0-vue: plugin, composable and guard (auth0-spa-js is compiled into it).
import { authGuard, createAuth0, useAuth0 } from '@auth0/auth0-vue';

export default [createAuth0, useAuth0, authGuard];
