import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';

/** The switch of one data source's connections: off until the schema is in place (migrations). */
interface PreparedStatementsState {
  enabled: boolean;
  /** Statement texts given a name, by text (bounded). */
  readonly names: Map<string, string>;
}

/** Distinct statements named per data source; beyond, statements run unnamed (parsed each time). */
const MAX_NAMED_STATEMENTS = 2_000;

const states = new WeakMap<DataSource, PreparedStatementsState>();

/**
 * A `pg.Client` whose parameterised statements are named prepared statements: PostgreSQL parses
 * and plans each statement text once per connection, then only binds and executes it. TypeORM
 * sends every query with its parameters apart (`$1`, `$2`…), so the page, count, look-up and
 * DataLoader statements of a request are all covered without changing how they are written.
 *
 * A statement's name is a hash of its text: the same text always gets the same name, on every
 * connection. Statements without parameters (transaction control, migrations' DDL) are sent as
 * they are. The switch starts off: the data source's owner turns it on once migrations are done
 * (`enablePreparedStatements`), so no plan is kept across a schema change.
 */
export function preparingClientClass(state: PreparedStatementsState): typeof Client {
  return class PreparingClient extends Client {
    override query(config: unknown, values?: unknown, callback?: unknown): never {
      const query = super.query as (config: unknown, values?: unknown, callback?: unknown) => never;
      if (state.enabled && typeof config === 'string' && Array.isArray(values) && values.length > 0) {
        const name = nameOf(state, config);
        if (name) return query.call(this, { name, text: config, values }, callback);
      }
      return query.call(this, config, values, callback);
    }
  } as unknown as typeof Client;
}

function nameOf(state: PreparedStatementsState, text: string): string | null {
  let name = state.names.get(text);
  if (name === undefined) {
    if (state.names.size >= MAX_NAMED_STATEMENTS) return null;
    name = `ag_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    state.names.set(text, name);
  }
  return name;
}

/** A fresh switch, for `createOperatorDataSource` to hand to its pool and to register. */
export function newPreparedStatementsState(): PreparedStatementsState {
  return { enabled: false, names: new Map() };
}

export function registerPreparedStatements(dataSource: DataSource, state: PreparedStatementsState): void {
  states.set(dataSource, state);
}

/** Turns prepared statements on for a data source's connections (after its migrations). */
export function enablePreparedStatements(dataSource: DataSource): void {
  const state = states.get(dataSource);
  if (state) state.enabled = true;
}

/** How many distinct statements a data source has named so far (tests, metrics). */
export function namedStatementCount(dataSource: DataSource): number {
  return states.get(dataSource)?.names.size ?? 0;
}
