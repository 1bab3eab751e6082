/** Starting and stopping one emulator: both HTTP servers, the provider and the database. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EmulatorAdmin } from './admin-types.js';
import { ApiTokenStore } from './api/api-tokens.js';
import { createApiHandler } from './api/api-server.js';
import { generateSigningKey, withKid } from './auth/keys.js';
import { ensureTemplate } from './db/database.js';
import { createSqlEngine } from './db/engine.js';
import { createInProcessAdmin } from './http/admin.js';
import { createFrontDoor, type Handler } from './http/front-door.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { EmulatorState } from './state.js';

/** A running emulator, from {@link startEmulator}. */
export interface RunningEmulator {
  /** Base URL of the authorization server, e.g. `http://127.0.0.1:9010` (no trailing slash). */
  readonly authUrl: string;
  /** Base URL of the CARTO APIs, e.g. `http://127.0.0.1:9011`. */
  readonly apiUrl: string;
  /** Token issuer, `<authUrl>/` (trailing slash, like Auth0). */
  readonly issuer: string;
  /** Fault injection and introspection, in-process (the same operations as `/__admin/*`). */
  readonly admin: EmulatorAdmin;
  /** Stops both servers (dropping open and hung connections) and frees the database. Idempotent. */
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The host to put in URLs: wildcard binds are reached over loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Holds requests that arrive while the emulator is still starting, then hands them over. */
function gate(server: Server): (handler: Handler) => void {
  let ready: (handler: Handler) => void = () => undefined;
  const handler = new Promise<Handler>((resolve) => (ready = resolve));
  server.on('request', (req, res) => void handler.then((h) => h(req, res)));
  return ready;
}

/**
 * Starts an emulator in this process: the authorization server (a real OpenID provider shaped like
 * `auth.carto.com`) and the CARTO APIs (Tokens, SQL, tenant discovery) over an embedded Postgres.
 *
 * ESM only (oidc-provider is ESM-only); from Jest use `spawnEmulator()` of `@carto-auth/emulator/testing`.
 *
 * @param options - ports, token lifetimes, extra redirect URIs…; see {@link EmulatorOptions}.
 * @returns the URLs, an in-process admin and `close()`; call `close()` when done.
 * @example
 * ```ts
 * const emulator = await startEmulator({ authPort: 0, apiPort: 0 });
 * const discovery = await fetch(`${emulator.issuer}.well-known/openid-configuration`).then((r) => r.json());
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const state = new EmulatorState();
  // The slow parts run side by side: the one-time database build (seconds, only when not cached yet),
  // RSA key generation, and loading oidc-provider.
  const templateReady = ensureTemplate();
  const keyReady = resolved.signingKey ? withKid(resolved.signingKey) : generateSigningKey();
  templateReady.catch(() => undefined);
  keyReady.catch(() => undefined);
  const sql = createSqlEngine({ timeoutMs: resolved.sqlTimeout * 1000 });

  const authHttp = createServer({ keepAliveTimeout: 5000 });
  const apiHttp = createServer({ keepAliveTimeout: 5000 });
  const openAuth = gate(authHttp);
  const openApi = gate(apiHttp);
  try {
    const [authPort, apiPort] = await Promise.all([
      listen(authHttp, resolved.host, resolved.authPort),
      listen(apiHttp, resolved.host, resolved.apiPort),
    ]);
    const authUrl = `http://${urlHost(resolved.host)}:${authPort}`;
    const apiUrl = `http://${urlHost(resolved.host)}:${apiPort}`;
    const issuer = `${authUrl}/`;

    // Imported here so that loading oidc-provider overlaps with the key generation started above.
    const { createAuthServer } = await import('./auth/auth-server.js');
    const auth = await createAuthServer(
      { options: resolved, state, issuer, orgByGrant: new Map() },
      await keyReady,
    );
    const tokens = new ApiTokenStore(state.clock);
    state.onReset(() => tokens.clear());
    await templateReady;
    const api = createApiHandler({ state, tokens, verify: auth.verify, sql, apiUrl });

    openAuth(createFrontDoor('auth', state, auth.handler, resolved.log));
    openApi(createFrontDoor('api', state, api, resolved.log));
    if (resolved.preloadDatabase) void sql.start().catch(() => undefined);

    let closing: Promise<void> | undefined;
    return {
      authUrl,
      apiUrl,
      issuer,
      admin: createInProcessAdmin(state),
      close() {
        closing ??= Promise.all([stop(authHttp), stop(apiHttp)]).then(() => sql.close());
        return closing;
      },
    };
  } catch (error) {
    await Promise.all([stop(authHttp), stop(apiHttp)]);
    await sql.close();
    throw error;
  }
}
