/**
 * @carto-auth/core: authenticate to CARTO with an API access token, an SPA OAuth client (PKCE) or an
 * M2M OAuth client. Every export of the package is listed here.
 */
export { createCartoAuth } from './client';
export { guardRoute, settledSnapshot } from './guard';
export { tokenAfterUnauthorized } from './renewal';
export type { GuardDecision } from './guard';
export type { CartoAuthClient, CartoAuthOptions, GetAccessTokenOptions, InspectedTransition } from './client';
export type {
  AuthSnapshot,
  CartoUser,
  LoginOptions,
  LogoutOptions,
  StrategyKind,
  Strategy,
  TokenDecision,
} from './types';

export { apiToken } from './strategies/api-token';
export type { ApiTokenOptions } from './strategies/api-token';
export { persistentStorage, spa } from './strategies/spa-pkce';
export type { PersistenceScope, RenewMode, SpaOptions, SpaPersistence } from './strategies/spa-pkce';
export { m2m, memoryTokenCache } from './strategies/m2m';
export type { M2mOptions, M2mTokenCache } from './strategies/m2m';
export type { M2mToken } from './strategies/m2m/machine';

export {
  CartoAuthError,
  ERR_API,
  ERR_AUTHORIZE_FAILED,
  ERR_CANCELLED,
  ERR_INSECURE_URL,
  ERR_INVALID_CONFIG,
  ERR_INVALID_RESPONSE,
  ERR_INVALID_TOKEN_REQUEST,
  ERR_LOGIN_REQUIRED,
  ERR_M2M_IN_BROWSER,
  ERR_NETWORK,
  ERR_NOT_AUTHENTICATED,
  ERR_ORGANIZATION_MISMATCH,
  ERR_SIGNUP_INCOMPLETE,
  ERR_STATE_MISMATCH,
  ERR_STORAGE_UNAVAILABLE,
  ERR_TIMEOUT,
  ERR_TOKEN_REQUEST_FAILED,
  ERR_UNAUTHORIZED,
} from './errors';
export type { CartoAuthErrorCode, CartoAuthErrorDetails } from './errors';

export type {
  BroadcastPort,
  ClockPort,
  LockNote,
  LockPort,
  NavigationPort,
  Ports,
  StoragePort,
  TimerHandle,
} from './ports/types';
export { browserLock, browserPorts, defaultPorts } from './ports/ports.browser';
export { minimalPorts } from './ports/ports.minimal';
export {
  manualClock,
  memoryLock,
  memoryPorts,
  memoryStorage,
  recordingNavigation,
} from './ports/ports.memory';
export type { ManualClock, MemoryPortsOptions, RecordingNavigation } from './ports/ports.memory';

export { querySql, MAX_GET_URL_LENGTH } from './carto/sql';
export type { SqlQuery, SqlResult } from './carto/sql';
export { tokensApi, validateTokenRequest } from './carto/tokens';
export type {
  ApiAccessToken,
  ApiAccessTokenRequest,
  CartoApi,
  TokenGrant,
  TokensApi,
  TokensApiCallOptions,
} from './carto/tokens';
export { discoverTenant } from './carto/discovery';
export type { TenantInfo } from './carto/discovery';
export { CARTO_ACCOUNTS_URL, CARTO_APP_URL, CARTO_AUDIENCE, CARTO_AUTH_DOMAIN } from './urls';
