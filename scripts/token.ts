import { parseArgs } from 'node:util';
import { readAuthConfig } from '../shared/src/auth/auth-config';
import { DevelopmentTokenError, signDevelopmentToken } from '../shared/src/auth/development-token';
import { ROLE_NAMES } from '../shared/src/auth/role';
import { ConfigError } from '../shared/src/config/env.util';
import { OPERATORS } from '../shared/src/operators/operator-registry';

const USAGE = `Usage: npm run token -- [--operator CODE] [--role ROLE]... [--sub NAME] [--expires 8h]
  --operator  ${OPERATORS.map((operator) => operator.code).join(', ')}
  --role      ${ROLE_NAMES.join(', ')} (repeatable)
  --sub       the token's subject (default: developer)
  --expires   lifetime, e.g. 30m, 8h, 7d (default: 8h)
Signs with JWT_SECRET (or the development secret when unset), JWT_ISSUER and JWT_AUDIENCE.`;

/**
 * `npm run token -- --operator MEGALIS --role operator_admin`: prints a development token that
 * every service configured with the same secret accepts. Refused in production, where tokens come
 * from the identity provider. Bad arguments exit with status 2.
 */
async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') fail('npm run token signs development tokens only; it refuses to run with NODE_ENV=production.');
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        operator: { type: 'string' },
        role: { type: 'string', multiple: true },
        sub: { type: 'string' },
        expires: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    const token = await signDevelopmentToken(
      { operator: values.operator ?? null, roles: values.role ?? [], sub: values.sub, expiresIn: values.expires },
      readAuthConfig(process.env),
    );
    process.stdout.write(`${token}\n`);
  } catch (error) {
    if (error instanceof DevelopmentTokenError) fail(`${error.message}\n${USAGE}`);
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
