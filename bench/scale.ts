/**
 * `npm run bench:scale` (issue 7, item 3): one operator (MEGALIS) measured at its seeded size
 * (2,250 members) and after a bulk load of synthetic members up to 1,000,000 (and about two
 * subscriptions each). Two databases in one PostgreSQL, one in-process subgraph over each; for
 * every operation the two sizes are measured in alternation, round after round (the machine is
 * shared: a slow moment then hurts both sizes, not one), and each figure is the median of the
 * rounds. autocannon POSTs to the subgraphs directly. Prints a table and the EXPLAIN (ANALYZE,
 * BUFFERS) plans of the statements the code itself sends (captured through the TypeORM logger).
 *
 * Options: `--members N` (target size, default 1,000,000), `--duration S` (seconds per cell, 3),
 * `--rounds R` (rounds per operation, 5).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { type CapturedStatement, explainStatement, lastStatementOf } from '../shared/src/database/statement-capture';
import { countMembers, findMemberPage } from '../shared/src/directory/member-list';
import type { MemberFilter } from '../shared/src/directory/member-filter';
import { searchPage } from '../shared/src/directory/search';
import { vendorUsage } from '../shared/src/directory/statistics';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { encodeMemberCursor } from '../shared/src/pagination/member-cursor';
import { startEmbeddedCluster, type EmbeddedCluster } from '../shared/src/postgres/embedded-cluster';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { startOperatorSubgraph, type RunningOperatorSubgraph } from '../shared/src/testing/operator-subgraph-harness';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { freePorts } from '../shared/src/testing/processes';
import { median, runLoad, type LoadResult } from './load';
import { stopOnSignals } from './stack';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const TARGET = argument('members', 1_000_000);
const DURATION = argument('duration', 3);
const ROUNDS = argument('rounds', 5);
const CONNECTIONS = 10;
const FILTER = '{ kinds: [COMMUNE], minPopulation: 1000 }';
const log = (message: string) => console.log(`[bench:scale] ${message}`);

interface Operation {
  name: string;
  query: (deepCursor: string) => string;
}
const OPERATIONS: Operation[] = [
  {
    name: 'filtered keyset page (first page)',
    query: () => `{ megalisOperator { members(first: 20, filter: ${FILTER}, orderBy: { field: NAME }) { nodes { id name } pageInfo { endCursor } } } }`,
  },
  {
    name: 'filtered keyset page (deep, ~90% in)',
    query: (after) => `{ megalisOperator { members(first: 20, filter: ${FILTER}, orderBy: { field: NAME }, after: ${JSON.stringify(after)}) { nodes { id name } pageInfo { endCursor } } } }`,
  },
  {
    name: 'count (totalCount, same filter)',
    query: () => `{ megalisOperator { members(first: 0, filter: ${FILTER}) { totalCount } } }`,
  },
  {
    name: 'count, bound inside a band (minPopulation: 1234)',
    query: () => `{ megalisOperator { members(first: 0, filter: { kinds: [COMMUNE], minPopulation: 1234 }) { totalCount } } }`,
  },
  {
    name: 'count, vendor filter (vendors: ["Libriciel SCOP"])',
    query: () => `{ megalisOperator { members(first: 0, filter: { vendors: ["Libriciel SCOP"] }) { totalCount } } }`,
  },
  {
    // Not populationCovered: the synthetic members' populations add up beyond GraphQL's Int (7.5
    // billion), which that field reports as an error (the other figures are unaffected).
    name: 'statistics (member and subscription figures, vendors)',
    query: () => `{ megalisStatistics { memberCount membersByKind { key count } subscriptionCount subscriptionsByCategory { key count } } megalisVendorUsage { name memberCount } }`,
  },
  {
    name: 'name filter (nameContains: "ker")',
    query: () => `{ megalisOperator { members(first: 20, filter: { nameContains: "ker" }) { nodes { id name } } } }`,
  },
  {
    name: 'name filter, rare (nameContains: "kerla")',
    query: () => `{ megalisOperator { members(first: 20, filter: { nameContains: "kerla" }) { nodes { id name } } } }`,
  },
  {
    name: 'search ("saint", first 20)',
    query: () => `{ megalisSearchIndex(text: "saint", first: 20, withCount: false) { entries { id } } }`,
  },
  {
    name: 'search ("saint brieuc", first 20)',
    query: () => `{ megalisSearchIndex(text: "saint brieuc", first: 20, withCount: false) { entries { id } } }`,
  },
  {
    name: 'search ("saint malo", first 20)',
    query: () => `{ megalisSearchIndex(text: "saint malo", first: 20, withCount: false) { entries { id } } }`,
  },
  {
    name: 'search, rare text ("plouguerneau", first 20)',
    query: () => `{ megalisSearchIndex(text: "plouguerneau", first: 20, withCount: false) { entries { id } } }`,
  },
];

interface Size {
  label: string;
  subgraph: RunningOperatorSubgraph;
  members: number;
  deepCursor: string;
}

interface Cell {
  rounds: LoadResult[];
  statements: number;
}

async function deepCursor(dataSource: DataSource): Promise<string> {
  // Set-up only (not measured): the position 90% into the filtered list.
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM member WHERE kind = 'COMMUNE' AND population >= 1000`);
  const [row] = await dataSource.query(
    `SELECT sort_name, id FROM member WHERE kind = 'COMMUNE' AND population >= 1000 ORDER BY sort_name, id OFFSET $1 LIMIT 1`,
    [Math.floor(count * 0.9)],
  );
  return encodeMemberCursor({ order: { field: 'NAME', direction: 'ASC' }, key: row.sort_name, id: row.id });
}

/**
 * Waits until no statement runs in the measured databases (at most 30 s): when a cell ends, the
 * requests still in flight go on in the subgraph and in PostgreSQL, and would slow the next cell
 * down. Asked on a connection of its own (the subgraphs' statement counters stay the requests').
 */
