/**
 * The SQL engine of one emulator: the demo database in a worker thread (`sql-worker.ts`), one job at a
 * time, each with a wall-clock limit.
 *
 * PGlite is single-threaded and ignores `statement_timeout` (Postgres cancels through a timer signal,
 * which never fires while the WebAssembly code runs), so one long query would hold every other SQL
 * request. Here the main thread stays free, and a job that runs past the limit is answered with a
 * {@link SqlTimeoutError} while its worker is terminated and replaced by a fresh copy of the database
 * (about a second); the jobs queued behind it then run on the new worker.
 *
 * The worker starts on first use: loading the database costs about a second of CPU, and most emulators
 * (auth-only tests) never run SQL.
 */
import { Worker } from 'node:worker_threads';

import type { EngineField, EngineJob, EngineReply, EngineResult, WorkerStatus } from './engine-protocol.js';

/** The database refused or failed the query (syntax, permissions, read-only…); `code` is the SQLSTATE. */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/** The query ran longer than the engine's limit and was stopped. */
export class SqlTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The query ran for more than ${timeoutMs / 1000} s and was cancelled`);
    this.name = 'SqlTimeoutError';
  }
}

/** The engine could not start, or its worker stopped unexpectedly. */
export class SqlEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlEngineError';
  }
}

/** Rows and column types of a query that ran. */
export interface EngineRows {
  rows: Record<string, unknown>[];
  fields: EngineField[];
}

/** The SQL engine of one emulator. */
export interface SqlEngine {
  /** `EXPLAIN (VERBOSE, FORMAT JSON)` of `sql` (the `QUERY PLAN` value), in a read-only transaction. */
  explain(sql: string): Promise<unknown>;
  /** Runs `sql` in a READ ONLY transaction that is rolled back. */
  run(sql: string): Promise<EngineRows>;
  /** Starts the worker now rather than on the first query; resolves once the database is open. */
  start(): Promise<void>;
  /** Stops the worker (failing any queued job). Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createSqlEngine}. */
export interface SqlEngineOptions {
  /** Wall-clock limit of each job, in milliseconds. */
  timeoutMs: number;
}

/**
 * The worker from the built `.js` next to this file, or, when running the TypeScript sources (tsx),
 * from `sql-worker.ts` through a bootstrap that registers tsx in the worker first (workers do not
 * inherit the loader hooks of the thread that starts them).
 */
function createWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./sql-worker.js', here));
  const script = new URL('./sql-worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { eval: true });
}

// How long a worker may take to pick a job up (it is idle: it should be at once).
const PICK_UP_LIMIT_MS = 30_000;

interface Running {
  readonly worker: Worker;
  /** The job in the worker, if any. */
  pending?: { id: number; started: () => void; settle: (result: EngineResult | Error) => void };
}

/** Creates the SQL engine; nothing starts until the first job (or {@link SqlEngine.start}). */
export function createSqlEngine(options: SqlEngineOptions): SqlEngine {
  let current: Promise<Running> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let nextId = 1;
  let closed = false;

  function spawn(): Promise<Running> {
    const starting = new Promise<Running>((resolve, reject) => {
      const worker = createWorker();
      const running: Running = { worker };
      let ready = false;
      worker.on('message', (message: WorkerStatus | EngineReply) => {
        if (!ready) {
          if ('ready' in message && message.ready) {
            ready = true;
            resolve(running);
          } else {
            const reason = 'message' in message ? message.message : 'no database';
            reject(new SqlEngineError(`The SQL engine failed to start: ${reason}`));
            void worker.terminate();
          }
          return;
        }
        const reply = message as EngineReply;
        if (running.pending?.id !== reply.id) return;
        if ('started' in reply) running.pending.started();
        else running.pending.settle(reply);
      });
      worker.on('error', (error) => {
        if (!ready) reject(new SqlEngineError(`The SQL engine failed to start: ${error.message}`));
        running.pending?.settle(new SqlEngineError(`The SQL engine failed: ${error.message}`));
      });
      worker.once('exit', () => {
        if (current === starting) current = undefined;
        if (!ready) reject(new SqlEngineError('The SQL engine stopped while starting'));
        running.pending?.settle(new SqlEngineError('The SQL engine stopped'));
      });
    });
    starting.catch(() => {
      if (current === starting) current = undefined;
    });
    return starting;
  }

  function ensureStarted(): Promise<Running> {
    if (closed) return Promise.reject(new SqlEngineError('The emulator is closed.'));
    current ??= spawn();
    return current;
  }

  async function execute(job: Omit<EngineJob, 'id'>): Promise<EngineResult> {
    const running = await ensureStarted();
    const id = nextId++;
    const result = await new Promise<EngineResult | Error>((resolve) => {
      const expire = () => {
        running.pending = undefined;
        resolve(new SqlTimeoutError(options.timeoutMs));
        // The worker is still busy with the query: drop it, and load a fresh database at once.
        current = undefined;
        void running.worker.terminate();
        if (!closed) void ensureStarted().catch(() => undefined);
      };
      let timer = setTimeout(expire, PICK_UP_LIMIT_MS);
      running.pending = {
        id,
        started: () => {
          clearTimeout(timer);
          timer = setTimeout(expire, options.timeoutMs);
        },
        settle: (value) => {
          clearTimeout(timer);
          running.pending = undefined;
          resolve(value);
        },
      };
      running.worker.postMessage({ ...job, id } satisfies EngineJob);
    });
    if (result instanceof Error) throw result;
    return result;
  }

  /** Runs jobs one after the other: a job's time limit starts when the worker takes it. */
  function enqueue(job: Omit<EngineJob, 'id'>): Promise<EngineResult> {
    const result = tail.then(() => execute(job));
    tail = result.catch(() => undefined);
    return result;
  }

  function unwrap(reply: EngineResult): EngineResult & { ok: true } {
    if (!reply.ok) throw new SqlError(reply.message, reply.code);
    return reply;
  }

  return {
    async explain(sql) {
      const reply = unwrap(await enqueue({ kind: 'explain', sql }));
      return 'plan' in reply ? reply.plan : undefined;
    },
    async run(sql) {
      const reply = unwrap(await enqueue({ kind: 'run', sql }));
      return 'rows' in reply ? { rows: reply.rows, fields: reply.fields } : { rows: [], fields: [] };
    },
    async start() {
      await ensureStarted();
    },
    async close() {
      closed = true;
      const running = await current?.catch(() => undefined);
      current = undefined;
      running?.pending?.settle(new SqlEngineError('The emulator is closed.'));
      await running?.worker.terminate();
    },
  };
}
