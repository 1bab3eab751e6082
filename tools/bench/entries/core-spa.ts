// A browser app with CARTO login (Authorization Code + PKCE).
import { createCartoAuth, spa } from '@carto-auth/core';

export default [createCartoAuth, spa];
