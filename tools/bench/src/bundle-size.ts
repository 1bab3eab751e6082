/**
 * Bundle sizes, shared by `npm run bench` and the budget test: each entry is bundled the way an app's
 * production build would (esbuild: bundle, minify, ESM, browser, framework packages external) and
 * gzipped at level 9. Our packages resolve through `tsconfig.base.json` paths, so the source is measured.
 */
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SizeEntry } from './size-entries';

/** Frameworks are the app's, not the auth library's: every entry leaves them out. */
export const FRAMEWORK_EXTERNALS = [
  '@angular/*',
  'rxjs',
  'rxjs/*',
  'vue',
  'vue-router',
  'svelte',
  'svelte/*',
];

/** One measured entry. */
export interface BundleSize extends SizeEntry {
  /** The measured package's version (`source` for ours). */
  version: string;
  /** Minified bytes. */
  rawBytes: number;
  gzipBytes: number;
  /** With `base`: how many gzip bytes this entry adds to its base. */
  addedGzipBytes?: number;
  addedRawBytes?: number;
}

/** The directory holding `nx.json`, found upwards from `from`. */
export function workspaceRoot(from = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`No nx.json above ${from}: run from inside the carto-auth workspace.`);
  }
}

/** Bundles one entry file and returns its minified and gzip sizes in bytes. */
export async function bundleEntry(
  file: string,
  root = workspaceRoot(),
): Promise<{ rawBytes: number; gzipBytes: number; code: Uint8Array }> {
  const result = await build({
    entryPoints: [file],
    absWorkingDir: root,
    tsconfig: join(root, 'tsconfig.base.json'),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: FRAMEWORK_EXTERNALS,
    // What framework production builds set: Angular's dev-only metadata and React/Vue-style checks go.
    define: { 'process.env.NODE_ENV': '"production"', ngDevMode: 'false' },
    // Apps ship licences in a separate file; counting them would measure comment lengths.
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error(`esbuild produced nothing for ${file}`);
  return { rawBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength, code };
}

function versionOf(entry: SizeEntry, root: string): string {
  if (entry.group === 'carto-auth') return 'source';
  const manifest = join(root, 'node_modules', entry.packageName, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * Measures `entries` (each entry's `base` must be among them) and adds the increments over the bases.
 * @example
 * const sizes = await measureBundleSizes(SIZE_ENTRIES.filter((e) => e.group === 'carto-auth'));
 */
export async function measureBundleSizes(
  entries: readonly SizeEntry[],
  root = workspaceRoot(),
): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  // One at a time: esbuild already uses both cores for one bundle.
  for (const entry of entries) {
    const { rawBytes, gzipBytes } = await bundleEntry(
      join(root, 'tools/bench/entries', `${entry.id}.ts`),
      root,
    );
    sizes.push({ ...entry, version: versionOf(entry, root), rawBytes, gzipBytes });
  }
  for (const size of sizes) {
    if (!size.base) continue;
    const base = sizes.find((other) => other.id === size.base);
    if (!base)
      throw new Error(`Size entry ${size.id} builds on ${size.base}, which was not measured with it.`);
    size.addedGzipBytes = size.gzipBytes - base.gzipBytes;
    size.addedRawBytes = size.rawBytes - base.rawBytes;
  }
  return sizes;
}
