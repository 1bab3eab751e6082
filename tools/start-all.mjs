#!/usr/bin/env node
// `npm start`: the CARTO emulator plus every sample app, with their URLs and the demo credentials.
// Ctrl-C stops them all. Each child runs in its own process group so nothing outlives this script.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const children = [];

function run(name, command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = (line) => `[${name}] ${line}`;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) console.log(prefix(line));
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(prefix(`exited (${signal ?? code}); stopping everything`));
      stop(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(code), 1_500).unref();
  Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  ).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** Resolves true when nothing listens on 127.0.0.1:`port` (a second `npm start` must not look healthy). */
function isFree(port) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)));
    probe.listen(port, '127.0.0.1');
  });
}

const PORTS = [9010, 9011, 3000, 4200, 5173, 5174];
const taken = [];
for (const port of PORTS) if (!(await isFree(port))) taken.push(port);
if (taken.length) {
  console.error(
    `carto-auth demo: ${taken.length > 1 ? 'ports' : 'port'} ${taken.join(', ')} ${taken.length > 1 ? 'are' : 'is'} in use (another npm start?). ` +
      'Stop it first: the ports are fixed (the README says how to run the pieces on others).',
  );
  process.exit(1);
}

const tsx = ['--import', 'tsx'];
run('emulator', process.execPath, [join(root, 'libs/carto-emulator/bin/carto-emulator.mjs')]);
await waitFor('http://127.0.0.1:9010/.well-known/openid-configuration');
await waitFor('http://127.0.0.1:9011/config.yaml');

const samples = [
  {
    name: 'm2m-sample',
    url: 'http://127.0.0.1:3000',
    start: () =>
      run('m2m-sample', process.execPath, [...tsx, 'apps/m2m-sample/src/main.ts'], {
        TSX_TSCONFIG_PATH: 'apps/m2m-sample/tsconfig.json',
      }),
  },
  ...[
    ['angular-sample', 4200],
    ['vue-sample', 5173],
    ['svelte-sample', 5174],
  ].map(([name, port]) => ({
    name,
    url: `http://127.0.0.1:${port}`,
    when: () => existsSync(join(root, `apps/${name}/project.json`)),
    // `nx serve` writes the sample's /env.js first (its `config` target), then starts its dev server.
    start: () => run(name, process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'serve', name]),
  })),
];
const started = samples.filter((sample) => !sample.when || sample.when());
for (const sample of started) sample.start();
for (const sample of started) await waitFor(sample.url, 300_000);

console.log(`
carto-auth demo is running (Ctrl-C stops everything)

  CARTO emulator   auth  http://127.0.0.1:9010   (issuer http://127.0.0.1:9010/)
                   API   http://127.0.0.1:9011
${started.map((s) => `  ${s.name.padEnd(16)} ${s.url}`).join('\n')}

  Demo users (password "demo"): demo@carto.test, sso@acme.test (organization org_acme), new@carto.test (must finish sign-up)
  SPA client id: carto-spa-demo      M2M client: carto-m2m-demo / carto-m2m-demo-secret
`);
