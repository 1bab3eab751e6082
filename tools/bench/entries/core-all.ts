// Every strategy of the core.
import { apiToken, createCartoAuth, m2m, spa } from '@carto-auth/core';

export default [createCartoAuth, apiToken, spa, m2m];
