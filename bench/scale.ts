/**
 * `npm run bench:scale` (issue 7, item 3): one operator's database (MEGALIS) measured at its seeded
 * size (2,250 members), then again after a bulk load of synthetic members up to 1,000,000 (and about
 * two subscriptions each). The real subgraph runs in-process; autocannon POSTs to it directly.
 * Prints a table and the EXPLAIN (ANALYZE, BUFFERS) plans of the page and search statements, taken
 * from the statements the code itself sends (captured through the TypeORM logger).
 *
 * Options: `--members N` (target size, default 1,000,000), `--duration S` (seconds per cell, 5).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, Logger } from 'typeorm';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { countMembers, findMemberPage } from '../shared/src/directory/member-list';
import type { MemberFilter } from '../shared/src/directory/member-filter';
import { searchPage } from '../shared/src/directory/search';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { encodeMemberCursor } from '../shared/src/pagination/member-cursor';
import { startEmbeddedCluster, type EmbeddedCluster } from '../shared/src/postgres/embedded-cluster';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { startOperatorSubgraph, type RunningOperatorSubgraph } from '../shared/src/testing/operator-subgraph-harness';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { freePorts } from '../test/support/processes';
import { runLoad, type LoadResult } from './load';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const TARGET = argument('members', 1_000_000);
const DURATION = argument('duration', 5);
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
    name: 'name filter (nameContains: "ker")',
    query: () => `{ megalisOperator { members(first: 20, filter: { nameContains: "ker" }) { nodes { id name } } } }`,
  },
  {
    name: 'search ("saint", first 20)',
    query: () => `{ megalisSearchIndex(text: "saint", first: 20, withCount: false) { entries { id } } }`,
  },
];

interface Round {
  members: number;
  results: LoadResult[];
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

async function measure(subgraph: RunningOperatorSubgraph, members: number): Promise<Round> {
  const after = await deepCursor(subgraph.dataSource);
  const results: LoadResult[] = [];
  for (const operation of OPERATIONS) {
    const body = JSON.stringify({ query: operation.query(after) });
    const probe = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await probe.text();
    if (!probe.ok || text.includes('"errors"')) throw new Error(`${operation.name}: ${probe.status} ${text.slice(0, 400)}`);
    // Warm-up, not recorded (the first cells of the process would otherwise pay for JIT and pools).
    await runLoad({ url: subgraph.url, bodies: [body], connections: CONNECTIONS, durationSeconds: 1 });
    const before = await subgraph.metrics.sqlStatementCount();
    const result = await runLoad({ url: subgraph.url, bodies: [body], connections: CONNECTIONS, durationSeconds: DURATION });
    const statements = ((await subgraph.metrics.sqlStatementCount()) - before) / Math.max(1, result.responses);
    log(`${members.toLocaleString('en')} members · ${operation.name}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.requestsPerSecond.toFixed(0)} req/s, errors ${result.errors}, non-2xx ${result.non2xx}, ${statements.toFixed(2)} SQL/request`);
    results.push(result);
  }
  return { members, results };
}

/** Bulk load up to `target` members, without the secondary indexes (rebuilt afterwards, same definitions). */
async function bulkLoad(dataSource: DataSource, target: number): Promise<void> {
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM member`);
  const toAdd = target - count;
  if (toAdd <= 0) return;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // One session without the service's statement timeout; foreign-key triggers off while loading
    // (every row below references a member and a service that exist).
    await runner.query(`SET statement_timeout = 0`);
    await runner.query(`SET maintenance_work_mem = '256MB'`);
    await runner.query(`SET session_replication_role = replica`);
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
    for (const index of indexes) {
      await runner.query(index.indexdef);
      log(`  rebuilt ${index.indexname} (${seconds()} s)`);
    }
    await runner.query(`ANALYZE`);
    log(`  analysed (${seconds()} s)`);
  } finally {
    await runner.release();
  }
}

/** The statements the code sends for a page and a search, with their plans. */
async function explainPlans(dataSource: DataSource): Promise<{ name: string; sql: string; plan: string }[]> {
  const captured: { query: string; parameters: unknown[] }[] = [];
  const holder = dataSource as unknown as { logger: Logger };
  const original = holder.logger;
  holder.logger = Object.assign(Object.create(original) as Logger, {
    logQuery(query: string, parameters?: unknown[]) {
      captured.push({ query, parameters: parameters ?? [] });
    },
  });
  const filter = { kinds: ['COMMUNE'], minPopulation: 1000 } as MemberFilter;
  const order = { field: 'NAME', direction: 'ASC' } as const;
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM member WHERE kind = 'COMMUNE' AND population >= 1000`);
  const [deep] = await dataSource.query(
    `SELECT sort_name, id FROM member WHERE kind = 'COMMUNE' AND population >= 1000 ORDER BY sort_name, id OFFSET $1 LIMIT 1`,
    [Math.floor(count * 0.9)],
  );
  const statements: { name: string; sql: string; parameters: unknown[] }[] = [];
  const take = async (name: string, run: () => Promise<unknown>) => {
    captured.length = 0;
    await run();
    const last = captured[captured.length - 1];
    statements.push({ name, sql: last.query, parameters: last.parameters });
  };
  try {
    await take('filtered keyset page (first page)', () => findMemberPage(dataSource, { filter, order, first: 20, after: null }));
    await take('filtered keyset page (deep)', () =>
      findMemberPage(dataSource, { filter, order, first: 20, after: { order, key: deep.sort_name, id: deep.id } }));
    await take('count (same filter)', () => countMembers(dataSource, filter));
    await take('search "saint"', () => searchPage(dataSource, 'saint', 20, null));
  } finally {
    holder.logger = original;
  }
  const plans: { name: string; sql: string; plan: string }[] = [];
  for (const statement of statements) {
    const rows: { 'QUERY PLAN': string }[] = await dataSource.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.parameters);
    plans.push({
      name: statement.name,
      sql: `${statement.sql.replace(/\s+/g, ' ').trim()} -- ${JSON.stringify(statement.parameters)}`,
      plan: rows.map((row) => row['QUERY PLAN']).join('\n'),
    });
  }
  return plans;
}

