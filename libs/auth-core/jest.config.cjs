/** Jest for auth-core: plain Node environment (TOOLCHAIN pitfall 3); integration tests spawn the emulator. */
module.exports = {
  displayName: 'auth-core',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 30_000,
};
