/**
 * Runs the emulator CLI in a child process, for Jest (CommonJS) suites: oidc-provider is ESM-only and
 * cannot load inside Jest's module system.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import type { EmulatorAdmin } from '../admin-types';
import type { EmulatorOptions } from '../options';
import { createAdminClient } from './admin-client';

/** Options of {@link spawnEmulator}: the emulator's own (each maps to a CLI flag), plus how to spawn it. */
export interface SpawnOptions extends Pick<
  EmulatorOptions,
  | 'host'
  | 'accessTokenTtl'
  | 'idTokenTtl'
  | 'refreshTokenTtl'
  | 'm2mTokenTtl'
  | 'refreshTokens'
  | 'redirectUris'
  | 'sqlTimeout'
> {
  /** Default 0 (a free port), unlike `startEmulator`'s 9010. */
  authPort?: number;
  /** Default 0 (a free port), unlike `startEmulator`'s 9011. */
  apiPort?: number;
  /** Log requests and pass the child's stderr through. Default false (`--quiet`). */
  verbose?: boolean;
  /** How long to wait for the emulator to be ready. Default 30000 ms. */
  timeoutMs?: number;
}

/** A spawned emulator. */
export interface TestEmulator {
  /** e.g. `http://127.0.0.1:41234` */
  readonly authUrl: string;
  readonly apiUrl: string;
  /** `<authUrl>/` */
  readonly issuer: string;
  /** Fault injection and introspection over HTTP. */
  readonly admin: EmulatorAdmin;
  /** The child's process id. */
  readonly pid: number;
  /** Stops the child and waits for it to exit. Idempotent. */
  close(): Promise<void>;
}

/**
 * The emulator package's folder, found when spawning rather than at import: under Jest (CommonJS) from
 * `__dirname`; from an ES module (no `__dirname`) by resolving the package the way the caller would.
 */
function packageRoot(): string {
  if (typeof __dirname === 'string') return path.resolve(__dirname, '..', '..');
  const resolve = createRequire(path.join(process.cwd(), 'index.js')).resolve;
  return path.dirname(resolve('@carto-auth/emulator/package.json'));
}
const STDERR_LIMIT = 16 * 1024;

function flags(options: SpawnOptions): string[] {
  const args = [
    '--json',
    '--auth-port',
    String(options.authPort ?? 0),
    '--api-port',
    String(options.apiPort ?? 0),
  ];
  if (options.host) args.push('--host', options.host);
  const numeric: [keyof SpawnOptions, string][] = [
    ['accessTokenTtl', '--access-token-ttl'],
    ['idTokenTtl', '--id-token-ttl'],
    ['refreshTokenTtl', '--refresh-token-ttl'],
    ['m2mTokenTtl', '--m2m-token-ttl'],
    ['sqlTimeout', '--sql-timeout'],
  ];
  for (const [key, flag] of numeric) if (options[key] !== undefined) args.push(flag, String(options[key]));
  if (options.refreshTokens === false) args.push('--no-refresh-tokens');
  for (const uri of options.redirectUris ?? []) args.push('--redirect-uri', uri);
  if (!options.verbose) args.push('--quiet');
  return args;
}

/**
 * Spawns `node --import tsx src/cli.ts --json …` and resolves once it prints its URLs.
 *
 * The child exits when {@link TestEmulator.close} is called, or by itself when this process ends (its
 * stdin closes). Share one emulator per test file and call `admin.reset()` between tests.
 *
 * @example
 * ```ts
 * let emulator: TestEmulator;
 * beforeAll(async () => { emulator = await spawnEmulator(); });
 * afterAll(() => emulator.close());
 * ```
 */
export function spawnEmulator(options: SpawnOptions = {}): Promise<TestEmulator> {
  const root = packageRoot();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src', 'cli.ts'), ...flags(options)],
    {
      // `--import tsx` resolves from the working directory: the package's, which reaches the workspace's node_modules.
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_LIMIT);
    if (options.verbose) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })();
    return closing;
  }

  return new Promise<TestEmulator>((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void close();
      reject(new Error(`${message}\n--- emulator stderr ---\n${stderr.trim() || '(empty)'}`));
    };
    const timeoutMs = options.timeoutMs ?? 30000;
    const timer = setTimeout(
      () => fail(`The CARTO emulator was not ready within ${timeoutMs} ms.`),
      timeoutMs,
    );
    child.once('error', (error) => fail(`Could not start the CARTO emulator: ${error.message}`));
    child.once('exit', (code, signal) =>
      fail(`The CARTO emulator exited before it was ready (code ${code}, signal ${signal}).`),
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      if (settled) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      let urls: { authUrl: string; apiUrl: string; issuer: string };
      try {
        urls = JSON.parse(stdout.slice(0, newline)) as typeof urls;
      } catch {
        fail(`The CARTO emulator printed an unexpected line: ${stdout.slice(0, newline)}`);
        return;
      }
      settled = true;
      resolve({ ...urls, admin: createAdminClient(urls.authUrl), pid: child.pid ?? -1, close });
    });
  });
}
