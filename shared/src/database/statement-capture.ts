import type { DataSource, Logger } from 'typeorm';

/** A statement as the data layer sent it: its SQL (`$n` placeholders) and bound parameters. */
export interface CapturedStatement {
  sql: string;
  parameters: unknown[];
}

/**
 * The statements `run` sends through a data source, in order (TypeORM's logger sees every one),
 * for tests and the scale benchmark to `EXPLAIN` exactly what the code runs. The data source's
 * logger is replaced while `run` runs: statements sent meanwhile by anything else on the same data
 * source are captured too, so use it where nothing else runs.
 */
export async function captureStatements(dataSource: DataSource, run: () => Promise<unknown>): Promise<CapturedStatement[]> {
  const captured: CapturedStatement[] = [];
  const holder = dataSource as unknown as { logger: Logger };
  const original = holder.logger;
  holder.logger = Object.assign(Object.create(original) as Logger, {
    logQuery(sql: string, parameters?: unknown[]) {
      captured.push({ sql, parameters: parameters ?? [] });
    },
  });
  try {
    await run();
  } finally {
    holder.logger = original;
  }
  return captured;
}

/** The last statement `run` sends (its page or count statement, after any look-ups). */
export async function lastStatementOf(dataSource: DataSource, run: () => Promise<unknown>): Promise<CapturedStatement> {
  const captured = await captureStatements(dataSource, run);
  if (!captured.length) throw new Error('no SQL statement was sent');
  return captured[captured.length - 1];
}

/** `EXPLAIN (<options>)` of a statement, its plan as text (one line per node). */
export async function explainStatement(dataSource: DataSource, statement: CapturedStatement, options: string): Promise<string> {
  const rows: { 'QUERY PLAN': string }[] = await dataSource.query(`EXPLAIN (${options}) ${statement.sql}`, statement.parameters);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}
