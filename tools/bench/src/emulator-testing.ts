/** The part of an emulator the bench uses (a spawned one or an in-process one). */
import type { TestEmulator } from '@carto-auth/emulator/testing';

/** URLs and admin API: what `spawnEmulator()` and `startEmulator()` both return. */
export type BenchEmulator = Pick<TestEmulator, 'authUrl' | 'apiUrl' | 'issuer' | 'admin' | 'close'>;

/**
 * Spawns the emulator CLI in a child process: the measuring process then never loads oidc-provider,
 * whose async-context tracking makes every `await` in the process several times slower on Node 20.
 */
export async function spawnBenchEmulator(): Promise<BenchEmulator> {
  const { spawnEmulator } = await import('@carto-auth/emulator/testing');
  // The bench's tsx settings point at its own tsconfig by a relative path; the child runs elsewhere.
  delete process.env['TSX_TSCONFIG_PATH'];
  return spawnEmulator();
}
