import { createServer, type Server } from 'node:http';
import { apiToken, createCartoAuth, m2m, querySql, CartoAuthError, ERR_API } from '@carto-auth/core';
import { nodePorts } from '@carto-auth/core/node';
import type { SampleConfig } from './config';
import { createTokenFactory } from './token-factory';
import { renderPage } from './page';

/** A running m2m-sample. */
export interface RunningSample {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the token-factory sample: `/` renders rows read with a minted token, `/api/token` hands one out. */
export async function startSample(config: SampleConfig): Promise<RunningSample> {
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

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    try {
      if (path === '/api/token') {
        const token = await factory.token();
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(
          JSON.stringify({
            token,
            apiBaseUrl: config.apiBaseUrl,
            connection: config.connection,
            table: config.table,
          }),
        );
      } else if (path === '/api/rows') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ rows: await readRows() }));
      } else if (path === '/') {
        const rows = await readRows();
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(renderPage({ rows, config }));
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('Not found');
      }
    } catch (error) {
      const code = error instanceof CartoAuthError ? error.code : ERR_API;
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: code, message: error instanceof Error ? error.message : String(error) }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  origin = `http://${config.host}:${port}`;
  return {
    url: origin,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        m2mClient.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function withOrigin(headers: HeadersInit | undefined, origin: string): Headers {
  const merged = new Headers(headers);
  merged.set('Origin', origin);
  return merged;
}
