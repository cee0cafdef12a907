import type { Config } from 'jest';
import base from './jest.config';

/**
 * `npm run test:browser`: the tests that drive headless Chromium (`test/browser/*.browser.ts`, out
 * of reach of the main run's `*.spec.ts`), over the same embedded PostgreSQL global setup.
 */
const config: Config = {
  ...base,
  testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
  maxWorkers: 1,
};

export default config;
