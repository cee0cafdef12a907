import { types } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import { KERNEL_ENTITIES } from './entities';
import { KERNEL_MIGRATIONS } from './migrations';
import { SqlStatementLogger } from './sql-statement-logger';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them with the process time zone.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

export interface OperatorDataSourceOptions {
  url: string;
  /** The operator's own entities and migrations; migrations run with the kernel's, in timestamp order. */
  entities?: MixedList<Function | import('typeorm').EntitySchema>;
  migrations?: Function[];
  /** Called for every SQL statement sent (the statement counter). */
  onStatement?: (sql: string) => void;
  poolSize?: number;
  /** Upper bound of any one statement, in milliseconds. */
  statementTimeoutMs?: number;
  applicationName?: string;
}

/**
 * One DataSource per operator database. Schema changes go through migrations only
 * (`synchronize: false`); the migrations table is the database's own.
 */
export function createOperatorDataSource(options: OperatorDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...KERNEL_ENTITIES, ...((options.entities as unknown[]) ?? [])] as MixedList<Function>,
    migrations: [...KERNEL_MIGRATIONS, ...(options.migrations ?? [])],
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger: new SqlStatementLogger(options.onStatement ?? (() => undefined)),
    extra: {
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? 'alliance-graph',
      connectionTimeoutMillis: 5_000,
    },
  });
}
