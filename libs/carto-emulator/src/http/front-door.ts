/**
 * What every request to either server goes through first: the admin API, the request log, injected
 * faults, and the emulator's clock.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import type { RequestLogEntry } from '../admin-types.js';
import type { EmulatorState } from '../state.js';
import { ADMIN_PREFIX, handleAdmin } from './admin.js';
import { sendJson } from './body.js';
import { applyFault } from './faults.js';

/** A request handler behind the front door. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Wraps `handler` with admin routes, logging, faults and the shifted clock. */
export function createFrontDoor(
  server: RequestLogEntry['server'],
  state: EmulatorState,
  handler: Handler,
  log?: (line: string) => void,
): RequestListener {
  return (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = pathnameOf(req.url);
    void state.clock.run(async () => {
      try {
        if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
          await handleAdmin(req, res, path, state);
          return;
        }
        const entry = state.requests.start(server, method, path, state.clock.now());
        const started = performance.now();
        res.once('finish', () => {
          entry.status = res.statusCode;
          log?.(`${server} ${method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
        });
        const fault = state.faults.take(method, path);
        if (fault && (await applyFault(fault, req, res))) return;
        await handler(req, res);
      } catch (error) {
        log?.(
          `${server} ${method} ${path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (!res.headersSent)
          sendJson(res, 500, {
            error: 'Internal Server Error',
            description: 'The emulator failed; see its log',
          });
        else res.destroy();
      }
    });
  };
}

function pathnameOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://emulator.invalid').pathname;
  } catch {
    return '/';
  }
}
