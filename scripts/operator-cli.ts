import { ConfigError, readUrl } from '../shared/src/config/env.util';
import { operatorEnvName } from '../shared/src/config/runtime-config';
import type { OperatorDefinition } from '../shared/src/operators/operator-definition';
import { OPERATORS, findOperator } from '../shared/src/operators/operator-registry';

/**
 * The operators a maintenance command applies to: `--operator CODE` (repeatable), or every
 * operator whose `<CODE>_DATABASE_URL` is set. Each operator's database URL is read from its own
 * variable: an operator runs these commands against its own database only.
 */
export function selectOperators(argv: string[], env = process.env): { operator: OperatorDefinition; url: string }[] {
  const codes: string[] = [];
  argv.forEach((arg, index) => {
    if (arg === '--operator') codes.push(argv[index + 1] ?? '');
    else if (arg.startsWith('--operator=')) codes.push(arg.slice('--operator='.length));
  });
  const unknown = codes.filter((code) => !findOperator(code));
  if (unknown.length) throw new ConfigError('--operator', `must be one of ${OPERATORS.map((o) => o.code).join(', ')}; got ${unknown.join(', ')}.`);
  const selected = codes.length ? codes.map((code) => findOperator(code)!) : OPERATORS.filter((o) => env[operatorEnvName(o, 'DATABASE_URL')]);
  if (!selected.length) {
    throw new ConfigError(
      OPERATORS.map((o) => operatorEnvName(o, 'DATABASE_URL')).join(' / '),
      'none is set: set the database URL of the operator(s) to work on, or use npm start for the embedded database.',
    );
  }
  return selected.map((operator) => ({ operator, url: readUrl(env, operatorEnvName(operator, 'DATABASE_URL'), ['postgres:', 'postgresql:']) }));
}

export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  });
}
