/** The shape of one bench run: what `--json` writes and the table prints. */
import type { BundleSize } from './bundle-size';
import type { BudgetVerdict } from './check-budgets';
import type { HotPathResult } from './hot-path';
import type { RoundTrips } from './request-phases';
import type { SingleFlightResult } from './single-flight';

/** Where and when the figures were taken: times only compare within one run. */
export interface BenchEnvironment {
  date: string;
  node: string;
  os: string;
  cpus: string;
  /** 1-minute load average when the run started (other work on the machine skews times, not sizes). */
  loadAverage: number;
  /** `git describe`-like: the commit, `+changes` when the work tree differs. */
  commit: string;
}

/** Every figure of one run. */
export interface BenchResults {
  command: string;
  environment: BenchEnvironment;
  sizes: BundleSize[];
  budgets: BudgetVerdict[];
  roundTrips: RoundTrips[];
  singleFlight: SingleFlightResult;
  hotPath: HotPathResult;
}
