/**
 * Jest for auth-vue: jsdom with the web globals the core needs (TOOLCHAIN pitfall 3); CommonJS builds of
 * vue, vue-router and @vue/test-utils (their `browser` builds are ESM). Files named `*.server.test.ts`
 * declare the Node environment themselves (SSR, case-21).
 */
module.exports = {
  preset: '../../jest.preset.js',
  displayName: 'auth-vue',
  rootDir: __dirname,
  testEnvironment: '<rootDir>/../../tools/jest/jsdom-with-web-globals.cjs',
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'] },
  testMatch: ['<rootDir>/src/**/*.(spec|test).ts'],
};
