import { readAuthConfig, type AuthConfig } from '../auth/auth-config';
import { signDevelopmentToken, type DevelopmentTokenOptions } from '../auth/development-token';

/**
 * The secret every service of an in-process test alliance shares; deliberately not the
 * development default, so that tests prove each service reads its configured secret.
 */
export const TEST_JWT_SECRET = 'alliance-graph-test-secret-0123456789abcdef';

export const TEST_AUTH_CONFIG: AuthConfig = readAuthConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET });

/** A token every service of the test alliance accepts. */
export function signTestToken(options: DevelopmentTokenOptions): Promise<string> {
  return signDevelopmentToken(options, TEST_AUTH_CONFIG);
}
