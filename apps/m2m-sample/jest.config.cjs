/** Jest for the m2m-sample: runs the real server against a spawned emulator. */
module.exports = {
  displayName: 'm2m-sample',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60_000,
};
