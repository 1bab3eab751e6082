/** The fault store behind `POST /__admin/faults`, and how a fault answers a request. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultSpec } from '../admin-types.js';

interface ActiveFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** Validates an untrusted fault description; returns an error message or the normalized spec. */
export function parseFaultSpec(input: unknown): FaultSpec | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'the fault must be a JSON object';
  const f = input as Record<string, unknown>;
  if (typeof f['path'] !== 'string' || !f['path'].startsWith('/'))
    return '"path" must be a pathname starting with "/"';
  if (f['method'] !== undefined && typeof f['method'] !== 'string') return '"method" must be a string';
  const times = f['times'] ?? 1;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1)
    return '"times" must be a whole number >= 1';
  const status = f['status'];
  if (
    status !== undefined &&
    (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
  ) {
    return '"status" must be an HTTP status between 100 and 599';
  }
  const body = f['body'];
  if (body !== undefined && typeof body !== 'string' && (typeof body !== 'object' || body === null)) {
    return '"body" must be a string or a JSON object/array';
  }
  for (const flag of ['garbage', 'hang'] as const) {
    if (f[flag] !== undefined && typeof f[flag] !== 'boolean') return `"${flag}" must be a boolean`;
  }
  if (f['retryAfter'] !== undefined && typeof f['retryAfter'] !== 'string')
    return '"retryAfter" must be a string';
  const delayMs = f['delayMs'];
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !(delayMs >= 0)))
    return '"delayMs" must be a number >= 0';
  return {
    path: f['path'],
    method: typeof f['method'] === 'string' ? f['method'].toUpperCase() : undefined,
    times,
    status: status as number | undefined,
    body: body as FaultSpec['body'],
    garbage: f['garbage'] === true,
    hang: f['hang'] === true,
    delayMs: delayMs as number | undefined,
    retryAfter: f['retryAfter'] as string | undefined,
  };
}

/** Pending faults, consumed by matching requests on either server. */
export class FaultStore {
  #faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.#faults.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.#faults = [];
  }

  /** Consumes one use of the first fault matching the request, if any. */
  take(method: string, path: string): FaultSpec | undefined {
    const found = this.#faults.find(
      ({ spec }) => spec.path === path && (spec.method ? spec.method === method : method !== 'OPTIONS'),
    );
    if (!found) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== found);
    return found.spec;
  }
}

function delay(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.on('close', done);
  });
}

/**
 * Answers a request with a fault. Returns false when the real handler must still run (a pure delay).
 * Hung responses are left open; the server destroys them on close.
 */
export async function applyFault(
  spec: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const answers = spec.garbage || spec.status !== undefined || spec.body !== undefined;
  // A pure delay hands the request to the real handler, which still has to read its body.
  if (answers || spec.hang) req.resume();
  if (spec.hang) return true;
  if (spec.delayMs) await delay(spec.delayMs, res);
  if (res.destroyed) return true;
  if (spec.delayMs && !answers) return false;

  // Let browsers read the injected answer instead of reporting a CORS failure.
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  if (spec.garbage) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      '<html><body><h1>502 Bad Gateway</h1><p>upstream sent an invalid response (injected by the CARTO emulator)</p></body></html>',
    );
    return true;
  }
  if (spec.retryAfter !== undefined) res.setHeader('Retry-After', spec.retryAfter);
  const status = spec.status ?? 503;
  const body = spec.body ?? {
    error: 'fault_injected',
    error_description: `Fault injected by the CARTO emulator (HTTP ${status})`,
  };
  if (typeof body === 'string') {
    res.writeHead(status, {
      'Content-Type': looksLikeJson(body) ? 'application/json' : 'text/plain; charset=utf-8',
    });
    res.end(body);
  } else {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }
  return true;
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
