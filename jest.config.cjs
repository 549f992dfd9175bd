/** Tests mirror the code: test/src/<module>.test.ts, test/tools/<folder>/<module>.test.ts; helpers in test/support/ (docs/layout.md). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest'], '/node_modules/leven/.+\\.js$': ['@swc/jest'] },
  // leven is an ES module only: swc makes it loadable by jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!leven/)'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  // The suite leaves nothing in the temporary folder (test/temp-folders.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
