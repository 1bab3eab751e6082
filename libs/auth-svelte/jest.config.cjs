/**
 * Jest for auth-svelte: jsdom with the web globals the core needs (TOOLCHAIN pitfall 3), Svelte's
 * client runtime (`browser` export condition, pitfall 5; `import` would break Jest's own packages) and
 * a `.svelte` transform for the fixture components (pitfall 4). Files named `*.server.test.ts` declare
 * the Node environment and its export conditions themselves (SSR, case-21).
 */
module.exports = {
  preset: '../../jest.preset.js',
  displayName: 'auth-svelte',
  rootDir: __dirname,
  testEnvironment: '<rootDir>/../../tools/jest/jsdom-with-web-globals.cjs',
  testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'default'] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'svelte'], // the preset's, plus components
  // Jest merges this with the preset's TypeScript transform.
  transform: { '^.+\\.svelte$': '<rootDir>/jest/svelte-transform.cjs' },
  testMatch: ['<rootDir>/src/**/*.(spec|test).ts'],
};
