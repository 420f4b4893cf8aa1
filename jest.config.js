// Three tiers named by what they need (docs/testing.md): `unit` (*.spec.ts beside the code: no database, no broker),
// `service` (*.int-spec.ts beside the code: a service or repository on the real Postgres and/or RabbitMQ) and `e2e`
// (test/**/*.e2e-spec.ts: the built apps as real processes against real Postgres and RabbitMQ).
// Nest 12 ships ES modules only and Jest on Node 20 cannot require() them, so Jest runs our TypeScript as ES
// modules (ts-jest `useESM`, Node's --experimental-vm-modules); CommonJS packages load through ESM interop.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', useESM: true }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  rootDir: __dirname,
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'service',
      testMatch: ['<rootDir>/apps/**/*.int-spec.ts', '<rootDir>/libs/**/*.int-spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  maxWorkers: 1,
  testTimeout: 60000,
};
