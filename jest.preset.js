/**
 * Shared Jest settings for every project. oauth4webapi and jose ship ESM only, so ts-jest compiles
 * them to CommonJS instead of Jest ignoring node_modules (TOOLCHAIN pitfall 1).
 */
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.(ts|js|mjs)$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  transformIgnorePatterns: [
    'node_modules/(?!(oauth4webapi|jose|oidc-provider|@koa|koa|svelte|esm-env|@sveltejs)/)',
  ],
  moduleNameMapper: {
    // ESM-style relative imports with a `.js` extension point at `.ts` sources.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@carto-auth/core$': path.join(__dirname, 'libs/auth-core/src/index.ts'),
    '^@carto-auth/core/node$': path.join(__dirname, 'libs/auth-core/src/node.ts'),
    '^@carto-auth/adapter-testing$': path.join(__dirname, 'libs/adapter-testing/src/index.ts'),
    '^@carto-auth/emulator/testing$': path.join(__dirname, 'libs/carto-emulator/src/testing/index.ts'),
  },
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // Built packages carry a package.json too; only the sources are modules here.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
