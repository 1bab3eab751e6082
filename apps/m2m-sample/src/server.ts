import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiToken, createCartoAuth, m2m, querySql, CartoAuthError, ERR_API } from '@carto-auth/core';
import { nodePorts } from '@carto-auth/core/node';
import { parsePublicOrigin, type SampleConfig } from './config';
import { createTokenFactory } from './token-factory';
import { renderPage } from './page';

/** A running m2m-sample. */
export interface RunningSample {
  /** Where the server answers, e.g. `http://127.0.0.1:3000` (also for a wildcard bind). */
  url: string;
  /** The browser origin the tokens are minted for: `config.publicOrigin`, else `url`. */
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Starts the token-factory sample: `/` renders rows read with a minted token, `/api/token` hands one out.
 * Rejects with a `TypeError` when `config.publicOrigin` is not an http(s) origin.
 */
export async function startSample(config: SampleConfig): Promise<RunningSample> {
  // Checked before anything starts: a wrong origin would only show later, as 403s in the browser.
  const publicOrigin = config.publicOrigin === undefined ? undefined : parsePublicOrigin(config.publicOrigin);
  const m2mClient = createCartoAuth({
    strategy: m2m({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authDomain: config.authDomain,
    }),
    apiBaseUrl: config.apiBaseUrl,
    ports: nodePorts(),
  });
  let origin = '';
  const factory = createTokenFactory(m2mClient, {
    connection: config.connection,
    table: config.table,
    get referer() {
      return origin;
    },
  });

  // Reads rows exactly as a browser on this origin would: the API access token plus our Origin header.
  async function readRows(): Promise<Record<string, unknown>[]> {
    for (let attempt = 0; ; attempt++) {
      const token = await factory.token();
      const browserLike = createCartoAuth({
        strategy: apiToken({ token }),
        apiBaseUrl: config.apiBaseUrl,
        ports: nodePorts({
          fetch: (input, init) => fetch(input, { ...init, headers: withOrigin(init?.headers, origin) }),
        }),
      });
      try {
        const result = await querySql(browserLike, {
          connection: config.connection,
          query: `select name, country, population, lat, lon from ${config.table} order by population desc limit 20`,
        });
        return result.rows;
      } catch (error) {
        // The emulator restarted or the token was deleted: mint a new one, once.
        if (
          attempt === 0 &&
          error instanceof CartoAuthError &&
          (error.status === 401 || error.code === 'unauthorized')
        ) {
          factory.invalidate(token);
          continue;
        }
        throw error;
      }
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = pathOf(request.url);
    if (path === undefined) return send(response, 400, 'text/plain', 'Bad request');
    try {
      if (path === '/api/token') {
        const token = await factory.token();
        const body = {
          token,
          apiBaseUrl: config.apiBaseUrl,
          connection: config.connection,
          table: config.table,
        };
        send(response, 200, 'application/json', JSON.stringify(body), { 'cache-control': 'no-store' });
      } else if (path === '/api/rows') {
        // Read before answering: once the status is sent, a failure can no longer become a 502.
        const rows = await readRows();
        send(response, 200, 'application/json', JSON.stringify({ rows }));
      } else if (path === '/') {
        const rows = await readRows();
        send(response, 200, 'text/html; charset=utf-8', renderPage({ rows, config }));
      } else {
        send(response, 404, 'text/plain', 'Not found');
      }
    } catch (error) {
      // Messages name internal URLs and repeat upstream answers: they go to the log, the browser gets the code.
      console.error(`m2m-sample: ${request.method} ${path} failed:`, error);
      const code = error instanceof CartoAuthError ? error.code : ERR_API;
      const message = 'Could not get data from CARTO; the details are in the server log.';
      send(response, 502, 'application/json', JSON.stringify({ error: code, message }));
    }
  }

  const server = createServer((request, response) => {
    // Node does not handle a rejected request handler: the unhandled rejection would end the process.
    handle(request, response).catch((error: unknown) => {
      console.error('m2m-sample: request failed:', error);
      if (response.headersSent) response.destroy();
      else send(response, 500, 'text/plain', 'Internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const url = localOrigin(server.address() as AddressInfo);
  origin = publicOrigin ?? url;
  return {
    url,
    origin,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        m2mClient.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request target's path, or undefined when it is not a URL (e.g. `//[`). */
function pathOf(target = '/'): string | undefined {
  try {
    return new URL(target, 'http://sample.invalid').pathname;
  } catch {
    return undefined;
  }
}

/**
 * Where a browser on this machine reaches a server bound to `address`: a wildcard bind (0.0.0.0, ::)
 * on loopback, an IPv6 literal in brackets.
 */
function localOrigin({ address, port }: AddressInfo): string {
  if (address === '0.0.0.0' || address === '::') return `http://127.0.0.1:${port}`;
  return address.includes(':') ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': contentType, ...headers });
  response.end(body);
}

function withOrigin(headers: HeadersInit | undefined, origin: string): Headers {
  const merged = new Headers(headers);
  merged.set('Origin', origin);
  return merged;
}
