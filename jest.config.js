/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^ts-adc/runtime$': '<rootDir>/runtime/index.ts',
    '^ts-adc/testing$': '<rootDir>/runtime/testing.ts',
    '^ts-adc$': '<rootDir>/runtime/markers.ts',
  },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  // TypeScript first: a stray compiled .js next to a .ts must never shadow it.
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
  maxWorkers: 2,
};
