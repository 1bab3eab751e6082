/**
 * One sample served against its own emulator: a static server per storage mode (each its own origin, so
 * their sessionStorage never mixes), all registered with the emulator as callback and logout URLs.
 */
import * as path from 'node:path';

import { spawnEmulator, type SpawnOptions, type TestEmulator } from '@carto-auth/emulator/testing';

import { WORKSPACE_ROOT } from './paths';
import type { SampleApp } from './samples';
import { startStaticServer, type CartoEnv, type StaticServer } from './static-server';

/** `CARTO_STORAGE` values the samples accept. */
export type StorageMode = 'memory' | 'session' | 'local';

/** A running sample + emulator pair. */
export interface SampleStack {
  readonly emulator: TestEmulator;
  /** The sample's origin for each requested storage mode. */
  readonly origins: Readonly<Partial<Record<StorageMode, string>>>;
  /** The origin for `storage`; throws when that mode was not started. */
  origin(storage?: StorageMode): string;
  close(): Promise<void>;
}

/** Options of {@link startSampleStack}. */
export interface StackOptions {
  /** One static server per mode. Default `['memory']`. */
  storages?: StorageMode[];
  /** Emulator options (lifetimes…); `redirectUris` are added for every origin. */
  emulator?: Omit<SpawnOptions, 'redirectUris'>;
  /** More CARTO_* settings for the sample's `/env.js` (e.g. `CARTO_RENEW`). */
  env?: CartoEnv;
}

/** Starts the static servers first (their ports go into the emulator's allowed URLs), then the emulator. */
export async function startSampleStack(sample: SampleApp, options: StackOptions = {}): Promise<SampleStack> {
  const storages = options.storages ?? ['memory'];
  const root = path.join(WORKSPACE_ROOT, sample.distDir);
  let emulator: TestEmulator | undefined;
  const servers: [StorageMode, StaticServer][] = [];
  const close = async () => {
    await Promise.all([emulator?.close(), ...servers.map(([, server]) => server.close())]);
  };
  try {
    for (const storage of storages) {
      const env = (): CartoEnv => {
        if (!emulator) throw new Error('The emulator is not running yet.');
        return {
          CARTO_AUTH_DOMAIN: emulator.authUrl,
          CARTO_API_BASE_URL: emulator.apiUrl,
          CARTO_APP_URL: `${emulator.authUrl}/app`,
          CARTO_STORAGE: storage,
          ...options.env,
        };
      };
      servers.push([storage, await startStaticServer(root, env)]);
    }
    emulator = await spawnEmulator({
      // E2E_EMULATOR_VERBOSE=1 logs the emulator's requests and passes its stderr through.
      verbose: process.env['E2E_EMULATOR_VERBOSE'] === '1',
      ...options.emulator,
      redirectUris: servers.flatMap(([, server]) => [`${server.origin}/`, `${server.origin}/callback`]),
    });
  } catch (error) {
    await close();
    throw error;
  }
  const origins = Object.fromEntries(servers.map(([storage, server]) => [storage, server.origin]));
  const started = emulator;
  return {
    emulator: started,
    origins,
    origin(storage = 'memory') {
      const origin = origins[storage];
      if (!origin) throw new Error(`No ${storage}-storage server was started for the ${sample.name} sample.`);
      return origin;
    },
    close,
  };
}

/** Throws a clear error when the stack's emulator process has exited (instead of ECONNREFUSED later). */
export function assertRunning(stack: SampleStack): void {
  try {
    process.kill(stack.emulator.pid, 0);
  } catch {
    throw new Error(
      `The emulator (pid ${stack.emulator.pid}, ${stack.emulator.authUrl}) is no longer running. ` +
        'Run again with E2E_EMULATOR_VERBOSE=1 to see its stderr.',
    );
  }
}
