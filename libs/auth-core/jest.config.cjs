/** Jest for auth-core: plain Node environment (TOOLCHAIN pitfall 3). */
module.exports = {
  displayName: 'auth-core',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
