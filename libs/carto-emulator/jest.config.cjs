/** Jest for carto-emulator: plain Node environment (TOOLCHAIN pitfall 3). */
module.exports = {
  displayName: 'carto-emulator',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
