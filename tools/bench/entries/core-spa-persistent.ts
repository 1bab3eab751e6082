// A browser app with CARTO login that keeps the session across reloads (and shares it across tabs).
import { createCartoAuth, persistentStorage, spa } from '@carto-auth/core';

export default [createCartoAuth, spa, persistentStorage];
