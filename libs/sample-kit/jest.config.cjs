/** Jest for sample-kit: plain TypeScript in Node, against the real emulator where it talks to CARTO. */
module.exports = {
  preset: '../../jest.preset.js',
  displayName: 'sample-kit',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.(spec|test).ts'],
};
