import { OPERATORS } from '../operators/operator-registry';

/**
 * Where the test databases are: the global setup writes their URLs into TEST_DATABASE_URLS (JSON,
 * by operator code) before the test workers start.
 */
export const TEST_DATABASE_URLS_ENV = 'TEST_DATABASE_URLS';

export function testDatabaseUrls(): Record<string, string> {
  const raw = process.env[TEST_DATABASE_URLS_ENV];
  if (!raw) throw new Error(`${TEST_DATABASE_URLS_ENV} is not set: run the tests with jest (its global setup starts PostgreSQL).`);
  const urls = JSON.parse(raw) as Record<string, string>;
  for (const operator of OPERATORS) {
    if (!urls[operator.code]) throw new Error(`No test database for ${operator.code}`);
  }
  return urls;
}
