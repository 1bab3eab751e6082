/**
 * Types of the fault-injection and introspection API (`/__admin/*`), shared by the in-process
 * emulator and the HTTP admin client of `@carto-auth/emulator/testing`. Types only: no runtime code.
 */

/**
 * What to do to the next matching requests instead of running the real handler.
 *
 * @example
 * ```ts
 * await admin.fault({ path: '/oauth/token', status: 503, times: 2 }); // the next two token requests fail
 * await admin.fault({ path: '/v3/sql/carto_dw/query', hang: true });  // never answers until close
 * ```
 */
export interface FaultSpec {
  /** Request pathname to match exactly, on either server (e.g. `/oauth/token`). */
  path: string;
  /** HTTP method to match; any method but `OPTIONS` (CORS preflights) when absent. */
  method?: string;
  /** How many requests get the fault. Default 1. */
  times?: number;
  /** Status to answer with. Default 503 (unless only `delayMs` is given). */
  status?: number;
  /** Body to answer with: an object is sent as JSON, a string as is. Default a JSON error body. */
  body?: string | Record<string, unknown> | unknown[];
  /** Answer 200 with a body that is not JSON (like a proxy's HTML error page). */
  garbage?: boolean;
  /** Never answer (until the emulator closes); test with an `AbortSignal` time-out. */
  hang?: boolean;
  /** Wait this long first; alone, the real handler answers after the delay. */
  delayMs?: number;
  /** A `Retry-After` header (seconds, or an HTTP date) on the answer, as rate limiters send with 429/503. */
  retryAfter?: string;
}

/** One request seen by the emulator (admin requests are not logged). */
export interface RequestLogEntry {
  /** Which server answered. */
  server: 'auth' | 'api';
  method: string;
  /** Pathname only (no query string: it may carry codes or tokens). */
  path: string;
  /** Response status; 0 while unanswered (or when the request hung until close). */
  status: number;
  /** When the request arrived, epoch milliseconds on the emulator's (possibly shifted) clock. */
  at: number;
}

/** Fault injection and introspection, in-process or over HTTP. */
export interface EmulatorAdmin {
  /** Adds a fault for the next `times` requests to `path`. */
  fault(fault: FaultSpec): Promise<void>;
  /** Shifts the emulator's clock (tokens it issues and validates follow it); 0 restores real time. */
  setClockOffset(seconds: number): Promise<void>;
  /** Clears faults, clock offset, request log, sign-up progress and API access tokens. */
  reset(): Promise<void>;
  /** The requests seen so far, oldest first. */
  requests(): Promise<RequestLogEntry[]>;
  /** Empties the request log. */
  clearRequests(): Promise<void>;
}
