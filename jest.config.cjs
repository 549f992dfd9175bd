/** Tests mirror src/: test/unit/<module>.test.ts, contract and property tests beside them. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
