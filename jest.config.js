/** Jest runs the TypeScript sources as ESM through ts-jest (transpile only; `npm run typecheck` does the type checking). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  // An internal error (a bug a guard turned into a fatal issue) fails the test it happens in.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/internal-errors.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
