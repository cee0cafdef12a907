import { types } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import { ConfigError, type Env, readOptionalString } from '../config/env.util';
import { KERNEL_ENTITIES } from './entities';
import { KERNEL_MIGRATIONS } from './migrations';
import { newPreparedStatementsState, preparingClientClass, registerPreparedStatements } from './prepared-statements';
import { SqlStatementLogger } from './sql-statement-logger';

// DATE columns stay 'YYYY-MM-DD' strings: a JS Date would shift them with the process time zone.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

/** Bounds of every database interaction, in milliseconds (README, "Faults"). */
export interface DatabaseTimeouts {
  /** PostgreSQL's `statement_timeout` of every pooled connection: any one statement is cancelled past it. */
  statementTimeoutMs: number;
  /** How long opening a connection may take (pg's `connectionTimeoutMillis`). */
  connectTimeoutMs: number;
  /** PostgreSQL's `idle_in_transaction_session_timeout`: a transaction left idle is ended past it. */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  idleInTransactionTimeoutMs: 60_000,
};

/**
 * `DB_STATEMENT_TIMEOUT_MS`, `DB_CONNECT_TIMEOUT_MS` and `DB_IDLE_IN_TRANSACTION_TIMEOUT_MS`: positive
 * integers of milliseconds; a bad value is a `ConfigError` naming the variable.
 */
export function readDatabaseTimeouts(env: Env): DatabaseTimeouts {
  const read = (name: string, fallback: number) => {
    const raw = readOptionalString(env, name);
    if (raw === undefined) return fallback;
    if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new ConfigError(name, `must be a positive integer of milliseconds; got ${JSON.stringify(raw)}.`);
    return Number(raw);
  };
  return {
    statementTimeoutMs: read('DB_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.statementTimeoutMs),
    connectTimeoutMs: read('DB_CONNECT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.connectTimeoutMs),
    idleInTransactionTimeoutMs: read('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.idleInTransactionTimeoutMs),
  };
}

export interface OperatorDataSourceOptions {
  url: string;
  /** The operator's own entities and migrations; migrations run with the kernel's, in timestamp order. */
  entities?: MixedList<Function | import('typeorm').EntitySchema>;
  migrations?: Function[];
  /** Called for every SQL statement sent (the statement counter). */
  onStatement?: (sql: string) => void;
  poolSize?: number;
  /** Upper bound of any one statement, in milliseconds (default: `DB_STATEMENT_TIMEOUT_MS`, else 10 s). */
  statementTimeoutMs?: number;
  /** Upper bound of opening a connection (default: `DB_CONNECT_TIMEOUT_MS`, else 5 s). */
  connectTimeoutMs?: number;
  applicationName?: string;
}

/**
 * One DataSource per operator database. Schema changes go through migrations only
 * (`synchronize: false`); the migrations table is the database's own.
 *
 * Every pooled connection is opened with `statement_timeout` and
 * `idle_in_transaction_session_timeout` as startup parameters (TypeORM hands `extra` to `pg.Pool`,
 * which sends them to the server: `SHOW statement_timeout` on a pooled connection tells), so no
 * statement, lock wait or forgotten transaction holds a request or a connection for ever. Timeouts
 * not given here come from the environment (`readDatabaseTimeouts`), read when the data source is made.
 */
export function createOperatorDataSource(options: OperatorDataSourceOptions): DataSource {
  const timeouts = readDatabaseTimeouts(process.env);
  const prepared = newPreparedStatementsState();
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...KERNEL_ENTITIES, ...((options.entities as unknown[]) ?? [])] as MixedList<Function>,
    migrations: [...KERNEL_MIGRATIONS, ...(options.migrations ?? [])],
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger: new SqlStatementLogger(options.onStatement ?? (() => undefined)),
    extra: {
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? timeouts.statementTimeoutMs,
      idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
      application_name: options.applicationName ?? 'alliance-graph',
      connectionTimeoutMillis: options.connectTimeoutMs ?? timeouts.connectTimeoutMs,
      // A database host that vanished without closing its sockets is noticed by the kernel.
      keepAlive: true,
      // Parameterised statements become named prepared statements once `enablePreparedStatements`
      // is called (the subgraph server does, after migrations): see prepared-statements.ts.
      Client: preparingClientClass(prepared),
    },
  });
  registerPreparedStatements(dataSource, prepared);
  return dataSource;
}
