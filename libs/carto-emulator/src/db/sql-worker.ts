/**
 * The worker thread that owns one PGlite database (see `engine.ts`): it opens the seeded database, then
 * answers one job at a time. Each job runs in a READ ONLY transaction that is always rolled back.
 *
 * PGlite runs Postgres synchronously on the thread that calls it and never delivers the timer signal
 * behind `statement_timeout`, so a long query cannot be stopped from inside; running it here lets the
 * main thread keep serving and terminate this thread when a query runs too long.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';

import { openDatabase, type Database } from './database.js';
import type { EngineJob, EngineReply, EngineResult, WorkerStatus } from './engine-protocol.js';

async function runJob(database: Database, job: EngineJob): Promise<EngineResult> {
  try {
    const result = await database.pg.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION READ ONLY');
      const text = job.kind === 'explain' ? `EXPLAIN (VERBOSE, FORMAT JSON) ${job.sql}` : job.sql;
      const output = await tx.query<Record<string, unknown>>(text);
      await tx.rollback();
      return output;
    });
    if (job.kind === 'explain') {
      return { id: job.id, ok: true, plan: result.rows[0]?.['QUERY PLAN'] };
    }
    return {
      id: job.id,
      ok: true,
      rows: result.rows,
      fields: result.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })),
    };
  } catch (error) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    return {
      id: job.id,
      ok: false,
      message: typeof message === 'string' ? message : String(error),
      code: typeof code === 'string' ? code : undefined,
    };
  }
}

async function main(port: MessagePort): Promise<void> {
  let database: Database;
  try {
    database = await openDatabase();
  } catch (error) {
    port.postMessage({ ready: false, message: (error as Error).message } satisfies WorkerStatus);
    return;
  }
  // Jobs arrive one at a time (the engine waits for each reply), but queue them anyway. The engine
  // starts a job's time limit when told the job started, not when it posted it: a worker may still be
  // busy for a moment after it reported ready (V8 finishing the compilation of Postgres).
  let queue = Promise.resolve();
  port.on('message', (job: EngineJob) => {
    queue = queue.then(async () => {
      port.postMessage({ id: job.id, started: true } satisfies EngineReply);
      port.postMessage((await runJob(database, job)) satisfies EngineReply);
    });
  });
  port.postMessage({ ready: true } satisfies WorkerStatus);
}

if (!parentPort) throw new Error('sql-worker runs as a worker thread');
void main(parentPort);
