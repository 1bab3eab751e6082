/**
 * The browser sample apps the e2e drives. Every sample honours the same contract (DESIGN §5): the shared
 * `data-testid`s, settings read from `window.__CARTO_ENV__` (loaded from `/env.js` before the bundle),
 * the redirect URI `<origin>/callback`, logout back to `<origin>/`, and a route guarded by the adapter's
 * guard. Adding a sample = appending one entry here; the spec runs over all of them.
 */

/** How to build and serve one sample app. */
export interface SampleApp {
  /** Short name, used in test titles (`angular sample › …`). */
  readonly name: string;
  /** The built static files, relative to the workspace root (an `index.html` at its top). */
  readonly distDir: string;
  /** Shell command, run from the workspace root, that (re)builds `distDir`. */
  readonly build: string;
  /**
   * Files and folders (relative to the workspace root) the build reads: when any of them is newer than
   * `distDir/index.html`, the build runs again before the tests. Test files are ignored.
   */
  readonly sources: readonly string[];
  /** A path served by the sample whose route uses the adapter's auth guard. */
  readonly guardedPath: string;
}

/** Shared by every browser sample: the core and the workspace settings. */
export const COMMON_SOURCES = [
  'libs/auth-core/src',
  'libs/sample-kit/src',
  'tsconfig.base.json',
  'package-lock.json',
];

export const SAMPLES: readonly SampleApp[] = [
  {
    name: 'angular',
    distDir: 'apps/angular-sample/dist/browser',
    build: 'npx nx build angular-sample',
    sources: [
      'apps/angular-sample/src',
      'apps/angular-sample/project.json',
      'libs/auth-angular/src',
      ...COMMON_SOURCES,
    ],
    guardedPath: '/data',
  },
  {
    name: 'vue',
    distDir: 'apps/vue-sample/dist',
    build: 'npx nx build vue-sample',
    sources: [
      'apps/vue-sample/src',
      'apps/vue-sample/index.html',
      'apps/vue-sample/vite.config.mts',
      'apps/vue-sample/project.json',
      'libs/auth-vue/src',
      ...COMMON_SOURCES,
    ],
    guardedPath: '/data',
  },
  {
    name: 'svelte',
    distDir: 'apps/svelte-sample/dist',
    build: 'npx nx build svelte-sample',
    sources: [
      'apps/svelte-sample/src',
      'apps/svelte-sample/index.html',
      'apps/svelte-sample/vite.config.mts',
      'apps/svelte-sample/project.json',
      'libs/auth-svelte/src',
      ...COMMON_SOURCES,
    ],
    guardedPath: '/data',
  },
];
