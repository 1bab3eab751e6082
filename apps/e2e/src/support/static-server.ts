/**
 * A tiny static server for a built sample on 127.0.0.1 and a free port: files from `root`, `index.html`
 * for every other path (SPA fallback), and `/env.js` generated on each request from `env()`, the
 * `window.__CARTO_ENV__` convention every sample reads its settings from.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** A running static server. */
export interface StaticServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly origin: string;
  close(): Promise<void>;
}

/** The `CARTO_*` settings a sample reads from `window.__CARTO_ENV__`. */
export type CartoEnv = Record<string, string>;

/** Resolves `pathname` inside `root`, or undefined when it would escape it. */
function fileFor(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const file = path.join(root, path.normalize(decoded));
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

/**
 * Serves `root` until `close()`.
 *
 * @param env - called for every `/env.js` request, so the settings can be filled in after the server
 * has its port (the emulator needs this origin before it starts, the sample needs the emulator's URLs).
 */
export async function startStaticServer(root: string, env: () => CartoEnv): Promise<StaticServer> {
  const absoluteRoot = path.resolve(root);
  const index = path.join(absoluteRoot, 'index.html');
  const server: Server = createServer((req, res) => {
    void (async () => {
      const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
      const headers = { 'cache-control': 'no-store' };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
        return;
      }
      if (pathname === '/env.js') {
        const body = `window.__CARTO_ENV__ = ${JSON.stringify(env(), null, 2)};\n`;
        res
          .writeHead(200, { ...headers, 'content-type': TYPES['.js'] })
          .end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      let file = fileFor(absoluteRoot, pathname);
      if (
        !file ||
        !(await stat(file).then(
          (s) => s.isFile(),
          () => false,
        ))
      ) {
        // A missing asset is a 404; any other path is a client-side route (SPA fallback).
        if (path.extname(pathname)) {
          res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('Not found');
          return;
        }
        file = index;
      }
      const body = await readFile(file);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'content-type': type }).end(req.method === 'HEAD' ? undefined : body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
