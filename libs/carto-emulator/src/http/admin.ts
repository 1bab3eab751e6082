/**
 * `/__admin/*`: fault injection and introspection over HTTP, answered by both servers from the same
 * state. Loopback clients only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { EmulatorAdmin } from '../admin-types.js';
import type { EmulatorState } from '../state.js';
import { HttpError, isLoopback, readJson, sendEmpty, sendJson } from './body.js';
import { parseFaultSpec } from './faults.js';

/** The path prefix of the admin API. */
export const ADMIN_PREFIX = '/__admin';

/** Handles one admin request. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: EmulatorState,
): Promise<void> {
  if (!isLoopback(req)) {
    sendJson(res, 403, { error: 'Forbidden', description: 'The admin API answers loopback clients only' });
    return;
  }
  const route = `${req.method ?? 'GET'} ${path}`;
  try {
    switch (route) {
      case 'POST /__admin/faults': {
        const spec = parseFaultSpec(await readJson(req));
        if (typeof spec === 'string') throw new HttpError(400, { error: 'Bad Request', description: spec });
        state.faults.add(spec);
        sendJson(res, 201, { ok: true, fault: spec });
        return;
      }
      case 'DELETE /__admin/faults':
        state.faults.clear();
        sendEmpty(res, 204);
        return;
      case 'POST /__admin/clock': {
        const body = (await readJson(req)) as { offsetSeconds?: unknown } | undefined;
        const offset = body?.offsetSeconds;
        if (typeof offset !== 'number' || !Number.isFinite(offset)) {
          throw new HttpError(400, { error: 'Bad Request', description: '"offsetSeconds" must be a number' });
        }
        state.clock.setOffsetSeconds(offset);
        sendJson(res, 200, { offsetSeconds: offset, now: new Date(state.clock.now()).toISOString() });
        return;
      }
      case 'POST /__admin/reset':
        state.reset();
        sendEmpty(res, 204);
        return;
      case 'GET /__admin/requests':
        sendJson(res, 200, state.requests.list());
        return;
      case 'DELETE /__admin/requests':
        state.requests.clear();
        sendEmpty(res, 204);
        return;
      default:
        sendJson(res, 404, { error: 'Not Found', description: `No admin route ${route}` });
    }
  } catch (error) {
    if (error instanceof HttpError) sendJson(res, error.status, error.body, error.headers);
    else throw error;
  }
}

/** The same operations, in-process (used by {@link RunningEmulator.admin}). */
export function createInProcessAdmin(state: EmulatorState): EmulatorAdmin {
  return {
    async fault(fault) {
      const spec = parseFaultSpec(fault);
      if (typeof spec === 'string') throw new TypeError(`Invalid fault: ${spec}.`);
      state.faults.add(spec);
    },
    async setClockOffset(seconds) {
      if (!Number.isFinite(seconds))
        throw new TypeError('setClockOffset() needs a finite number of seconds.');
      state.clock.setOffsetSeconds(seconds);
    },
    async reset() {
      state.reset();
    },
    async requests() {
      return state.requests.list();
    },
    async clearRequests() {
      state.requests.clear();
    },
  };
}
