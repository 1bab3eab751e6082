/**
 * `@carto-auth/emulator/testing`: helpers for Jest suites (CommonJS-safe: node built-ins and global
 * `fetch` only). Spawn an emulator, drive its admin API, and walk its login pages like a browser.
 *
 * @example
 * ```ts
 * import { DEMO, createUserAgent, spawnEmulator, type TestEmulator } from '@carto-auth/emulator/testing';
 *
 * let emulator: TestEmulator;
 * beforeAll(async () => { emulator = await spawnEmulator(); });
 * afterAll(() => emulator.close());
 * beforeEach(() => emulator.admin.reset());
 * ```
 *
 * @packageDocumentation
 */
export { spawnEmulator, type SpawnOptions, type TestEmulator } from './spawn-emulator';
export { createAdminClient } from './admin-client';
export { createUserAgent, UserAgentError, type LoginCredentials, type UserAgent } from './user-agent';
export { DEMO, type DemoValues } from '../demo';
export type { EmulatorAdmin, FaultSpec, RequestLogEntry } from '../admin-types';
