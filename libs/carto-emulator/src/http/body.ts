/** Request body reading and JSON/HTML responses for the emulator's plain node:http handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

const LIMIT = 1024 * 1024;
// Past the limit the rest of a body is read and dropped, so that the 413 reaches the client and its
// keep-alive connection stays usable; past this much, the connection is closed instead.
const DRAIN_LIMIT = 64 * 1024 * 1024;

/** An error with the HTTP status and JSON body to answer with (and extra response headers). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body['description'] === 'string' ? body['description'] : String(body['error']));
    this.name = 'HttpError';
  }
}

function tooLarge(headers: Record<string, string> = {}): HttpError {
  return new HttpError(
    413,
    { error: 'Payload Too Large', description: 'The request body is larger than 1 MiB' },
    headers,
  );
}

/**
 * Reads the whole request body as text (at most 1 MiB). A larger body is answered 413 once it has been
 * read to the end (and dropped), so the connection can carry the next request; one over 64 MiB is
 * refused at once with `Connection: close`.
 */
export function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (req.readableEnded) {
      resolve('');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMIT) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > DRAIN_LIMIT) {
        cleanup();
        req.pause();
        reject(tooLarge({ Connection: 'close' }));
      }
    };
    const onEnd = () => {
      cleanup();
      if (size > LIMIT) reject(tooLarge());
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The client closed the connection before the end of the request body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Reads a JSON body; an empty body reads as `undefined`, invalid JSON throws a 400 {@link HttpError}. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, { error: 'Bad Request', description: 'The request body is not valid JSON' });
  }
}

/** Reads an `application/x-www-form-urlencoded` body. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams(await readText(req));
}

/** Serializes JSON, turning BigInts (Postgres int8 beyond 2^53) into strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Sends a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = toJson(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Sends a response without a body. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** Whether the request comes from this machine (the admin API is loopback-only). */
export function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
