/** Tests mirror src/: test/unit/<module>.test.ts, contract and property tests beside them. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // The suite leaves nothing in the temporary folder (test/temp-folders.ts).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};
