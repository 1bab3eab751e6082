/** Jest for the bench: only the size budgets (deterministic); times are measured by `npm run bench`, never asserted. */
module.exports = {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 60_000,
};
