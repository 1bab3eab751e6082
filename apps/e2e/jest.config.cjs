/**
 * Jest for the browser e2e: node environment (playwright-core drives Debian's Chromium from Node). One
 * worker: every suite starts emulators, static servers and a browser, and the machines have 2 cores.
 * Each sample's `beforeAll` may build it (~25 s), so hooks get their own, longer time-outs.
 */
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 90_000,
  maxWorkers: 1,
};