async function settle(monitor: Client, databases: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { rows } = await monitor.query(
      `SELECT count(*)::int AS active FROM pg_stat_activity WHERE datname = ANY($1) AND state = 'active' AND pid <> pg_backend_pid()`,
      [databases],
    );
    if (rows[0].active === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every operation: warm-up of each size, then `ROUNDS` rounds alternating the two sizes. */
async function measure(sizes: Size[], idle: () => Promise<void>): Promise<Cell[][]> {
  const cells = OPERATIONS.map(() => sizes.map((): Cell => ({ rounds: [], statements: 0 })));
  for (const [operationIndex, operation] of OPERATIONS.entries()) {
    const bodies = sizes.map((size) => JSON.stringify({ query: operation.query(size.deepCursor) }));
    for (const [sizeIndex, size] of sizes.entries()) {
      const probe = await fetch(size.subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[sizeIndex] });
      const text = await probe.text();
      if (!probe.ok || text.includes('"errors"')) throw new Error(`${operation.name} (${size.label}): ${probe.status} ${text.slice(0, 400)}`);
      // Warm-up, not recorded (JIT, pools, the plan and buffer caches).
      await runLoad({ url: size.subgraph.url, bodies: [bodies[sizeIndex]], connections: CONNECTIONS, durationSeconds: 1 });
      await idle();
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which size goes first, so that neither always follows the other.
      const order = round % 2 === 0 ? sizes.map((_, index) => index) : sizes.map((_, index) => index).reverse();
      for (const sizeIndex of order) {
        const size = sizes[sizeIndex];
        const before = await size.subgraph.metrics.sqlStatementCount();
        const result = await runLoad({ url: size.subgraph.url, bodies: [bodies[sizeIndex]], connections: CONNECTIONS, durationSeconds: DURATION });
        await idle();
        const statements = ((await size.subgraph.metrics.sqlStatementCount()) - before) / Math.max(1, result.responses);
        const cell = cells[operationIndex][sizeIndex];
        cell.rounds.push(result);
        cell.statements = Math.max(cell.statements, statements);
        log(`${size.label} · ${operation.name} · round ${round + 1}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.requestsPerSecond.toFixed(0)} req/s, errors ${result.errors}, non-2xx ${result.non2xx}, ${statements.toFixed(2)} SQL/request`);
      }
    }
  }
  return cells;
}

/**
 * Bulk load up to `target` members, without the secondary indexes (rebuilt afterwards, same
 * definitions). The members are inserted with their triggers on (the group counts follow them, as
 * they follow any write); the subscriptions with the foreign-key triggers off.
 */
async function bulkLoad(dataSource: DataSource, target: number): Promise<void> {
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM member`);
  const toAdd = target - count;
  if (toAdd <= 0) return;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // One session without the service's statement timeout.
    await runner.query(`SET statement_timeout = 0`);
    await runner.query(`SET maintenance_work_mem = '256MB'`);
    const indexes: { indexname: string; indexdef: string }[] = await runner.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = 'member'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const index of indexes) await runner.query(`DROP INDEX ${index.indexname}`);
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
    const [{ base, maxId }] = await runner.query(`SELECT coalesce(max(siren::bigint), 0) AS base, coalesce(max(id), 0) AS "maxId" FROM member`);
    // Distinct 9-digit SIRENs (not Luhn-valid: load-testing only); a rare clash with a seeded one is skipped.
    const sirenBase = Number(base) + 1 + toAdd <= 999_999_999 ? Number(base) + 1 : 100_000_001;
    const chunk = 250_000;
    for (let done = 0; done < toAdd; done += chunk) {
      const size = Math.min(chunk, toAdd - done);
      // sort_name like nameSortKey's output ([a-z0-9 ]): md5 hex mapped to letters; 8% start with "saint".
      await runner.query(
        `INSERT INTO member (siren, name, sort_name, kind, population, departement, status, joined_at, synthetic)
         SELECT lpad(($1::bigint + g)::text, 9, '0'), initcap(n), n,
                (ARRAY['COMMUNE','COMMUNE','COMMUNE','SIVU','CCAS'])[1 + g % 5],
                (random() * random() * 30000)::int,
                (ARRAY['22','29','35','56'])[1 + (g / 7) % 4], 'ADHERENT',
                DATE '2000-01-01' + (g % 9000)::int, true
           FROM (SELECT g, CASE WHEN g % 25 < 2 THEN 'saint ' ELSE '' END
                            || translate(substr(h, 1, 6), '0123456789abcdef', 'aeioulnrstkbcdmp') || ' '
                            || translate(substr(h, 7, 8), '0123456789abcdef', 'aeioulnrstkbcdmp') AS n
                   FROM (SELECT g, md5(g::text) AS h FROM generate_series($2::bigint, $3::bigint) g) s) t
         ON CONFLICT (siren) DO NOTHING`,
        [sirenBase, done, done + size - 1],
      );
      log(`  loaded ${(count + done + size).toLocaleString('en')} members (${seconds()} s)`);
    }
    const [{ lastId }] = await runner.query(`SELECT max(id) AS "lastId" FROM member`);
    // Foreign-key triggers off while loading subscriptions (every row references a member and a service that exist).
    await runner.query(`SET session_replication_role = replica`);
    for (let from = Number(maxId); from < Number(lastId); from += chunk) {
      // Two distinct active services per member (one in ten suspended).
      await runner.query(
        `WITH s AS (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM service WHERE retired_at IS NULL),
              m AS (SELECT id FROM member WHERE id > $1 AND id <= $2)
         INSERT INTO subscription (member_id, service_id, since, status)
         SELECT m.id, s.ids[1 + m.id % s.n], DATE '2021-01-01' + (m.id % 1000), CASE WHEN m.id % 10 = 0 THEN 'SUSPENDED' ELSE 'ACTIVE' END FROM m, s
         UNION ALL
         SELECT m.id, s.ids[1 + (m.id * 7 + 3) % s.n], DATE '2022-06-01' + (m.id % 500), 'ACTIVE' FROM m, s
          WHERE (m.id * 7 + 3) % s.n <> m.id % s.n
         ON CONFLICT DO NOTHING`,
        [from, Math.min(from + chunk, Number(lastId))],
      );
      log(`  subscriptions of members up to id ${Math.min(from + chunk, Number(lastId))} (${seconds()} s)`);
    }
    await runner.query(`SET session_replication_role = DEFAULT`);
    // The subscription triggers were off with the foreign keys: each member's active services are
    // set as those triggers would have (the member triggers, on, move the group counts).
    const [{ tracked }] = await runner.query(
      `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'member' AND column_name = 'active_services') AS tracked`,
    );
    for (let from = Number(maxId); tracked && from < Number(lastId); from += chunk) {
      await runner.query(
        `UPDATE member SET active_services = member_active_services(id)
          WHERE id > $1 AND id <= $2 AND id IN (SELECT member_id FROM subscription WHERE status = 'ACTIVE')`,
        [from, Math.min(from + chunk, Number(lastId))],
      );
      log(`  active services of members up to id ${Math.min(from + chunk, Number(lastId))} (${seconds()} s)`);
    }
    for (const index of indexes) {
      await runner.query(index.indexdef);
      log(`  rebuilt ${index.indexname} (${seconds()} s)`);
    }
    // As autovacuum would after a load: statistics, and the visibility map that index-only scans need.
    await runner.query(`VACUUM (ANALYZE) member`);
    await runner.query(`VACUUM (ANALYZE) subscription`);
    log(`  vacuumed and analysed (${seconds()} s)`);
  } finally {
    await runner.release();
  }
}

/** Whether `member_group_count` and `member_service_group_count` (when the schema has them) agree with the members, group by group. */
async function checkGroupCounts(dataSource: DataSource): Promise<string> {
  const [{ present, services }] = await dataSource.query(
    `SELECT to_regclass('member_group_count') IS NOT NULL AS present, to_regclass('member_service_group_count') IS NOT NULL AS services`,
  );
  if (!present) return 'no member_group_count table';
  if (services) {
    const [{ differences, stale }] = await dataSource.query(`
      SELECT (SELECT count(*)::int FROM (
               (SELECT kind, departement, status, synthetic, member_population_band(population), active_services, count(*) FROM member GROUP BY 1, 2, 3, 4, 5, 6
                EXCEPT SELECT kind, departement, status, synthetic, population_band, services, members FROM member_service_group_count WHERE members <> 0)
               UNION ALL
               (SELECT kind, departement, status, synthetic, population_band, services, members FROM member_service_group_count WHERE members <> 0
                EXCEPT SELECT kind, departement, status, synthetic, member_population_band(population), active_services, count(*) FROM member GROUP BY 1, 2, 3, 4, 5, 6)) d) AS differences,
             (SELECT count(*)::int FROM member m WHERE m.active_services IS DISTINCT FROM coalesce(
               (SELECT array_agg(s.service_id ORDER BY s.service_id) FROM subscription s WHERE s.member_id = m.id AND s.status = 'ACTIVE'), '{}')) AS stale`);
    if (differences !== 0) throw new Error(`member_service_group_count disagrees with the members in ${differences} groups`);
    if (stale !== 0) throw new Error(`${stale} members' active_services disagree with their subscriptions`);
  }
  const [{ differences }] = await dataSource.query(`
    SELECT count(*)::int AS differences FROM (
      (SELECT kind, departement, status, synthetic, member_population_band(population) AS band, count(*) AS n FROM member GROUP BY 1, 2, 3, 4, 5
       EXCEPT SELECT kind, departement, status, synthetic, population_band, members FROM member_group_count WHERE members <> 0)
      UNION ALL
      (SELECT kind, departement, status, synthetic, population_band, members FROM member_group_count WHERE members <> 0
       EXCEPT SELECT kind, departement, status, synthetic, member_population_band(population), count(*) FROM member GROUP BY 1, 2, 3, 4, 5)) d`);
  if (differences !== 0) throw new Error(`member_group_count disagrees with the members in ${differences} groups`);
  return `member_group_count${services ? ', member_service_group_count and every member\'s active services agree' : ' agrees'} with the members and subscriptions`;
}

