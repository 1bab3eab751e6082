/** The request log behind `GET /__admin/requests`. */
import type { RequestLogEntry } from '../admin-types.js';

/** Keeps the latest requests (bounded, oldest dropped first). */
export class RequestLog {
  static readonly LIMIT = 5000;
  #entries: RequestLogEntry[] = [];

  /** Records a request as it arrives; the caller fills in `status` when it is answered. */
  start(server: RequestLogEntry['server'], method: string, path: string, at: number): RequestLogEntry {
    const entry: RequestLogEntry = { server, method, path, status: 0, at };
    this.#entries.push(entry);
    if (this.#entries.length > RequestLog.LIMIT) this.#entries.shift();
    return entry;
  }

  list(): RequestLogEntry[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.#entries = [];
  }
}
