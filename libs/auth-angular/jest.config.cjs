/**
 * Jest for auth-angular: jest-preset-angular (jsdom, zoneless TestBed). createCjsPreset() replaces
 * transformIgnorePatterns, so oauth4webapi (ESM only) is re-admitted here (TOOLCHAIN pitfall 2); the
 * environment adds the web globals jsdom lacks (pitfall 3).
 */
const { createCjsPreset } = require('jest-preset-angular/presets');

module.exports = {
  ...createCjsPreset(),
  preset: '../../jest.preset.js', // its moduleNameMapper points @carto-auth/core at the core's source
  displayName: 'auth-angular',
  rootDir: __dirname,
  testEnvironment: '<rootDir>/jest-environment.cjs',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  transformIgnorePatterns: ['node_modules/(?!(.*\\.mjs$|oauth4webapi/))'],
  testMatch: ['<rootDir>/src/**/*.(spec|test).ts'],
};