/** The statements the code sends for the measured operations, with their plans. */
async function explainPlans(dataSource: DataSource): Promise<{ name: string; sql: string; plan: string }[]> {
  const filter = { kinds: ['COMMUNE'], minPopulation: 1000 } as MemberFilter;
  const order = { field: 'NAME', direction: 'ASC' } as const;
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM member WHERE kind = 'COMMUNE' AND population >= 1000`);
  const [deep] = await dataSource.query(
    `SELECT sort_name, id FROM member WHERE kind = 'COMMUNE' AND population >= 1000 ORDER BY sort_name, id OFFSET $1 LIMIT 1`,
    [Math.floor(count * 0.9)],
  );
  const statements: ({ name: string } & CapturedStatement)[] = [];
  const take = async (name: string, run: () => Promise<unknown>) => {
    statements.push({ name, ...(await lastStatementOf(dataSource, run)) });
  };
  await take('filtered keyset page (first page)', () => findMemberPage(dataSource, { filter, order, first: 20, after: null }));
  await take('filtered keyset page (deep)', () =>
    findMemberPage(dataSource, { filter, order, first: 20, after: { order, key: deep.sort_name, id: deep.id } }));
  await take('count (same filter)', () => countMembers(dataSource, filter));
  await take('count, bound inside a band', () => countMembers(dataSource, { kinds: ['COMMUNE'], minPopulation: 1234 } as MemberFilter));
  await take('count, vendor filter', () => countMembers(dataSource, { vendors: ['Libriciel SCOP'] } as MemberFilter));
  await take('vendor usage', () => vendorUsage(dataSource));
  await take('name filter "ker"', () => findMemberPage(dataSource, { filter: { nameContains: 'ker' }, order, first: 20, after: null }));
  await take('name filter "kerla"', () => findMemberPage(dataSource, { filter: { nameContains: 'kerla' }, order, first: 20, after: null }));
  await take('search "saint"', () => searchPage(dataSource, 'saint', 20, null));
  await take('search "saint brieuc"', () => searchPage(dataSource, 'saint brieuc', 20, null));
  await take('search "saint malo"', () => searchPage(dataSource, 'saint malo', 20, null));
  await take('search "plouguerneau"', () => searchPage(dataSource, 'plouguerneau', 20, null));
  // Set-up only: the 1,000th hit of "saint", to show what a page far into a frequent word costs.
  const [position] = await dataSource.query(
    `SELECT r.* FROM (SELECT 'Member'::text AS kind, m.id, m.sort_name AS key,
                             round(((similarity(m.sort_name, $1) + word_similarity($1, m.sort_name)) / 2)::numeric, 4)::text AS score
                        FROM member m WHERE m.sort_name % $1 OR $1 <% m.sort_name) r
      ORDER BY r.score::numeric DESC, r.key, r.kind, r.id OFFSET 999 LIMIT 1`,
    ['saint'],
  );
  if (position) await take('search "saint", the page after its 1,000th hit', () => searchPage(dataSource, 'saint', 20, position));
  const plans: { name: string; sql: string; plan: string }[] = [];
  for (const statement of statements) {
    plans.push({
      name: statement.name,
      sql: `${statement.sql.replace(/\s+/g, ' ').trim()} -- ${JSON.stringify(statement.parameters)}`,
      plan: await explainStatement(dataSource, statement, 'ANALYZE, BUFFERS'),
    });
  }
  return plans;
}

const fmt = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function table(sizes: Size[], cells: Cell[][]): string {
  const [small, large] = sizes;
  const lines = [
    `| operation | p50 / p99 ms (${small.members.toLocaleString('en')}) | req/s | p50 / p99 ms (${large.members.toLocaleString('en')}) | req/s | p99 ratio | p99 of each round (${small.members.toLocaleString('en')} · ${large.members.toLocaleString('en')}) |`,
    '|---|---|---|---|---|---|---|',
  ];
  OPERATIONS.forEach((operation, index) => {
    const figures = cells[index].map((cell) => ({
      p50: median(cell.rounds.map((round) => round.p50Ms)),
      p99: median(cell.rounds.map((round) => round.p99Ms)),
      rps: median(cell.rounds.map((round) => round.requestsPerSecond)),
      each: cell.rounds.map((round) => (Number.isFinite(round.p99Ms) ? fmt(round.p99Ms) : '—')).join(', '),
    }));
    const [a, b] = figures;
    // A cell in which no request was answered (every one took longer than the cell) has no percentile.
    const none = `no answer in ${DURATION} s`;
    const latency = (f: typeof a) => (Number.isFinite(f.p99) ? `${fmt(f.p50)} / ${fmt(f.p99)}` : none);
    const ratio = Number.isFinite(b.p99) ? `${(b.p99 / a.p99).toFixed(2)}×` : `> ${((DURATION * 1000) / a.p99).toFixed(0)}×`;
    lines.push(`| ${operation.name} | ${latency(a)} | ${a.rps.toFixed(0)} | ${latency(b)} | ${b.rps.toFixed(0)} | ${ratio} | ${a.each} · ${b.each} |`);
  });
  const problems = cells.flatMap((row, index) =>
    row.flatMap((cell, sizeIndex) => {
      const errors = cell.rounds.reduce((sum, round) => sum + round.errors + round.non2xx, 0);
      return errors ? [`${OPERATIONS[index].name} at ${sizes[sizeIndex].label}: ${errors} errors or non-2xx`] : [];
    }),
  );
  const statements = Math.max(...cells.flat().map((cell) => cell.statements));
  lines.push('', problems.length ? `Errors: ${problems.join('; ')}.` : 'Errors and non-2xx: 0 in every cell.', `SQL statements per request: at most ${statements.toFixed(2)}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const started = Date.now();
  const loadBefore = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-graph-scale-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  let cluster: EmbeddedCluster | null = null;
  const subgraphs: RunningOperatorSubgraph[] = [];
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const subgraph of subgraphs) await subgraph.close().catch((error) => log(`closing a subgraph: ${String(error)}`));
      if (cluster) await cluster.stop().catch((error) => log(`stopping PostgreSQL: ${String(error)}`));
      rmSync(dataDir, { recursive: true, force: true });
    })());
  // Ctrl-C or a kill: stop the load, the subgraphs and PostgreSQL, remove the data, then exit.
  stopOnSignals(log, cleanup);
  try {
    const [port] = await freePorts(1);
    cluster = await startEmbeddedCluster({ dataDir, port });
    const operator = OPERATORS.find((candidate) => candidate.code === 'MEGALIS')!;
    const module = loadOperatorModule(operator);
    const databases = [operator.databaseName, `${operator.databaseName}_scale`];
    for (const [index, database] of databases.entries()) {
      await cluster.ensureDatabase(database);
      const setup = createOperatorDataSourceFor(module, cluster.url(database));
      await setup.initialize();
      try {
        await prepareOperatorDatabase(setup, module, { seed: true });
        if (index === 1) {
          log(`bulk-loading ${database} to ${TARGET.toLocaleString('en')} members`);
          await bulkLoad(setup, TARGET);
        } else {
          await setup.query('VACUUM (ANALYZE)');
        }
        log(`${database}: ${await checkGroupCounts(setup)}`);
      } finally {
        await setup.destroy();
      }
    }
    for (const database of databases) subgraphs.push(await startOperatorSubgraph(module, cluster.url(database)));
    const sizes: Size[] = [];
    for (const subgraph of subgraphs) {
      const [{ count }] = await subgraph.dataSource.query(`SELECT count(*)::int AS count FROM member`);
      sizes.push({ label: `${count.toLocaleString('en')} members`, subgraph, members: count, deepCursor: await deepCursor(subgraph.dataSource) });
    }
    const [{ subscriptions }] = await subgraphs[1].dataSource.query(`SELECT count(*)::int AS subscriptions FROM subscription`);
    log(`measuring ${sizes.map((size) => size.label).join(' and ')} (${subscriptions.toLocaleString('en')} subscriptions)`);
    const monitor = new Client({ connectionString: cluster.url('postgres') });
    await monitor.connect();
    let cells: Cell[][];
    try {
      cells = await measure(sizes, () => settle(monitor, databases));
    } finally {
      await monitor.end();
    }
    const plans = [];
    for (const size of sizes) plans.push({ label: size.label, plans: await explainPlans(size.subgraph.dataSource) });

    const load = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');
    console.log(`\n## Scale — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
    console.log(`${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION} s per cell (the two sizes alternating, each cell after the previous one's statements ended), medians of the rounds, MEGALIS subgraph direct;`);
    console.log(`${sizes[1].members} members, ${subscriptions} subscriptions; load average ${load(loadBefore)} at the start, ${load(loadavg())} at the end\n`);
    console.log(table(sizes, cells));
    for (const { label, plans: list } of plans) {
      for (const plan of list) console.log(`\n### EXPLAIN (ANALYZE, BUFFERS) at ${label}: ${plan.name}\n${plan.sql}\n${plan.plan}`);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
