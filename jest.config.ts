import type { Config } from 'jest';

/**
 * One jest run for unit tests (beside the code, `__tests__/*.spec.ts`) and integration tests
 * (`test/*.spec.ts`). The global setup starts an embedded PostgreSQL in a temporary directory on
 * a free port, with one migrated and seeded database per operator.
 */
const config: Config = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // `jose` 6 is ESM-only and Jest on Node 20 cannot require ESM: compile it to CommonJS.
    '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/**/__tests__/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
};

export default config;
