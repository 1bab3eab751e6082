#!/usr/bin/env node
// Builds a library to publishable ESM + types: esbuild bundles each entry (dependencies stay external,
// so relative imports need no file extensions), tsc emits the declarations.
// usage: node tools/build-lib.mjs <project dir> <platform: neutral|node> <entry> [entry...]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
fullySpecifyDeclarations(outdir);
console.log(`built ${pkg.name} -> ${outdir}`);

/**
 * The sources import `./client`, as bundlers allow; Node's own resolution (TypeScript's `nodenext`)
 * needs `./client.js` or `./ports/index.js`. Rewrites the relative specifiers of every emitted `.d.ts`
 * so the types resolve for every consumer, not only for bundler-style projects.
 */
function fullySpecifyDeclarations(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) fullySpecifyDeclarations(file);
    else if (name.endsWith('.d.ts')) {
      const source = readFileSync(file, 'utf8');
      const rewritten = source.replace(
        /(from\s+|import\()(['"])(\.{1,2}\/[^'"]*)\2/g,
        (match, lead, quote, specifier) => {
          if (/\.(js|mjs|cjs|json)$/.test(specifier)) return match;
          const target = join(dirname(file), specifier);
          const resolved = existsSync(`${target}.d.ts`)
            ? `${specifier}.js`
            : existsSync(join(target, 'index.d.ts'))
              ? `${specifier}/index.js`
              : specifier;
          return `${lead}${quote}${resolved}${quote}`;
        },
      );
      if (rewritten !== source) writeFileSync(file, rewritten);
    }
  }
}
