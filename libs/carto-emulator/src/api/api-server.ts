/** The CARTO API server: routing and CORS for the Tokens, SQL and tenant discovery APIs. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpError, sendEmpty, sendJson } from '../http/body.js';
import type { Handler } from '../http/front-door.js';
import type { ApiContext } from './context.js';
import { handleSql } from './sql-api.js';
import { handleAccounts, handleConfigYaml } from './tenant.js';
import { handleTokens } from './tokens-api.js';

const CORS_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
const CORS_HEADERS = 'Authorization, Content-Type';

/** Browsers may call the APIs from any origin: tokens travel in a header, never in cookies. */
function allowCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Vary', 'Origin');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: ApiContext, url: URL): Promise<void> {
  const segments = url.pathname.split('/').filter(Boolean).map(decodeSegment);
  const [first, second, third, fourth] = segments;
  if (url.pathname === '/' && req.method === 'GET') {
    return sendJson(res, 200, {
      name: 'CARTO emulator APIs',
      apis: ['GET /config.yaml', 'GET /accounts', '/v3/tokens', '/v3/sql/{connection}/query'],
    });
  }
  if (url.pathname === '/favicon.ico') return sendEmpty(res, 204);
  if (url.pathname === '/config.yaml' && req.method === 'GET') return handleConfigYaml(res, ctx);
  if (url.pathname === '/accounts' && req.method === 'GET') return handleAccounts(req, res, ctx);
  if (first === 'v3' && second === 'tokens' && segments.length <= 3)
    return handleTokens(req, res, ctx, third);
  if (first === 'v3' && second === 'sql' && third && fourth === 'query' && segments.length === 4) {
    return handleSql(req, res, ctx, third, url);
  }
  throw new HttpError(404, { error: 'Not Found', description: `No API at ${req.method} ${url.pathname}` });
}

/** Creates the API server's request handler. */
export function createApiHandler(ctx: ApiContext): Handler {
  return async (req, res) => {
    allowCors(req, res);
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204, {
        'Access-Control-Allow-Methods': CORS_METHODS,
        'Access-Control-Allow-Headers': CORS_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      return;
    }
    const url = new URL(req.url ?? '/', ctx.apiUrl);
    try {
      await route(req, res, ctx, url);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      req.resume();
      sendJson(res, error.status, error.body, error.headers);
    }
  };
}
