/**
 * `npm run bench [-- --json [file]]`: bundle sizes beside the alternatives, round trips of a login,
 * single flight and the hot path, in one run. Prints one table; `--json` also writes every figure
 * (default `tools/bench/results/latest.json`). Sizes are deterministic; times depend on the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { apiToken, createCartoAuth, m2m } from '@carto-auth/core';
import type { BenchEnvironment, BenchResults } from './bench-results';
import { measureBundleSizes, workspaceRoot } from './bundle-size';
import { cartoRoundTrips } from './carto-round-trips';
import { checkBudgets } from './check-budgets';
import { spawnBenchEmulator } from './emulator-testing';
import { formatTable } from './format-table';
import { measureHotPath } from './hot-path';
import { oidcClientTsRoundTrips } from './oidc-client-ts-round-trips';
import { SIZE_ENTRIES } from './size-entries';
import { measureSingleFlight } from './single-flight';

const USAGE = 'usage: npm run bench [-- --json [file]]   (file default: tools/bench/results/latest.json)';

function parseArgs(args: string[]): { json?: string } {
  const jsonAt = args.indexOf('--json');
  // Only `--json` and the one file name after it; anything else (a typo, a stray word) is refused.
  const fileAt = jsonAt >= 0 && args[jsonAt + 1] && !args[jsonAt + 1]?.startsWith('-') ? jsonAt + 1 : -1;
  if (args.includes('--help') || args.some((_arg, i) => i !== jsonAt && i !== fileAt)) {
    console.log(USAGE);
    process.exit(args.includes('--help') ? 0 : 2);
  }
  if (jsonAt < 0) return {};
  const file = fileAt >= 0 ? args[fileAt] : undefined;
  // npm runs scripts from the workspace root; a relative path is the caller's.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  return { json: file ? resolve(cwd, file) : join(workspaceRoot(), 'tools/bench/results/latest.json') };
}

function commit(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? '+changes' : ''}`;
  } catch {
    return 'unknown commit';
  }
}

function environment(root: string): BenchEnvironment {
  const cores = cpus();
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    cpus: `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}`,
    loadAverage: loadavg()[0] ?? 0,
    commit: commit(root),
  };
}

const step = (what: string) => process.stderr.write(`bench: ${what}\n`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { json } = parseArgs(args);
  const root = workspaceRoot();
  const env = environment(root);

  step(`bundling ${SIZE_ENTRIES.length} entries`);
  const sizes = await measureBundleSizes(SIZE_ENTRIES, root);

  step('starting the CARTO emulator (child process)');
  const emulator = await spawnBenchEmulator();
  const stops: Array<() => void> = [];
  let results: BenchResults;
  try {
    step('round trips: carto-auth, oidc-client-ts');
    const carto = await cartoRoundTrips(emulator);
    stops.push(() => carto.client.stop());
    const { client: spaClient, ...cartoTrips } = carto;
    const roundTrips = [
      cartoTrips,
      await oidcClientTsRoundTrips(emulator, 'discovery'),
      await oidcClientTsRoundTrips(emulator, 'metadata'),
    ];

    step('single flight: 10,000 concurrent getAccessToken()');
    const { client: m2mClient, ...singleFlight } = await measureSingleFlight(emulator);
    stops.push(() => m2mClient.stop());

    step('hot path: getAccessToken() on a cached token');
    const apiTokenClient = createCartoAuth({
      strategy: apiToken({ token: 'an-api-access-token' }),
      apiBaseUrl: emulator.apiUrl,
    });
    stops.push(() => apiTokenClient.stop());
    // The single-flight client runs on a manual clock; the hot path must pay for a real clock read.
    const { DEMO } = await import('@carto-auth/emulator/testing');
    const m2mHotClient = createCartoAuth({
      strategy: m2m({
        clientId: DEMO.m2mClientId,
        clientSecret: DEMO.m2mClientSecret,
        authDomain: emulator.authUrl,
      }),
      apiBaseUrl: emulator.apiUrl,
    });
    stops.push(() => m2mHotClient.stop());
    const hotPath = await measureHotPath([
      { label: 'api-token', client: apiTokenClient },
      { label: 'spa', client: spaClient },
      { label: 'm2m', client: m2mHotClient },
    ]);

    results = {
      command: ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '),
      environment: env,
      sizes,
      budgets: checkBudgets(sizes),
      roundTrips,
      singleFlight,
      hotPath,
    };
  } finally {
    for (const stop of stops) stop();
    await emulator.close();
  }

  console.log(formatTable(results));
  if (json) {
    mkdirSync(dirname(json), { recursive: true });
    // Formatted as the repository's Prettier would, so a committed result passes `format:check`.
    const prettier = await import('prettier');
    const style = (await prettier.resolveConfig(json)) ?? {};
    writeFileSync(json, await prettier.format(JSON.stringify(results), { ...style, parser: 'json' }));
    step(`wrote ${json}`);
  }
}

await main();
