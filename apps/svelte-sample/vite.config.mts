import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromWorkspace = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * The Svelte sample on http://127.0.0.1:5174 (DESIGN §5, contract). `/env.js` (the CARTO_* settings,
 * written by the `config` target) is served from, and copied into the build from, `tmp/runtime-config`.
 */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: 'tmp/runtime-config',
  // Its own pre-bundled dependencies: `npm start` serves the Vue sample from the same node_modules.
  cacheDir: '../../node_modules/.vite/svelte-sample',
  plugins: [svelte({ compilerOptions: { runes: true } })],
  resolve: {
    // Vite 7 has no `resolve.tsconfigPaths` (Vite 8 has): the workspace libraries are mapped to their
    // source here, as in tsconfig.base.json. Exact matches, so `@carto-auth/core/node` never resolves.
    alias: [
      { find: /^@carto-auth\/core$/, replacement: fromWorkspace('libs/auth-core/src/index.ts') },
      { find: /^@carto-auth\/svelte$/, replacement: fromWorkspace('libs/auth-svelte/src/index.ts') },
      { find: /^@carto-auth\/sample-kit$/, replacement: fromWorkspace('libs/sample-kit/src/index.ts') },
      {
        find: /^@carto-auth\/sample-kit\/sample\.css$/,
        replacement: fromWorkspace('libs/sample-kit/src/sample.css'),
      },
    ],
  },
  server: { host: '127.0.0.1', port: 5174, strictPort: true },
  preview: { host: '127.0.0.1', port: 5174, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
});
