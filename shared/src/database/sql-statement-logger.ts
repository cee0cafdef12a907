import { AbstractLogger, type LogLevel, type LogMessage, type QueryRunner } from 'typeorm';

/**
 * TypeORM calls `logQuery` for every statement it sends, whatever the logging options: counting
 * there counts every SQL statement of the data layer. The count is exported as a metric and
 * asserted by tests (statements per request depend on query depth, not on row counts).
 */
export class SqlStatementLogger extends AbstractLogger {
  constructor(private readonly onStatement: (sql: string) => void) {
    super();
  }

  override logQuery(query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.onStatement(query);
  }

  protected writeLog(_level: LogLevel, _message: LogMessage | string | number | (LogMessage | string | number)[]): void {
    // Errors surface through the GraphQL error path; nothing is printed here.
  }
}
