import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureBundleSizes, workspaceRoot, type BundleSize } from './bundle-size';
import { checkBudgets } from './check-budgets';
import { BUDGETS, SIZE_ENTRIES } from './size-entries';

const root = workspaceRoot(__dirname);
const ours = SIZE_ENTRIES.filter((entry) => entry.group === 'carto-auth');

describe('size budgets (DESIGN §7, gzip, esbuild minified ESM for the browser)', () => {
  let verdicts: ReturnType<typeof checkBudgets>;
  let sizes: BundleSize[];
  beforeAll(async () => {
    // An entry with a `ceiling` is held to it until its DESIGN budget is met (see size-entries.ts).
    sizes = await measureBundleSizes(ours, root);
    verdicts = checkBudgets(
      sizes.map((size) => (size.ceiling === undefined ? size : { ...size, budget: size.ceiling })),
    );
  });

  it.each(ours.filter((entry) => entry.budget !== undefined).map((entry) => [entry.label, entry.id]))(
    '%s stays within its budget (or, while one is open, its ceiling)',
    (_label, id) => {
      const verdict = verdicts.find((v) => v.id === id);
      // On failure Jest prints the message: the entry, its size and its budget.
      expect(verdict?.ok ? [] : [verdict?.message]).toEqual([]);
    },
  );

  it('measures each adapter with everything its base has (an entry that forgets createCartoAuth adds less than nothing)', () => {
    const shrunk = sizes
      .filter((size) => size.addedGzipBytes !== undefined && size.addedGzipBytes < 0)
      .map((size) => `${size.id} adds ${size.addedGzipBytes} B to ${size.base}`);
    expect(shrunk).toEqual([]);
  });

  it('has an entry, held to the adapter budget, for every adapter (Nx tag scope:adapter)', () => {
    const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
    const adapters = readdirSync(join(root, 'libs'))
      .filter((lib) => (readJson(`libs/${lib}/project.json`).tags as string[]).includes('scope:adapter'))
      .map((lib) => readJson(`libs/${lib}/package.json`).name as string);
    expect(adapters).toEqual(expect.arrayContaining(['@carto-auth/angular', '@carto-auth/vue']));
    const missing = adapters.filter(
      (name) =>
        !ours.some(
          (e) => e.packageName === name && e.base === 'core-spa' && e.budget === BUDGETS.adapterIncrement,
        ),
    );
    expect(missing).toEqual([]);
  });
});

describe('checkBudgets', () => {
  const size = (over: Partial<BundleSize>): BundleSize => ({
    id: 'core-spa',
    label: 'core + SPA',
    group: 'carto-auth',
    packageName: '@carto-auth/core',
    version: 'source',
    rawBytes: 30_000,
    gzipBytes: 10_000,
    budget: 10_240,
    ...over,
  });

  it('names the entry, its size and the budget when a bundle is over', () => {
    const [verdict] = checkBudgets([size({ gzipBytes: 12_912 })]);
    expect(verdict).toMatchObject({ id: 'core-spa', ok: false, measuredBytes: 12_912, budgetBytes: 10_240 });
    expect(verdict?.message).toBe(
      'core + SPA (tools/bench/entries/core-spa.ts) is 12,912 B gzip, over its budget of 10,240 B by 2,672 B (DESIGN §7)',
    );
  });

  it('judges an adapter on what it adds to its base', () => {
    const adapter = size({
      id: 'angular-spa',
      label: 'angular adapter + SPA',
      base: 'core-spa',
      budget: 1536,
      gzipBytes: 11_700,
      addedGzipBytes: 1_700,
    });
    const [verdict] = checkBudgets([adapter]);
    expect(verdict).toMatchObject({ ok: false, measuredBytes: 1_700 });
    expect(verdict?.message).toContain(
      'adds 1,700 B gzip over core-spa, over its budget of 1,536 B by 164 B',
    );
  });

  it('passes an entry at exactly its budget and skips entries without one', () => {
    expect(checkBudgets([size({ gzipBytes: 10_240 }), size({ id: 'x', budget: undefined })])).toEqual([
      expect.objectContaining({ id: 'core-spa', ok: true }),
    ]);
  });
});
