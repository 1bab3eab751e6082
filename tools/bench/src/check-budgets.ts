/** The size budgets of DESIGN §7 as a check: one verdict per budgeted entry, with a message that names it. */
import type { BundleSize } from './bundle-size';

/** The verdict for one budgeted entry. */
export interface BudgetVerdict {
  id: string;
  label: string;
  /** The gzip bytes held against the budget: the whole bundle, or the increment over `base`. */
  measuredBytes: number;
  budgetBytes: number;
  ok: boolean;
  /** One sentence naming the entry, its size and the budget. */
  message: string;
}

const bytes = (n: number) => `${n.toLocaleString('en-US')} B`;

/**
 * Holds every entry that has a `budget` against it (entries with a `base` are judged on what they add).
 * @example
 * const over = checkBudgets(await measureBundleSizes(entries)).filter((v) => !v.ok);
 */
export function checkBudgets(sizes: readonly BundleSize[]): BudgetVerdict[] {
  return sizes.flatMap((size) => {
    if (size.budget === undefined) return [];
    const increment = size.base !== undefined;
    const measured = increment ? size.addedGzipBytes : size.gzipBytes;
    if (measured === undefined)
      throw new Error(`${size.id}: the increment over ${size.base} was not computed.`);
    const what = increment
      ? `${size.label} (tools/bench/entries/${size.id}.ts) adds ${bytes(measured)} gzip over ${size.base}`
      : `${size.label} (tools/bench/entries/${size.id}.ts) is ${bytes(measured)} gzip`;
    const ok = measured <= size.budget;
    const verdict = ok
      ? `within its budget of ${bytes(size.budget)}`
      : `over its budget of ${bytes(size.budget)} by ${bytes(measured - size.budget)} (DESIGN §7)`;
    return [
      {
        id: size.id,
        label: size.label,
        measuredBytes: measured,
        budgetBytes: size.budget,
        ok,
        message: `${what}, ${verdict}`,
      },
    ];
  });
}
