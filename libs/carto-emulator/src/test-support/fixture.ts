/**
 * One emulator per test file, so each file starts from the seed data and its own ports.
 */
import type * as oauth from 'oauth4webapi';

import { spawnEmulator, type SpawnOptions, type TestEmulator } from '../testing';
import { clientCredentials, discover } from './oauth';

/** A started emulator with its discovered metadata and an M2M access token for its APIs. */
export interface EmulatorFixture {
  emulator: TestEmulator;
  as: oauth.AuthorizationServer;
  /** The demo M2M client's access token: the Tokens and SQL APIs accept it. */
  oauthToken: string;
}

/**
 * Starts an emulator before the calling file's first test and closes it after its last. `ready`
 * receives the fixture once it is up, so test files keep plain variables.
 * @example
 * let emulator: TestEmulator;
 * useEmulatorFixture((fixture) => ({ emulator } = fixture));
 */
export function useEmulatorFixture(ready: (fixture: EmulatorFixture) => void, options?: SpawnOptions): void {
  let emulator: TestEmulator | undefined;
  beforeAll(async () => {
    emulator = await spawnEmulator(options);
    const as = await discover(emulator);
    ready({ emulator, as, oauthToken: (await clientCredentials(as)).access_token });
  }, 60_000);
  afterAll(() => emulator?.close());
}
