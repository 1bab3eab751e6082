/**
 * `@carto-auth/emulator/testing` (spawnEmulator, createUserAgent), loaded so that it works from an ES
 * module, and the part of an emulator the bench uses (a spawned one or an in-process one).
 */
import { join } from 'node:path';
import type { TestEmulator } from '@carto-auth/emulator/testing';
import { workspaceRoot } from './bundle-size';

/** URLs and admin API: what `spawnEmulator()` and `startEmulator()` both return. */
export type BenchEmulator = Pick<TestEmulator, 'authUrl' | 'apiUrl' | 'issuer' | 'admin' | 'close'>;

type Testing = typeof import('@carto-auth/emulator/testing');
let loading: Promise<Testing> | undefined;

/**
 * Imports `@carto-auth/emulator/testing`. It is written for Jest (CommonJS): its spawn helper reads
 * `__dirname` when the module loads, which an ES module lacks, so the value it would have is set for the
 * duration of the import.
 */
export function emulatorTesting(): Promise<Testing> {
  loading ??= (async () => {
    const scope = globalThis as { __dirname?: string };
    const shimmed = !('__dirname' in scope);
    if (shimmed) scope.__dirname = join(workspaceRoot(), 'libs/carto-emulator/src/testing');
    try {
      return await import('@carto-auth/emulator/testing');
    } finally {
      if (shimmed) delete scope.__dirname;
    }
  })();
  return loading;
}

/**
 * Spawns the emulator CLI in a child process: the measuring process then never loads oidc-provider,
 * whose async-context tracking makes every `await` in the process several times slower on Node 20.
 */
export async function spawnBenchEmulator(): Promise<BenchEmulator> {
  const { spawnEmulator } = await emulatorTesting();
  // The bench's tsx settings point at its own tsconfig by a relative path; the child runs elsewhere.
  delete process.env['TSX_TSCONFIG_PATH'];
  return spawnEmulator();
}
