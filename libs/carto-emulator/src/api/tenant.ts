/**
 * Tenant discovery (CARTO.md "Tenant discovery"): `GET /accounts` with an OAuth token gives the
 * account and its `tenant_domain`; `GET /config.yaml` on that domain gives `apis.baseUrl`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { authenticate, requireOAuth } from './authenticate.js';
import type { ApiContext } from './context.js';
import { sendJson } from '../http/body.js';

/** `GET /accounts`. */
export async function handleAccounts(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
): Promise<void> {
  const { accountId } = requireOAuth(await authenticate(req, ctx), 'Accounts API');
  sendJson(res, 200, { id: accountId, tenant_domain: new URL(ctx.apiUrl).host, tenant_id: 'carto-emulator' });
}

/** `GET /config.yaml` (public). */
export function handleConfigYaml(res: ServerResponse, ctx: ApiContext): void {
  res.writeHead(200, { 'Content-Type': 'text/yaml; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`# CARTO emulator tenant configuration\napis:\n  baseUrl: ${ctx.apiUrl}\n`);
}
