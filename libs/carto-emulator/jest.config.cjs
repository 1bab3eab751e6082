/**
 * Jest for carto-emulator: plain Node environment (TOOLCHAIN pitfall 3). Every suite talks to an
 * emulator spawned as a child process (oidc-provider is ESM-only), so allow for its start-up.
 */
module.exports = {
  displayName: 'carto-emulator',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 30000,
};
