#!/usr/bin/env node
// Builds a library to publishable ESM + types: esbuild bundles each entry (dependencies stay external,
// so relative imports need no file extensions), tsc emits the declarations.
// usage: node tools/build-lib.mjs <project dir> <platform: neutral|node> <entry> [entry...]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [projectDir, platform, ...entries] = process.argv.slice(2);
const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
const external = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
  'node:*',
];
const outdir = join(projectDir, 'dist');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: entries.map((entry) => join(projectDir, entry)),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform,
  target: 'es2022',
  external,
  logLevel: 'warning',
});
execFileSync(
  process.execPath,
  [
    join('node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(projectDir, 'tsconfig.lib.json'),
    '--emitDeclarationOnly',
  ],
  { stdio: 'inherit' },
);
console.log(`built ${pkg.name} -> ${outdir}`);
