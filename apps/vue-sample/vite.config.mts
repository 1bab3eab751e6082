import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const source = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * The Vue sample on http://127.0.0.1:5173 (DESIGN §5). `/env.js` (the CARTO_* settings, written by the
 * `config` target) is served from tmp/runtime-config and copied into the build.
 */
export default defineConfig({
  root: import.meta.dirname,
  publicDir: 'tmp/runtime-config',
  // Its own cache: `npm start` runs the Svelte sample's dev server beside this one.
  cacheDir: '../../node_modules/.vite/vue-sample',
  plugins: [vue()],
  resolve: {
    // The workspace libraries from source, as tsconfig.base.json maps them.
    alias: {
      '@carto-auth/core': source('libs/auth-core/src/index.ts'),
      '@carto-auth/vue': source('libs/auth-vue/src/index.ts'),
      '@carto-auth/sample-kit/sample.css': source('libs/sample-kit/src/sample.css'),
      '@carto-auth/sample-kit': source('libs/sample-kit/src/index.ts'),
    },
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
});
