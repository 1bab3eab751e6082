/**
 * The hot path: `getAccessToken()` on a cached, fresh token, timed against `await Promise.resolve(token)`
 * in the same process and run (DESIGN §7: within 2x). Reported, never asserted.
 */
import type { CartoAuthClient } from '@carto-auth/core';

/** A client with a fresh token in its cache, and what to call it in the table. */
export interface HotPathSubject {
  label: string;
  client: CartoAuthClient;
}

/** Median nanoseconds per awaited call, and the ratio to the baseline's median. */
export interface HotPathResult {
  iterations: number;
  rounds: number;
  baselineNsPerOp: number;
  /**
   * `await (Date.now(), Promise.resolve(token))`: the clock read that a token which can expire needs on
   * every call (case-13, a sleeping laptop). On VMs without a fast clock it alone can exceed the baseline.
   */
  clockReadNsPerOp: number;
  subjects: Array<{ label: string; nsPerOp: number; ratio: number }>;
}

async function nsPerOp(call: () => Promise<string>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await call();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** The middle value (of an odd count; the upper middle of an even one). */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/**
 * Runs `rounds` rounds (after one warm-up round): in each, the baseline and every subject, `iterations`
 * awaited calls apiece, in the same loop function so they share its overhead.
 * @example
 * const result = await measureHotPath([{ label: 'api-token', client }], { iterations: 200_000, rounds: 7 });
 */
export async function measureHotPath(
  subjects: readonly HotPathSubject[],
  { iterations = 200_000, rounds = 7 }: { iterations?: number; rounds?: number } = {},
): Promise<HotPathResult> {
  const tokens = await Promise.all(subjects.map(({ client }) => client.getAccessToken()));
  const token = tokens[0] ?? 'token';
  const baseline = () => Promise.resolve(token);
  const runs = [
    { label: 'baseline', call: baseline, samples: [] as number[] },
    { label: 'clock read', call: () => (Date.now(), baseline()), samples: [] as number[] },
    ...subjects.map(({ label, client }) => ({
      label,
      call: () => client.getAccessToken(),
      samples: [] as number[],
    })),
  ];
  for (let round = 0; round <= rounds; round++) {
    for (const run of runs) {
      const ns = await nsPerOp(run.call, iterations);
      if (round > 0) run.samples.push(ns); // round 0 warms the JIT up
    }
  }
  const [base, clockRead, ...measured] = runs.map((run) => ({
    label: run.label,
    nsPerOp: median(run.samples),
  }));
  const baselineNsPerOp = base?.nsPerOp ?? NaN;
  return {
    iterations,
    rounds,
    baselineNsPerOp,
    clockReadNsPerOp: clockRead?.nsPerOp ?? NaN,
    subjects: measured.map(({ label, nsPerOp }) => ({ label, nsPerOp, ratio: nsPerOp / baselineNsPerOp })),
  };
}
