import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { explainStatement, lastStatementOf } from '../shared/src/database/statement-capture';
import { countSearch } from '../shared/src/directory/search';
import { readSearchTrigramStatistics } from '../shared/src/directory/search-candidates';
import { createOperatorDataSource } from '../shared/src/database/operator-data-source';
import { OPERATORS, getOperatorOrThrow } from '../shared/src/operators/operator-registry';
import { applySeed } from '../shared/src/seed/apply-seed';
import { buildOperatorSeed } from '../shared/src/seed/build-operator-seed';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { testDatabaseUrls } from '../shared/src/testing/test-databases';
import { loadOperatorModule } from '../subgraphs/operator-modules';

const megalis = loadOperatorModule(getOperatorOrThrow('MEGALIS'));

/** A fresh, empty database in the test cluster. */
async function scratchDatabase(name: string): Promise<string> {
  const adminUrl = new URL(testDatabaseUrls().MEGALIS);
  adminUrl.pathname = '/postgres';
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  adminUrl.pathname = `/${name}`;
  return adminUrl.toString();
}

/** Runs `use` on an initialised data source, destroyed afterwards whatever happens. */
async function using<T>(dataSource: DataSource, use: (dataSource: DataSource) => Promise<T>): Promise<T> {
  await dataSource.initialize();
  try {
    return await use(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('Database: migrations and seed', () => {
  it('migrates up, down to nothing, and up again (every migration is reversible)', async () => {
    const dataSource = createOperatorDataSourceFor(megalis, await scratchDatabase('migrations_check'));
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations();
      expect(applied.map((m) => m.name)).toEqual([
        // kernel and operator migrations run in timestamp order
        'CreateDirectorySchema1764450000000',
        'CreateMegalisMembership1764450100000',
        'AddWritesAuditAndPrivateFields1764450200000',
        'AddMemberCountsAndSearchBuckets1764450300000',
        'AddSearchTrigramStatistics1764450400000',
        'AddMemberServiceCounts1764450500000',
      ]);
      for (let i = 0; i < applied.length; i += 1) await dataSource.undoLastMigration();
      const tables = await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(tables).toEqual([{ tablename: 'migrations' }]);
      expect(await dataSource.runMigrations()).toHaveLength(6);
    } finally {
      await dataSource.destroy();
    }
  });

  it('leaves the database vacuumed and analysed behind a seed, so the first requests are planned and read as later ones', async () => {
    await using(createOperatorDataSourceFor(megalis, await scratchDatabase('statistics_check')), async (dataSource) => {
      const prepared = await prepareOperatorDatabase(dataSource, megalis);
      const [{ members }] = await dataSource.query('SELECT count(*)::int AS members FROM member');
      expect(prepared.seeded?.members).toBe(members);
      // What ANALYZE leaves (autovacuum would not have run yet): the row count, and a plan that
      // walks the name order's index for one département's first page instead of sorting it.
      const [{ reltuples }] = await dataSource.query(`SELECT reltuples::int AS reltuples FROM pg_class WHERE relname = 'member'`);
      expect(reltuples).toBe(members);
      const plan: { 'QUERY PLAN': string }[] = await dataSource.query(
        `EXPLAIN SELECT id FROM member WHERE departement = ANY($1::text[]) ORDER BY sort_name COLLATE "C", id LIMIT 21`,
        [['29']],
      );
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index Scan using member_name_order_idx/);
      // What VACUUM leaves: no trigram index keeps rows in its pending list (which every search
      // would read whole), and the visibility map lets the name walk read the index alone.
      await dataSource.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
      const pending: { index: string; pending: number }[] = await dataSource.query(
        `SELECT i.indexrelid::regclass::text AS index, (pgstatginindex(i.indexrelid)).pending_tuples::int AS pending
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
          WHERE i.indrelid = 'member'::regclass AND a.amname = 'gin' ORDER BY 1`,
      );
      expect(pending.map((row) => row.index)).toEqual(expect.arrayContaining(['member_sort_name_trgm_idx', 'member_search_trgm_from_33_idx']));
      expect(pending.filter((row) => row.pending > 0)).toEqual([]);
      const walk: { 'QUERY PLAN': string }[] = await dataSource.query(
        `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT c.id, c.sort_name FROM member c ORDER BY c.sort_name, c.id LIMIT 500`,
      );
      const walkPlan = walk.map((row) => row['QUERY PLAN']).join('\n');
      expect(walkPlan).toMatch(/Index Only Scan using member_name_order_idx/);
      expect(walkPlan).toMatch(/Heap Fetches: 0\b/);
    });
  });

  it('counts search matches through the trigram index even when PostgreSQL plans for the text itself', async () => {
    // Without prepared statements, every execution is planned for its own text (a custom plan): the
    // planner prices pg_trgm's operators like an equality and, on a few thousand members, scored
    // every name rather than read the index. The text reaches the operators as a run-time value.
    await using(createOperatorDataSourceFor(megalis, testDatabaseUrls().MEGALIS), async (dataSource) => {
      for (const text of ['brieuc', 'syndicat intercommunal d electrification de la region de plomodiern']) {
        const plan = await explainStatement(dataSource, await lastStatementOf(dataSource, () => countSearch(dataSource, text, null)), 'COSTS OFF');
        expect({ text, plan }).toEqual({ text, plan: expect.stringMatching(/Bitmap Index Scan on member_sort_name_trgm_idx/) });
        expect({ text, plan }).toEqual({ text, plan: expect.not.stringMatching(/Seq Scan on member\b/) });
      }
    });
  });

  it('reads the trigram statistics on a connection that has not used pg_trgm yet', async () => {
    // pg_trgm's settings exist on a connection only once its library is loaded there: the first
    // statement of a fresh connection is the one that must load it.
    const statistics = await using(createOperatorDataSource({ url: testDatabaseUrls().MEGALIS, poolSize: 1 }), readSearchTrigramStatistics);
    expect(statistics).toEqual(expect.objectContaining({ members: 2250, thresholds: expect.objectContaining({ similarity: 0.3, wordSimilarity: 0.6 }) }));
    expect(statistics!.frequencies.size).toBeGreaterThan(100);
  });

  it('seeds deterministically and idempotently: a second run inserts nothing', async () => {
    const dataSource = createOperatorDataSourceFor(megalis, testDatabaseUrls().MEGALIS);
    await dataSource.initialize();
    try {
      const before = await dataSource.query('SELECT count(*)::int AS n, max(id) AS max FROM member');
      const again = await applySeed(dataSource, buildOperatorSeed(megalis.operator, { catalogue: megalis.specifics.catalogue, composition: megalis.specifics.seedComposition }));
      expect(again).toEqual({ vendors: 0, services: 0, members: 0, subscriptions: 0 });
      expect(await prepareOperatorDatabase(dataSource, megalis)).toEqual({ migrations: [], seeded: null });
      expect(await dataSource.query('SELECT count(*)::int AS n, max(id) AS max FROM member')).toEqual(before);
    } finally {
      await dataSource.destroy();
    }
  });

  it('flags synthetic records, and real ones carry INSEE data', async () => {
    for (const operator of OPERATORS) {
      const dataSource = createOperatorDataSourceFor(loadOperatorModule(operator), testDatabaseUrls()[operator.code]);
      await dataSource.initialize();
      try {
        const [row] = await dataSource.query(`
          SELECT count(*) FILTER (WHERE synthetic AND (insee_code IS NOT NULL OR kind IN ('COMMUNE', 'REGION', 'DEPARTEMENT')))::int AS bad_synthetic,
                 count(*) FILTER (WHERE NOT synthetic AND kind = 'COMMUNE' AND insee_code IS NULL)::int AS bad_real,
                 count(*) FILTER (WHERE synthetic)::int AS synthetic
            FROM member`);
        expect({ operator: operator.code, ...row, synthetic: row.synthetic > 0 }).toEqual({ operator: operator.code, bad_synthetic: 0, bad_real: 0, synthetic: true });
      } finally {
        await dataSource.destroy();
      }
    }
  });
});
