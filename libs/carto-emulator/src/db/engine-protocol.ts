/** The messages between the SQL engine (main thread) and its worker thread (`sql-worker.ts`). */

/** A job: `EXPLAIN (VERBOSE, FORMAT JSON)` the query, or run it. */
export interface EngineJob {
  readonly id: number;
  readonly kind: 'explain' | 'run';
  readonly sql: string;
}

/** A result column: name and Postgres type OID. */
export interface EngineField {
  readonly name: string;
  readonly dataTypeID: number;
}

/** The answer to one job. */
export type EngineResult =
  | { readonly id: number; readonly ok: true; readonly plan: unknown }
  | {
      readonly id: number;
      readonly ok: true;
      readonly rows: Record<string, unknown>[];
      readonly fields: EngineField[];
    }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code: string | undefined };

/** What the worker sends about a job: that it took it (its time limit starts then), then its result. */
export type EngineReply = { readonly id: number; readonly started: true } | EngineResult;

/** The worker's first message: whether the database opened. */
export type WorkerStatus = { readonly ready: true } | { readonly ready: false; readonly message: string };
