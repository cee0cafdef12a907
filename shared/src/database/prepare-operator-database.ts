import type { DataSource } from 'typeorm';
import { applySeed, type SeedResult } from '../seed/apply-seed';
import { buildOperatorSeed } from '../seed/build-operator-seed';
import type { OperatorModule } from '../subgraph/operator-specifics';

export interface PrepareResult {
  migrations: string[];
  seeded: SeedResult | null;
}

/**
 * Brings an operator's database up to date: pending migrations, then, when the directory is empty
 * (first run) or `forceSeed` is set, the deterministic seed (kernel tables, then the operator's
 * own). Safe to call on every start.
 *
 * After either, the database is vacuumed and analysed (`VACUUM (ANALYZE)`), as autovacuum would do
 * only later (a minute or more after the load, and its first pass may come later still):
 * - planner statistics: without them PostgreSQL plans on default estimates, and a filtered page of
 *   members sorts every match instead of walking the sort order's index. Measured on the seeded
 *   MEGALIS directory: a page of one département's members cost the database 460 µs of CPU per
 *   execution before, 127 µs after;
 * - the trigram indexes' pending lists: GIN indexes take new rows into an unsorted list that every
 *   search reads whole until a vacuum merges it (an `ANALYZE` alone does not). Measured on the seeded
 *   MEGALIS directory, PostgreSQL CPU per search page: 9.3 → 2.7 ms for "brieuc", 19.6 → 4.3 ms for
 *   a whole name;
 * - the visibility map, without which an index-only scan (a short name filter's walk of the name
 *   index) reads the table too.
 */
export async function prepareOperatorDatabase(
  dataSource: DataSource,
  module: OperatorModule,
  options: { seed: boolean | 'if-empty' } = { seed: 'if-empty' },
): Promise<PrepareResult> {
  const migrations = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  let seeded: SeedResult | null = null;
  const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM member');
  if (options.seed === true || (options.seed === 'if-empty' && count === 0)) {
    const seed = buildOperatorSeed(module.operator, { catalogue: module.specifics.catalogue, composition: module.specifics.seedComposition });
    seeded = await applySeed(dataSource, seed);
    await module.specifics.seed?.(dataSource, seed);
  }
  if (seeded || migrations.length > 0) await dataSource.query('VACUUM (ANALYZE)');
  return { migrations, seeded };
}
