// auth0-spa-js: the client (loginWithRedirect, handleRedirectCallback, getTokenSilently are its methods).
import { createAuth0Client } from '@auth0/auth0-spa-js';

export default [createAuth0Client];
