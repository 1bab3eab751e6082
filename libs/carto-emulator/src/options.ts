/**
 * Emulator options and their defaults (DESIGN.md §4: `127.0.0.1`, ports 9010/9011, CARTO's lifetimes).
 */
import type { JWK } from 'jose';

import { parseUrl } from './http/url.js';

/** Options of {@link startEmulator}; every field is optional. */
export interface EmulatorOptions {
  /** Interface both servers listen on. Default `127.0.0.1` (not `localhost`: Node resolves it to `::1` first). */
  host?: string;
  /** Port of the authorization server; 0 picks a free port. Default 9010. */
  authPort?: number;
  /** Port of the CARTO API server; 0 picks a free port. Default 9011. */
  apiPort?: number;
  /** Lifetime of user access tokens in seconds (`expires_in`). Default 86400 (CARTO's 24 h). */
  accessTokenTtl?: number;
  /** Lifetime of ID tokens in seconds. Default 36000. */
  idTokenTtl?: number;
  /** Lifetime of refresh tokens in seconds. Default 2592000 (30 days). */
  refreshTokenTtl?: number;
  /** Lifetime of M2M (client credentials) access tokens in seconds. Default 86400. */
  m2mTokenTtl?: number;
  /** Issue rotating refresh tokens when the SPA asks for `offline_access`. Default true. */
  refreshTokens?: boolean;
  /**
   * Extra allowed SPA callback and logout URLs. Their origins become allowed web origins (CORS, sign-up
   * `redirectUri`). The sample apps' URLs are always allowed.
   */
  redirectUris?: string[];
  /** Private RSA signing key (JWK with `d`) for RS256 tokens; generated when absent. */
  signingKey?: JWK;
  /**
   * Load the SQL engine right after start instead of on the first SQL API request (about a second of
   * CPU either way). Default false: most emulators, in auth tests, never run SQL.
   */
  preloadDatabase?: boolean;
  /**
   * Wall-clock limit of one SQL API query, in seconds (whole or fractional). A query that runs longer is
   * answered 504 and its copy of the database is replaced (PGlite ignores `statement_timeout`), so it
   * cannot hold the other SQL requests. Default 5.
   */
  sqlTimeout?: number;
  /** Suppress request logging. Default false (requests are logged only when `log` is given). */
  quiet?: boolean;
  /** Receives one line per request when not quiet. Default: no logging. */
  log?: (line: string) => void;
}

/** The sample apps' origins (DESIGN.md §5, a **contract**). */
export const SAMPLE_ORIGINS: readonly string[] = [
  'http://127.0.0.1:4200',
  'http://127.0.0.1:5173',
  'http://127.0.0.1:5174',
  'http://127.0.0.1:3000',
];

/** Options with every default applied. */
export interface ResolvedOptions {
  readonly host: string;
  readonly authPort: number;
  readonly apiPort: number;
  readonly accessTokenTtl: number;
  readonly idTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly m2mTokenTtl: number;
  readonly refreshTokens: boolean;
  /** Allowed SPA callback URLs (exact match, CARTO.md §2). */
  readonly callbackUrls: readonly string[];
  /** Allowed logout `returnTo` URLs. */
  readonly logoutUrls: readonly string[];
  /** Allowed web origins (CORS, sign-up redirect). */
  readonly webOrigins: readonly string[];
  readonly signingKey: JWK | undefined;
  readonly preloadDatabase: boolean;
  /** Seconds. */
  readonly sqlTimeout: number;
  readonly log: ((line: string) => void) | undefined;
}

function positiveSeconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive whole number of seconds, got ${String(value)}.`);
  }
  return value;
}

function positiveNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of seconds, got ${String(value)}.`);
  }
  return value;
}

function port(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new TypeError(`${name} must be a port number between 0 and 65535, got ${String(value)}.`);
  }
  return value;
}

/** Applies the defaults and validates the options; throws a `TypeError` naming the bad option. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const extra = (options.redirectUris ?? []).map((uri) => {
    const parsed = parseUrl(uri);
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new TypeError(`redirectUris must hold absolute http(s) URLs, got ${JSON.stringify(uri)}.`);
    }
    return uri;
  });
  const defaults = SAMPLE_ORIGINS.flatMap((origin) => [`${origin}/`, `${origin}/callback`]);
  const callbackUrls = [...new Set([...defaults, ...extra])];
  const webOrigins = [...new Set([...SAMPLE_ORIGINS, ...extra.map((uri) => new URL(uri).origin)])];
  return {
    host: options.host ?? '127.0.0.1',
    authPort: port('authPort', options.authPort, 9010),
    apiPort: port('apiPort', options.apiPort, 9011),
    accessTokenTtl: positiveSeconds('accessTokenTtl', options.accessTokenTtl, 86400),
    idTokenTtl: positiveSeconds('idTokenTtl', options.idTokenTtl, 36000),
    refreshTokenTtl: positiveSeconds('refreshTokenTtl', options.refreshTokenTtl, 2592000),
    m2mTokenTtl: positiveSeconds('m2mTokenTtl', options.m2mTokenTtl, 86400),
    refreshTokens: options.refreshTokens ?? true,
    callbackUrls,
    logoutUrls: callbackUrls,
    webOrigins,
    signingKey: options.signingKey,
    preloadDatabase: options.preloadDatabase ?? false,
    sqlTimeout: positiveNumber('sqlTimeout', options.sqlTimeout, 5),
    log: options.quiet ? undefined : options.log,
  };
}
