/** Small helpers for the auth server's own Koa middlewares (mounted with `provider.use`). */
import type { Provider } from 'oidc-provider';

import { escapeHtml } from './html.js';

/** A Koa middleware as oidc-provider's `use` takes it. */
export type Middleware = Parameters<Provider['use']>[0];

/** The Koa context of such a middleware. */
export type KoaContext = Parameters<Middleware>[0];

/** Answers with an HTML page. */
export function sendHtml(ctx: KoaContext, status: number, html: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = html;
}

/** One query parameter as a string (the first when repeated). */
export function queryParam(ctx: KoaContext, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export { escapeHtml };