const fmt = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function table(small: Round, large: Round): string {
  const lines = [
    `| operation | p50 / p99 ms (${small.members.toLocaleString('en')}) | req/s | p50 / p99 ms (${large.members.toLocaleString('en')}) | req/s | p99 ratio |`,
    '|---|---|---|---|---|---|',
  ];
  OPERATIONS.forEach((operation, index) => {
    const a = small.results[index];
    const b = large.results[index];
    lines.push(`| ${operation.name} | ${fmt(a.p50Ms)} / ${fmt(a.p99Ms)} | ${a.requestsPerSecond.toFixed(0)} | ${fmt(b.p50Ms)} / ${fmt(b.p99Ms)} | ${b.requestsPerSecond.toFixed(0)} | ${(b.p99Ms / a.p99Ms).toFixed(2)}× |`);
  });
  return lines.join('\n');
}

async function main(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-graph-scale-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  let cluster: EmbeddedCluster | null = null;
  let subgraph: RunningOperatorSubgraph | null = null;
  try {
    const [port] = await freePorts(1);
    cluster = await startEmbeddedCluster({ dataDir, port });
    const operator = OPERATORS.find((candidate) => candidate.code === 'MEGALIS')!;
    const module = loadOperatorModule(operator);
    await cluster.ensureDatabase(operator.databaseName);
    const url = cluster.url(operator.databaseName);
    const setup = createOperatorDataSourceFor(module, url);
    await setup.initialize();
    try {
      await prepareOperatorDatabase(setup, module, { seed: true });
      await setup.query('ANALYZE');
    } finally {
      await setup.destroy();
    }
    subgraph = await startOperatorSubgraph(module, url);
    const [{ count: seeded }] = await subgraph.dataSource.query(`SELECT count(*)::int AS count FROM member`);
    log(`MEGALIS seeded: ${seeded} members; subgraph at ${subgraph.url}`);
    const small = await measure(subgraph, seeded);
    const smallPlans = await explainPlans(subgraph.dataSource);

    log(`bulk-loading to ${TARGET.toLocaleString('en')} members`);
    await bulkLoad(subgraph.dataSource, TARGET);
    const [{ count: members, subscriptions }] = await subgraph.dataSource.query(
      `SELECT (SELECT count(*)::int FROM member) AS count, (SELECT count(*)::int FROM subscription) AS subscriptions`,
    );
    log(`now ${members} members, ${subscriptions} subscriptions`);
    const large = await measure(subgraph, members);
    const largePlans = await explainPlans(subgraph.dataSource);

    console.log(`\n## Scale — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
    console.log(`${CONNECTIONS} connections, ${DURATION} s per cell, MEGALIS subgraph direct; ${members} members, ${subscriptions} subscriptions\n`);
    console.log(table(small, large));
    for (const [label, plans] of [[`${seeded} members`, smallPlans], [`${members} members`, largePlans]] as const) {
      for (const plan of plans) console.log(`\n### EXPLAIN (ANALYZE, BUFFERS) at ${label}: ${plan.name}\n${plan.sql}\n${plan.plan}`);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    if (subgraph) await subgraph.close().catch((error) => log(`closing the subgraph: ${String(error)}`));
    if (cluster) await cluster.stop().catch((error) => log(`stopping PostgreSQL: ${String(error)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
