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
 * With `{ ceilings: true }` (what `npm test` enforces) an entry with a `ceiling` is held to that
 * temporary ceiling instead, and its message says so beside the DESIGN budget it still misses.
 * @example
 * const over = checkBudgets(await measureBundleSizes(entries)).filter((v) => !v.ok);
 */
export function checkBudgets(
  sizes: readonly BundleSize[],
  { ceilings = false }: { ceilings?: boolean } = {},
): BudgetVerdict[] {
  return sizes.flatMap((size) => {
    if (size.budget === undefined) return [];
    const increment = size.base !== undefined;
    const measured = increment ? size.addedGzipBytes : size.gzipBytes;
    if (measured === undefined)
      throw new Error(`${size.id}: the increment over ${size.base} was not computed.`);
    const what = increment
      ? `${size.label} (tools/bench/entries/${size.id}.ts) adds ${bytes(measured)} gzip over ${size.base}`
      : `${size.label} (tools/bench/entries/${size.id}.ts) is ${bytes(measured)} gzip`;
    const design = `DESIGN §7 budget ${bytes(size.budget)}`;
    const { ceiling } = size;
    if (ceilings && ceiling !== undefined && measured > size.budget) {
      const ok = measured <= ceiling;
      const verdict = ok
        ? `within its temporary ceiling of ${bytes(ceiling)} but over its ${design} by ${bytes(measured - size.budget)}`
        : `over its temporary ceiling of ${bytes(ceiling)} by ${bytes(measured - ceiling)} (${design}, open in issue #4; the ceiling only goes down)`;
      return [verdictOf(size, measured, ceiling, ok, `${what}, ${verdict}`)];
    }
    const ok = measured <= size.budget;
    const verdict = ok
      ? `within its budget of ${bytes(size.budget)}`
      : `over its budget of ${bytes(size.budget)} by ${bytes(measured - size.budget)} (DESIGN §7)`;
    return [verdictOf(size, measured, size.budget, ok, `${what}, ${verdict}`)];
  });
}

function verdictOf(
  size: BundleSize,
  measuredBytes: number,
  budgetBytes: number,
  ok: boolean,
  message: string,
): BudgetVerdict {
  return { id: size.id, label: size.label, measuredBytes, budgetBytes, ok, message };
}
