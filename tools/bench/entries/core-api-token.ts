// An app that only holds a CARTO API access token.
import { apiToken, createCartoAuth } from '@carto-auth/core';

export default [createCartoAuth, apiToken];
