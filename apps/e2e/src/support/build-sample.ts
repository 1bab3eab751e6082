/**
 * Builds a sample before the browser runs against it, but only when needed: a missing build, or one
 * older than any of its sources (a fresh Angular production build takes ~25 s on 2 cores).
 * `E2E_BUILD=always` forces a build, `E2E_BUILD=never` uses whatever is in `distDir`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

import { WORKSPACE_ROOT } from './paths';
import type { SampleApp } from './samples';

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'tmp', '.angular', '.nx', 'coverage']);
const TEST_FILE = /\.(spec|test)\.[cm]?[jt]s$/;

/** The newest modification time (ms) under `target`, ignoring tests and build folders; 0 if absent. */
function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return TEST_FILE.test(target) ? 0 : stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIPPED_DIRS.has(entry.name)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** Why the sample needs a build, or undefined when its `distDir` is current. */
export function staleReason(sample: SampleApp): string | undefined {
  const mode = process.env['E2E_BUILD'] ?? 'auto';
  const index = path.join(WORKSPACE_ROOT, sample.distDir, 'index.html');
  if (mode === 'never') return undefined;
  if (mode === 'always') return 'E2E_BUILD=always';
  if (!existsSync(index)) return `${sample.distDir}/index.html is missing`;
  const built = statSync(index).mtimeMs;
  const newer = sample.sources.find((source) => newestMtime(path.join(WORKSPACE_ROOT, source)) > built);
  return newer ? `${newer} changed after the last build` : undefined;
}

/** Runs the sample's build when {@link staleReason} says so; throws with the build's output on failure. */
export function ensureSampleBuilt(sample: SampleApp): { built: boolean; ms: number } {
  const reason = staleReason(sample);
  if (!reason) return { built: false, ms: 0 };
  const started = Date.now();
  // Drop the variables of the surrounding Nx task (this runs inside `nx test e2e`), so the nested Nx
  // computes its own task; keep the rest of the environment.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('NX_TASK_') && name !== 'NX_CLI_SET'),
  );
  const result = spawnSync(sample.build, {
    cwd: WORKSPACE_ROOT,
    shell: true,
    encoding: 'utf8',
    env: { ...env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' },
    timeout: 5 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(
      `Building the ${sample.name} sample failed (${reason}): \`${sample.build}\` exited with ` +
        `${result.status ?? result.signal ?? result.error?.message}.\n${output}`,
    );
  }
  if (!existsSync(path.join(WORKSPACE_ROOT, sample.distDir, 'index.html'))) {
    throw new Error(`\`${sample.build}\` succeeded but ${sample.distDir}/index.html does not exist.`);
  }
  return { built: true, ms: Date.now() - started };
}
