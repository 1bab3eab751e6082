/**
 * `@carto-auth/emulator`: a local stand-in for `auth.carto.com` (a real OpenID provider) and CARTO's
 * Tokens and SQL APIs, for offline development and tests (DESIGN.md §4).
 *
 * Node ESM only. From Jest (CommonJS) use `@carto-auth/emulator/testing`, which runs the CLI in a child
 * process.
 *
 * @packageDocumentation
 */
export { startEmulator, type RunningEmulator } from './emulator.js';
export { DEMO, type DemoValues } from './demo.js';
export { SAMPLE_ORIGINS, type EmulatorOptions } from './options.js';
export type { EmulatorAdmin, FaultSpec, RequestLogEntry } from './admin-types.js';
