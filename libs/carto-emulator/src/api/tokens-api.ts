/** The Tokens API, `/v3/tokens` (CARTO.md §1): OAuth access tokens manage their account's API access tokens. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpError, readJson, sendEmpty, sendJson } from '../http/body.js';
import { tokenView } from './api-tokens.js';
import { authenticate, requireOAuth } from './authenticate.js';
import type { ApiContext } from './context.js';
import { validateCreate, validatePatch } from './token-validation.js';

const API = 'Tokens API';

/** Handles `/v3/tokens` and `/v3/tokens/{token}`; `tokenId` is the decoded path segment, if any. */
export async function handleTokens(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ApiContext,
  tokenId?: string,
): Promise<void> {
  const principal = await authenticate(req, ctx);
  const method = req.method ?? 'GET';
  const now = ctx.state.clock.now();

  if (tokenId === undefined) {
    if (method === 'GET') {
      const { accountId } = requireOAuth(principal, API, 'read:tokens');
      sendJson(res, 200, { tokens: ctx.tokens.list(accountId).map(tokenView) });
      return;
    }
    if (method === 'POST') {
      const { accountId } = requireOAuth(principal, API, 'write:tokens');
      const record = await ctx.tokens.create(accountId, validateCreate(await readJson(req), now));
      sendJson(res, 201, tokenView(record));
      return;
    }
    throw new HttpError(405, {
      error: 'Method Not Allowed',
      description: `${method} is not allowed on /v3/tokens`,
    });
  }

  const permission = method === 'GET' ? 'read:tokens' : 'write:tokens';
  const { accountId } = requireOAuth(principal, API, permission);
  const record = ctx.tokens.find(accountId, tokenId);
  if (!record) throw new HttpError(404, { error: 'Not Found', description: 'Token not found' });
  switch (method) {
    case 'GET':
      sendJson(res, 200, tokenView(record));
      return;
    case 'PATCH':
      sendJson(res, 200, tokenView(ctx.tokens.update(record, validatePatch(await readJson(req), now))));
      return;
    case 'DELETE':
      ctx.tokens.delete(record);
      sendEmpty(res, 204);
      return;
    default:
      throw new HttpError(405, {
        error: 'Method Not Allowed',
        description: `${method} is not allowed on /v3/tokens/{token}`,
      });
  }
}
