import type { DataSource, QueryRunner } from 'typeorm';
import { captureStatements, explainStatement, lastStatementOf } from '../shared/src/database/statement-capture';
import { countMembers, findMemberPage } from '../shared/src/directory/member-list';
import { parseMemberFilterOrThrow, type MemberFilterInput } from '../shared/src/directory/member-filter';
import { coverPopulationRange, POPULATION_BAND_STARTS, populationBandOf } from '../shared/src/directory/population-bands';
import { countSearch, SEARCH_NAME_BUCKETS, searchPage, searchPageAndCount, searchTextOrThrow, type SearchHit } from '../shared/src/directory/search';
import {
  chooseCandidatePatterns,
  likePatternsFor,
  readSearchTrigramStatistics,
  SEARCH_STATISTICS_MAX_AGE_MS,
  searchTrigramStatisticsFor,
  type SearchTrigramStatistics,
  textTrigrams,
} from '../shared/src/directory/search-candidates';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { operatorStatistics, vendorUsage } from '../shared/src/directory/statistics';
import { withLuhnCheckDigit } from '../shared/src/domain/siren.util';
import { nameSortKey } from '../shared/src/domain/sort-key.util';
import { encodeGlobalId } from '../shared/src/ids/global-id';
import { signTestToken } from '../shared/src/testing/test-auth';
import { startAlliance, type Alliance } from './support/alliance';

/**
 * What keeps counts, name filters and search fast at a million members (`npm run bench:scale`,
 * BENCHMARKS.md "Scale"), checked for what it must not change — exact counts under writes, the same
 * rows in the same order — and for plans that use the indexes. On databases of their own (these
 * tests write), MEGALIS's grown with 60,000 deterministic synthetic members (names like the
 * benchmark's, 8% of them "saint …"), vacuumed and analysed: plans are then those of a directory
 * where an index pays, and the same on every run.
 */

const SYNTHETIC_MEMBERS = 60_000;

/** A data source, or a query runner inside a transaction. */
type Queryable = Pick<DataSource, 'query'>;

let alliance: Alliance;
let megalis: DataSource;
beforeAll(async () => {
  alliance = await startAlliance({ isolated: true });
  megalis = alliance.subgraphs.MEGALIS.dataSource;
  // Populations: a product of two uniform draws from the md5 (skewed low, up to 30,000), one in 97 without.
  await megalis.query(
    `INSERT INTO member (siren, name, sort_name, kind, population, departement, status, joined_at, synthetic)
     SELECT lpad((500000000 + g)::text, 9, '0'), initcap(n), n,
            (ARRAY['COMMUNE','COMMUNE','COMMUNE','SIVU','CCAS'])[1 + g % 5],
            CASE WHEN g % 97 = 0 THEN NULL ELSE (v % 1000) * ((v / 1000) % 1000) * 3 / 100 END,
            (ARRAY['22','29','35','56'])[1 + (g / 7) % 4],
            (ARRAY['ADHERENT','ADHERENT','ADHERENT','PROSPECT','PARTENAIRE'])[1 + (g / 3) % 5],
            DATE '2000-01-01' + g % 9000, true
       FROM (SELECT g, ('x' || substr(h, 17, 6))::bit(24)::int AS v,
                    CASE WHEN g % 25 < 2 THEN 'saint ' ELSE '' END
                    || translate(substr(h, 1, 6), '0123456789abcdef', 'aeioulnrstkbcdmp') || ' '
                    || translate(substr(h, 7, 8), '0123456789abcdef', 'aeioulnrstkbcdmp') AS n
               FROM (SELECT g, md5(g::text) AS h FROM generate_series(1, $1::int) g) s) t`,
    [SYNTHETIC_MEMBERS],
  );
  // ANALYZE reads a random sample of 300 × the statistics target rows (30,000 at the default), and
  // the search's choice of trigrams follows the element frequencies it keeps: a sample of the
  // table made them, and so the choice of "saint brieuc"'s trigrams, vary from run to run. A target
  // that samples every row gives the same statistics every run.
  const [{ rows }] = await megalis.query('SELECT count(*)::int AS rows FROM member');
  await megalis.query(`ALTER STATISTICS member_search_trigrams SET STATISTICS ${Math.ceil(rows / 300) + 1}`);
  await megalis.query('VACUUM (ANALYZE) member');
});
afterAll(() => alliance?.close());

/** count(*) over the members, written out here rather than with the implementation's helpers. */
async function referenceCount(dataSource: DataSource, input: MemberFilterInput): Promise<number> {
  const where: string[] = ['true'];
  const params: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (input.kinds) add((p) => `kind = ANY(${p})`, input.kinds);
  if (input.departements) add((p) => `departement = ANY(${p})`, input.departements);
  if (input.statuses) add((p) => `status = ANY(${p})`, input.statuses);
  if (input.synthetic != null) add((p) => `synthetic = ${p}`, input.synthetic);
  if (input.minPopulation != null) add((p) => `population >= ${p}`, input.minPopulation);
  if (input.maxPopulation != null) add((p) => `population <= ${p}`, input.maxPopulation);
  if (input.nameContains != null) add((p) => `sort_name LIKE ${p}`, `%${nameSortKey(input.nameContains)}%`);
  const subscribedTo = (condition: string) =>
    `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id JOIN vendor d ON d.id = v.vendor_id
              WHERE s.member_id = member.id AND s.status = 'ACTIVE' AND ${condition})`;
  if (input.serviceCodes) add((p) => subscribedTo(`v.code = ANY(${p})`), input.serviceCodes);
  if (input.vendors) add((p) => subscribedTo(`d.name = ANY(${p})`), input.vendors);
  if (input.serviceCategories) add((p) => subscribedTo(`v.category = ANY(${p})`), input.serviceCategories);
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM member WHERE ${where.join(' AND ')}`, params);
  return count;
}

const COUNT_FILTERS: MemberFilterInput[] = [
  {},
  { kinds: ['COMMUNE'] },
  { kinds: [] },
  { departements: ['29', '35'] },
  { statuses: ['ADHERENT', 'PARTENAIRE'] },
  { synthetic: true },
  { synthetic: false, kinds: ['COMMUNE', 'SIVU', 'CCAS'] },
  { minPopulation: 0 },
  { maxPopulation: 0 },
  { minPopulation: 1000 },
  { kinds: ['COMMUNE'], minPopulation: 1000 },
  { kinds: ['COMMUNE'], minPopulation: 1234 },
  { kinds: ['COMMUNE'], minPopulation: 1201 },
  { minPopulation: 1234, maxPopulation: 1299 },
  { synthetic: true, minPopulation: 1201, maxPopulation: 1498 },
  { departements: ['56'], minPopulation: 13, maxPopulation: 7777 },
  { maxPopulation: 999 },
  { maxPopulation: 1000 },
  { minPopulation: 500, maxPopulation: 500 },
  { minPopulation: 1500, maxPopulation: 1700 },
  { minPopulation: 2000, maxPopulation: 4999 },
  { minPopulation: 1999, maxPopulation: 5000 },
  { kinds: ['COMMUNE'], departements: ['22'], minPopulation: 3500, maxPopulation: 20_000 },
  { statuses: ['ADHERENT'], minPopulation: 7, maxPopulation: 123_456 },
  { minPopulation: 2_000_000_000 },
  { minPopulation: 150_000 },
  { maxPopulation: 2_147_483_647 },
  { nameContains: 'saint' },
  { kinds: ['COMMUNE'], nameContains: 'plou', minPopulation: 1000 },
  { serviceCodes: ['MPE'] },
  { serviceCodes: ['ARCHIVAGE', 'PARAPHEUR'] },
  { serviceCodes: ['NOT_A_SERVICE'] },
  { vendors: ['Libriciel SCOP'] },
  { vendors: ['Atexo'], kinds: ['COMMUNE'], departements: ['29'] },
  { serviceCategories: ['DEMATERIALISATION'] },
  { serviceCategories: ['ARCHIVAGE'], vendors: ['Atexo'] },
  { serviceCodes: ['TDT_ACTES'], minPopulation: 1234, maxPopulation: 20_000 },
  { vendors: ['Libriciel SCOP'], statuses: ['ADHERENT'], minPopulation: 1000 },
  { serviceCodes: ['MPE'], nameContains: 'plou' },
];

describe('Scale: population bands', () => {
  it('the bands of the code are the bands of the migration’s SQL function', async () => {
    const values = [null, 0, 3500, 12_345, 2_147_483_647, ...POPULATION_BAND_STARTS.flatMap((start) => [start - 1, start, start + 1]).filter((v) => v >= 0)];
    const rows: { value: number | null; band: number }[] = await megalis.query(
      `SELECT v AS value, member_population_band(v) AS band FROM unnest($1::int[]) v`,
      [values],
    );
    expect(rows.map((row) => [row.value, row.band])).toEqual(values.map((value) => [value, populationBandOf(value)]));
  });

  it('covers a population range exactly: whole bands, plus or minus at most one part of a band at each end', () => {
    const MAX = 2_147_483_647;
    const ranges: [number | undefined, number | undefined][] = [
      [1000, undefined], [undefined, 999], [1234, undefined], [1234, 1299], [1201, 1498], [0, 0], [500, 500], [1999, 5000], [3, 7],
      [undefined, MAX], [2_000_000_000, undefined], [2_000_000_001, MAX - 1], [undefined, undefined],
    ];
    for (let i = 0; i < 300; i += 1) {
      const a = Math.floor(Math.random() ** 4 * 3_000_000);
      ranges.push([a, a + Math.floor(Math.random() ** 4 * 3_000_000)]);
    }
    const bandEnd = (start: number) => {
      const next = POPULATION_BAND_STARTS[POPULATION_BAND_STARTS.indexOf(start) + 1];
      return next === undefined ? MAX : next - 1;
    };
    for (const [min, max] of ranges) {
      const { bands, add, subtract } = coverPopulationRange(min, max);
      const low = min ?? 0;
      const high = max ?? MAX;
      expect(add.length + subtract.length).toBeLessThanOrEqual(2);
      // Every population near an edge is counted once if it is in the range, never otherwise.
      const probes = new Set([low - 1, low, low + 1, high - 1, high, high + 1, ...bands.flatMap((start) => [start - 1, start, bandEnd(start), bandEnd(start) + 1])]);
      for (const x of [...probes].filter((value) => value >= 0 && value <= MAX)) {
        const within = (segments: [number, number][]) => segments.filter(([a, b]) => a <= x && x <= b).length;
        const counted = bands.filter((start) => start <= x && x <= bandEnd(start)).length + within(add) - within(subtract);
        expect({ min, max, x, counted }).toEqual({ min, max, x, counted: x >= low && x <= high ? 1 : 0 });
      }
      // Whole bands are contiguous, and parts lie inside a band at an end of the range.
      for (let k = 1; k < bands.length; k += 1) expect(bands[k]).toBe(bandEnd(bands[k - 1]) + 1);
      for (const [a, b] of [...add, ...subtract]) expect(populationBandOf(a)).toBe(populationBandOf(b));
    }
  });
});

describe('Scale: exact counts', () => {
  it.each(COUNT_FILTERS.map((filter) => [JSON.stringify(filter), filter]))('countMembers(%s) is count(*)', async (_label, filter) => {
    expect(await countMembers(megalis, parseMemberFilterOrThrow(filter as MemberFilterInput))).toBe(await referenceCount(megalis, filter as MemberFilterInput));
  });

  /** Every group of member_group_count equals the members' count(*) and population sum. */
  async function expectGroupsMatchMembers(dataSource: Queryable): Promise<void> {
    const groups = await dataSource.query(`
      SELECT kind, departement, status, synthetic, population_band AS band, members::int AS n, population_total::bigint::text AS p
        FROM member_group_count WHERE members <> 0 OR population_total <> 0 ORDER BY 1, 2, 3, 4, 5`);
    const members = await dataSource.query(`
      SELECT kind, departement, status, synthetic, member_population_band(population) AS band, count(*)::int AS n,
             coalesce(sum(population), 0)::bigint::text AS p
        FROM member GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`);
    expect(groups.length).toBeGreaterThan(10);
    expect(groups).toEqual(members);
    // With the set of active services as one more dimension, and each member's set its subscriptions'.
    const serviceGroups = await dataSource.query(`
      SELECT kind, departement, status, synthetic, population_band AS band, services::text AS services, members::int AS n
        FROM member_service_group_count WHERE members <> 0 ORDER BY 1, 2, 3, 4, 5, 6`);
    const bySet = await dataSource.query(`
      SELECT kind, departement, status, synthetic, member_population_band(population) AS band, services::text AS services, count(*)::int AS n
        FROM (SELECT m.*, coalesce((SELECT array_agg(s.service_id ORDER BY s.service_id) FROM subscription s
                                     WHERE s.member_id = m.id AND s.status = 'ACTIVE'), '{}') AS services FROM member m) m
       GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`);
    expect(serviceGroups.length).toBeGreaterThan(10);
    expect(serviceGroups).toEqual(bySet);
  }

  /** `totalCount` through the graph agrees with count(*) on the members, filter by filter. */
  async function expectGraphCountsMatch(filters: MemberFilterInput[]): Promise<void> {
    for (const filter of filters) {
      const { data, errors }: any = await alliance.query(
        `query($filter: MemberFilter) { operator(code: MEGALIS) { members(first: 0, filter: $filter) { totalCount } } }`,
        { filter },
      );
      expect(errors).toBeUndefined();
      expect({ filter, count: data.operator.members.totalCount }).toEqual({ filter, count: await referenceCount(megalis, filter) });
    }
  }

  /** The statistics' subscription figures and the vendors' member counts, against the subscriptions themselves. */
  async function expectSubscriptionFiguresMatch(dataSource: Queryable): Promise<void> {
    const statistics = await operatorStatistics(dataSource as DataSource);
    const [{ active }] = await dataSource.query(`SELECT count(*)::int AS active FROM subscription WHERE status = 'ACTIVE'`);
    const byCategory = await dataSource.query(
      `SELECT v.category AS key, count(*)::int AS count FROM subscription s JOIN service v ON v.id = s.service_id
        WHERE s.status = 'ACTIVE' GROUP BY v.category ORDER BY v.category`,
    );
    expect({ subscriptionCount: statistics.subscriptionCount, subscriptionsByCategory: statistics.subscriptionsByCategory }).toEqual({
      subscriptionCount: active,
      subscriptionsByCategory: byCategory,
    });
    const vendors = await dataSource.query(`
      SELECT d.name, count(DISTINCT s.member_id) FILTER (WHERE s.status = 'ACTIVE')::int AS "memberCount"
        FROM vendor d JOIN service v ON v.vendor_id = d.id AND v.retired_at IS NULL LEFT JOIN subscription s ON s.service_id = v.id
       GROUP BY d.id ORDER BY d.name`);
    expect((await vendorUsage(dataSource as DataSource)).map(({ name, memberCount }) => ({ name, memberCount }))).toEqual(vendors);
  }

  it('member_group_count follows registrations, updates and status changes made through the real mutations', async () => {
    const token = await signTestToken({ operator: 'MEGALIS', roles: ['operator_admin'], sub: 'scale-test' });
    const headers = { authorization: `Bearer ${token}` };
    const mutate = async (document: string, input: Record<string, unknown>) => {
      const { data, errors } = await alliance.query(document, { input }, headers);
      expect(errors).toBeUndefined();
      return Object.values(data!)[0] as { member: { id: string; version: number } };
    };
    const register = (n: number, fields: Record<string, unknown>) =>
      mutate(`mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id version } } }`, {
        operator: 'MEGALIS',
        siren: withLuhnCheckDigit(`09${String(700_000 + n).padStart(6, '0')}`),
        name: `Syndicat de test ${n}`,
        kind: 'SIVU',
        departement: '35',
        ...fields,
      });
    const update = (member: { id: string; version: number }, fields: Record<string, unknown>) =>
      mutate(`mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { id version } } }`, {
        id: member.id,
        expectedVersion: member.version,
        ...fields,
      });
    const setStatus = (member: { id: string; version: number }, status: string) =>
      mutate(`mutation($input: SetMembershipStatusInput!) { setMembershipStatus(input: $input) { member { id version } } }`, {
        id: member.id,
        expectedVersion: member.version,
        status,
        reason: 'test des compteurs',
      });

    const before = await referenceCount(megalis, { kinds: ['SIVU'], departements: ['35'] });
    // Concurrent registrations into one group, and into groups of their own.
    const registered = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => register(i, { population: 1500 })),
      register(8, {}),
      register(9, { population: 0 }),
      register(10, { population: 4999, kind: 'CCAS', departement: '29' }),
      register(11, { population: 5000, kind: 'CCAS', departement: '29' }),
    ]).then((payloads) => payloads.map((payload) => payload.member));
    expect(await referenceCount(megalis, { kinds: ['SIVU'], departements: ['35'] })).toBe(before + 10);
    await expectGroupsMatchMembers(megalis);

    // Updates that move members between bands, kinds and départements, and one that moves none.
    const moved = await Promise.all([
      update(registered[0], { population: 1999 }),
      update(registered[1], { population: 2000 }),
      update(registered[2], { population: null }),
      update(registered[3], { kind: 'SIVOM', departement: '56' }),
      update(registered[8], { population: 12 }),
      update(registered[4], { contactEmail: 'compteurs@example.org' }),
    ]).then((payloads) => payloads.map((payload) => payload.member));
    await expectGroupsMatchMembers(megalis);

    // Concurrent status changes; two of them move members between the same two groups in opposite
    // directions (each statement locks both group rows: in key order, so neither waits for the other).
    const adherent = (await setStatus(registered[7], 'ADHERENT')).member;
    const [{ id: seedId, version: seedVersion }] = await megalis.query(`SELECT id, version FROM member WHERE status = 'ADHERENT' AND NOT synthetic ORDER BY id LIMIT 1`);
    await Promise.all([
      setStatus(moved[0], 'ADHERENT'),
      setStatus(moved[1], 'ADHERENT'),
      setStatus(registered[5], 'REFUS_D_ADHERER'),
      setStatus(registered[6], 'ADHERENT'),
      setStatus(adherent, 'EN_COURS_D_ADHESION'),
      setStatus({ id: encodeGlobalId('MegalisMember', seedId), version: seedVersion }, 'EN_COURS_D_ADHESION'),
    ]);
    await expectGroupsMatchMembers(megalis);

    // The statistics' member figures, from the group counts, are those of the members themselves.
    const statistics = await operatorStatistics(megalis);
    const grouped = (column: string) =>
      megalis.query(`SELECT ${column} AS key, count(*)::int AS count FROM member GROUP BY ${column} ORDER BY ${column}`);
    const [totals] = await megalis.query(
      `SELECT count(*)::int AS "memberCount",
              coalesce(sum(population) FILTER (WHERE kind = 'COMMUNE' AND status IN ('ADHERENT', 'PARTENAIRE')), 0)::int AS "populationCovered"
         FROM member`,
    );
    expect({
      memberCount: statistics.memberCount,
      populationCovered: statistics.populationCovered,
      membersByKind: statistics.membersByKind,
      membersByDepartement: statistics.membersByDepartement,
      membersByStatus: statistics.membersByStatus,
    }).toEqual({ ...totals, membersByKind: await grouped('kind'), membersByDepartement: await grouped('departement'), membersByStatus: await grouped('status') });

    await expectGraphCountsMatch(COUNT_FILTERS);
  });

  it('member_service_group_count and the subscription figures follow subscriptions made and ended through the real mutations', async () => {
    const token = await signTestToken({ operator: 'MEGALIS', roles: ['operator_admin'], sub: 'scale-test' });
    const headers = { authorization: `Bearer ${token}` };
    const change = async (mutation: 'subscribe' | 'unsubscribe', memberId: number, serviceId: number) => {
      const input = { memberId: encodeGlobalId('MegalisMember', memberId), serviceId: encodeGlobalId('MegalisService', serviceId) };
      const { errors } = await alliance.query(
        `mutation($input: ${mutation === 'subscribe' ? 'SubscribeInput' : 'UnsubscribeInput'}!) { ${mutation}(input: $input) { member { id } } }`,
        { input },
        headers,
      );
      expect(errors).toBeUndefined();
    };
    const members: { id: number }[] = await megalis.query(
      `SELECT id FROM member m WHERE synthetic AND NOT EXISTS (SELECT 1 FROM subscription s WHERE s.member_id = m.id) ORDER BY id LIMIT 6`,
    );
    const [a, b, c, d, e, f] = members.map((member) => member.id);
    const services: number[] = (await megalis.query(`SELECT id FROM service WHERE retired_at IS NULL ORDER BY id LIMIT 6`)).map((row: { id: number }) => row.id);
    expect(services).toHaveLength(6);
    const [s1, s2, s3, s4, s5, s6] = services;
    const active = async (id: number) =>
      (await megalis.query(`SELECT active_services FROM member WHERE id = $1`, [id]))[0].active_services as number[];

    // Concurrent subscriptions of one member to five services (each write locks the member before it
    // reads its subscriptions), and of other members to one.
    await Promise.all([s1, s2, s3, s4, s5].map((service) => change('subscribe', a, service)));
    expect(await active(a)).toEqual([s1, s2, s3, s4, s5]);
    await Promise.all([change('subscribe', b, s6), change('subscribe', c, s1), change('subscribe', d, s2), change('subscribe', e, s1), change('subscribe', f, s6)]);
    await expectGroupsMatchMembers(megalis);
    await expectSubscriptionFiguresMatch(megalis);

    // Concurrent ends, a subscription made again, and one ended and made again at the same time.
    await Promise.all([change('unsubscribe', a, s2), change('unsubscribe', a, s4), change('subscribe', a, s6), change('unsubscribe', c, s1), change('subscribe', e, s2)]);
    expect(await active(a)).toEqual([s1, s3, s5, s6]);
    expect(await active(c)).toEqual([]);
    await Promise.all([change('unsubscribe', b, s6), change('subscribe', b, s6)]);
    const [{ status }] = await megalis.query(`SELECT status FROM subscription WHERE member_id = $1 AND service_id = $2`, [b, s6]);
    expect(await active(b)).toEqual(status === 'ACTIVE' ? [s6] : []);
    await expectGroupsMatchMembers(megalis);
    await expectSubscriptionFiguresMatch(megalis);

    await expectGraphCountsMatch(COUNT_FILTERS.filter((filter) => filter.serviceCodes || filter.vendors || filter.serviceCategories));
  });

  it('member_service_group_count follows subscription writes in SQL: bulk status changes, moves, deletions, a member deleted, TRUNCATE', async () => {
    await inRolledBackTransaction(async (runner) => {
      await runner.query(`UPDATE subscription SET status = 'SUSPENDED' WHERE status = 'ACTIVE' AND service_id = 2 AND member_id % 3 = 0`);
      await runner.query(`UPDATE subscription SET status = 'ACTIVE' WHERE status <> 'ACTIVE' AND member_id % 5 = 0`);
      const [moved] = await runner.query(
        `SELECT s.id, s.member_id FROM subscription s WHERE s.status = 'ACTIVE' AND NOT EXISTS (
           SELECT 1 FROM subscription t WHERE t.member_id = s.member_id + 1 AND t.service_id = s.service_id) AND EXISTS (SELECT 1 FROM member WHERE id = s.member_id + 1)
         ORDER BY s.id LIMIT 1`,
      );
      await runner.query(`UPDATE subscription SET member_id = member_id + 1 WHERE id = $1`, [moved.id]);
      await runner.query(`DELETE FROM subscription WHERE member_id % 7 = 0 AND service_id IN (1, 3)`);
      const [doomed] = await runner.query(`SELECT member_id FROM subscription WHERE status = 'ACTIVE' ORDER BY member_id DESC LIMIT 1`);
      await runner.query(`DELETE FROM member WHERE id = $1`, [doomed.member_id]);
      // The checks read through this transaction's connection.
      await expectGroupsMatchMembers(runner);
      await expectSubscriptionFiguresMatch(runner);
      await runner.query(`TRUNCATE subscription`);
      expect(await runner.query(`SELECT count(*)::int AS n FROM member WHERE active_services <> '{}'`)).toEqual([{ n: 0 }]);
      await expectGroupsMatchMembers(runner);
    });
    await expectGroupsMatchMembers(megalis);
  });

  it('the statistics do not fail when the covered population adds up beyond 32 bits', async () => {
    await inRolledBackTransaction(async (runner) => {
      await runner.query(
        `UPDATE member SET population = 2000000000 WHERE id IN (SELECT id FROM member WHERE kind = 'COMMUNE' AND status = 'ADHERENT' ORDER BY id LIMIT 2)`,
      );
      const statistics = await operatorStatistics(runner as unknown as DataSource);
      const [{ covered }] = await runner.query(
        `SELECT sum(population)::text AS covered FROM member WHERE kind = 'COMMUNE' AND status IN ('ADHERENT', 'PARTENAIRE')`,
      );
      expect(statistics.populationCovered).toBe(Number(covered));
      expect(statistics.populationCovered).toBeGreaterThan(2 ** 31);
    });
  });

  it('member_group_count empties with TRUNCATE and comes back with its rollback', async () => {
    const [{ total: before }] = await megalis.query(`SELECT sum(members)::int AS total FROM member_group_count`);
    await inRolledBackTransaction(async (runner) => {
      await runner.query(`TRUNCATE member CASCADE`);
      expect(await runner.query(`SELECT count(*)::int AS n FROM member_group_count`)).toEqual([{ n: 0 }]);
    });
    expect(await megalis.query(`SELECT sum(members)::int AS total FROM member_group_count`)).toEqual([{ total: before }]);
    expect(before).toBe(await referenceCount(megalis, {}));
  });
});

/** Runs SQL writes in a transaction of their own, always rolled back (the other tests see none of them). */
async function inRolledBackTransaction(work: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = megalis.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await work(runner);
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
}

async function planOf(dataSource: DataSource, run: () => Promise<unknown>): Promise<string> {
  return explainStatement(dataSource, await lastStatementOf(dataSource, run), 'ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF');
}

describe('Scale: plans (EXPLAIN ANALYZE)', () => {
  const byName = { field: 'NAME', direction: 'ASC' } as const;

  it('a filtered keyset page walks the name index, with its cursor as index condition', async () => {
    const filter = parseMemberFilterOrThrow({ kinds: ['COMMUNE'], minPopulation: 1000 });
    const first = await findMemberPage(megalis, { filter, order: byName, first: 20, after: null });
    const last = first.rows[first.rows.length - 1];
    const plan = await planOf(megalis, () => findMemberPage(megalis, { filter, order: byName, first: 20, after: { order: byName, key: last.sortName, id: last.id } }));
    expect(plan).toMatch(/Index Scan using member_name_order_idx on member/);
    expect(plan).toMatch(/Index Cond: \(ROW\(\(?sort_name\)?(::text)?, id\) > ROW/);
    expect(plan).not.toMatch(/Seq Scan on member|Sort/);
  });

  it('a count on kinds and whole population bands reads member_group_count only', async () => {
    const plan = await planOf(megalis, () => countMembers(megalis, parseMemberFilterOrThrow({ kinds: ['COMMUNE'], minPopulation: 1000 })));
    expect(plan).toMatch(/on member_group_count/);
    expect(plan).not.toMatch(/on member\b(?!_)/);
  });

  it('a count with a bound inside a band reads that part of the band from the population index, without the table', async () => {
    const plan = await planOf(megalis, () => countMembers(megalis, parseMemberFilterOrThrow({ kinds: ['COMMUNE'], minPopulation: 1234 })));
    expect(plan).toMatch(/on member_group_count/);
    expect(plan).toMatch(/Index Only Scan using member_population_count_idx on member/);
    expect(plan).not.toMatch(/Seq Scan on member\b(?!_)/);
  });

  it('a name filter with a frequent substring walks the name index without the table, and stops at the page', async () => {
    const plan = await planOf(megalis, () => findMemberPage(megalis, { filter: parseMemberFilterOrThrow({ nameContains: 'ker' }), order: byName, first: 20, after: null }));
    expect(plan).toMatch(/Index Only Scan using member_name_order_idx on member c \(actual rows=\d+ loops=1\)/);
    expect(plan).toMatch(/CTE matches\n\s+->  Bitmap Heap Scan on member c_1 \(never executed\)|CTE matches\n\s+->  [^\n]*\(never executed\)/);
    expect(plan).toMatch(/Index Scan using member_pkey on member \(actual rows=1 loops=21\)/);
    expect(plan).not.toMatch(/Seq Scan on member\b(?!_)/);
  });

  it('a name filter with a rare short substring walks a bounded part of the name index, then takes the trigram index', async () => {
    const plan = await planOf(megalis, () => findMemberPage(megalis, { filter: parseMemberFilterOrThrow({ nameContains: 'zqx' }), order: byName, first: 20, after: null }));
    expect(plan).toMatch(/Limit \(actual rows=20000 loops=1\)\n\s+->  Index Only Scan using member_name_order_idx on member c/);
    expect(plan).toMatch(/Bitmap Index Scan on member_sort_name_trgm_idx \(actual rows=\d+ loops=1\)/);
    expect(plan).not.toMatch(/Seq Scan on member\b(?!_)/);
  });

  it('a name filter with a longer substring takes the trigram index and sorts its matches', async () => {
    const plan = await planOf(megalis, () => findMemberPage(megalis, { filter: parseMemberFilterOrThrow({ nameContains: 'kerla' }), order: byName, first: 20, after: null }));
    expect(plan).toMatch(/Bitmap Index Scan on member_sort_name_trgm_idx/);
    expect(plan).not.toMatch(/Seq Scan on member\b(?!_)/);
  });

  it('search reads the partial trigram index of the shortest names, and no other bucket when that is enough', async () => {
    const plan = await planOf(megalis, () => searchPage(megalis, searchTextOrThrow('saint'), 20, null));
    expect(indexScans(plan, 'member_search_trgm_upto_12_idx').some((scan) => scan.executed)).toBe(true);
    expect(plan).not.toMatch(/Seq Scan on member\b(?!_)/);
    // The other buckets were planned but never read, either way.
    for (const index of ['member_search_trgm_13_20_idx', 'member_search_trgm_21_32_idx', 'member_search_trgm_from_33_idx']) {
      const scans = indexScans(plan, index);
      expect({ index, planned: scans.length > 0, executed: scans.filter((scan) => scan.executed).length }).toEqual({ index, planned: true, executed: 0 });
    }
  });

  it('search with its count reads each bucket once: those of the page from their CTEs, the others matched, not scored', async () => {
    const plan = await planOf(megalis, () => searchPageAndCount(megalis, searchTextOrThrow('saint'), 20, null, true));
    // The page: the shortest names only (bucket 1, as alone); the count: bucket 1 from its CTE (no
    // second read of its index), the others matched once each; their scoring CTEs never run.
    const executed = (index: string) => indexScans(plan, index).filter((scan) => scan.executed).length;
    const alone = await planOf(megalis, () => searchPage(megalis, searchTextOrThrow('saint'), 20, null));
    expect(executed('member_search_trgm_upto_12_idx')).toBe(indexScans(alone, 'member_search_trgm_upto_12_idx').filter((scan) => scan.executed).length);
    for (const index of ['member_search_trgm_13_20_idx', 'member_search_trgm_21_32_idx', 'member_search_trgm_from_33_idx']) {
      expect({ index, read: executed(index) > 0 }).toEqual({ index, read: true });
    }
    expect(plan).toMatch(/CTE bucket_2\n\s+->  [^\n]*\(never executed\)/);
    expect(plan).not.toMatch(/Seq Scan on member\b(?!_)/);
  });

  it('search reads the names of 21–32 trigrams through the rarest trigrams of "saint brieuc", not through `%` (which returns every "saint …")', async () => {
    const folded = searchTextOrThrow('saint brieuc');
    const patterns = chooseCandidatePatterns(folded, SEARCH_NAME_BUCKETS, await readSearchTrigramStatistics(megalis));
    expect(patterns[2]).not.toBeNull();
    expect(patterns[2]!.join(' ')).not.toMatch(/sa|ai|in|nt/);
    const plan = await planOf(megalis, () => searchPage(megalis, folded, 20, null));
    const scans = indexScans(plan, 'member_search_trgm_21_32_idx');
    expect(scans.filter((scan) => scan.executed).map((scan) => scan.condition)).toEqual([expect.stringMatching(/~~ ANY/)]);
    expect(scans.filter((scan) => !scan.executed).map((scan) => scan.condition)).toEqual([expect.stringMatching(/ % /), expect.stringMatching(/%>/)]);
  });
});

/** The bitmap scans of an index in a plan: whether each ran, and its index condition. */
function indexScans(plan: string, index: string): { executed: boolean; condition: string }[] {
  const lines = plan.split('\n');
  return lines.flatMap((line, at) =>
    line.includes(`Bitmap Index Scan on ${index} `)
      ? [{ executed: !line.includes('(never executed)'), condition: (lines[at + 1] ?? '').trim() }]
      : [],
  );
}

/** Every match of the search text in the contract's order: the statement every page used to be cut from. */
async function everyMatch(dataSource: DataSource, folded: string): Promise<SearchHit[]> {
  const rows: SearchHit[] = await dataSource.query(
    `SELECT r.kind, r.id, r.key, r.score::text AS score FROM (
       SELECT 'Member'::text AS kind, m.id, m.sort_name AS key,
              round(((similarity(m.sort_name, $1) + word_similarity($1, m.sort_name)) / 2)::numeric, 4) AS score
         FROM member m WHERE m.sort_name % $1 OR $1 <% m.sort_name
       UNION ALL
       SELECT 'Service'::text, s.id, s.sort_name, round(((similarity(s.sort_name, $1) + word_similarity($1, s.sort_name)) / 2)::numeric, 4)
         FROM service s WHERE s.retired_at IS NULL AND (s.sort_name % $1 OR $1 <% s.sort_name)) r
     ORDER BY r.score DESC, r.key ASC, r.kind ASC, r.id ASC`,
    [folded],
  );
  return rows.map((row) => ({ ...row, score: Number(row.score).toFixed(4) }));
}

describe('Scale: search pages (and counts) are the same rows in the same order as scoring every match', () => {
  const TEXTS = ['saint', 'ker', 'plou', 'rennes', 'saint malo', 'saint brieuc', 'sant brieuc', 'la', 'marches publics', 'archivage', 'commune', 'zq'];

  /** Walks every page of a text and compares with scoring every match. */
  async function walk(text: string, statistics?: SearchTrigramStatistics | null, sizesOf = (matches: number) => (matches <= 400 ? [1, 7, 50] : [100, 250])): Promise<void> {
    const folded = searchTextOrThrow(text);
    const expected = await everyMatch(megalis, folded);
    // Pages of one where the walk stays short; frequent words in larger pages.
    const sizes = sizesOf(expected.length);
    for (const size of sizes) {
      const walked: SearchHit[] = [];
      let after: SearchHit | null = null;
      // The first walk with the count in the page's statement (as the partnership asks), the others without.
      const withCount = size === sizes[0];
      for (;;) {
        const page: { hits: SearchHit[]; hasMore: boolean; totalCount: number | null } = await searchPageAndCount(megalis, folded, size, after, withCount, statistics);
        expect({ text, size, totalCount: page.totalCount }).toEqual({ text, size, totalCount: withCount ? expected.length : null });
        walked.push(...page.hits);
        expect(page.hits.length).toBe(page.hasMore ? size : page.hits.length);
        if (!page.hasMore) break;
        after = page.hits[page.hits.length - 1];
      }
      expect({ size, hits: walked }).toEqual({ size, hits: expected });
    }
    expect({ text, count: await countSearch(megalis, folded, statistics) }).toEqual({ text, count: expected.length });
  }

  it.each(TEXTS)('"%s", walked page after page', (text) => walk(text));

  /**
   * Statistics that read every range it can through LIKE patterns, and that take the trigrams in
   * alphabetical order rather than the rarest: any q − m + 1 of them must find every match.
   */
  async function misleading(thresholds?: SearchTrigramStatistics['thresholds']): Promise<SearchTrigramStatistics> {
    const read = (await readSearchTrigramStatistics(megalis))!;
    // Every range large (SMALL_RANGE), every trigram in it rare: patterns wherever a match must share more than one.
    const ranges = new Map(SEARCH_NAME_BUCKETS.map((_bucket, index) => [`${index + 1}:`, 1]));
    return { members: 1_000_000, frequencies: ranges, floor: 1e-9, thresholds: thresholds ?? read.thresholds };
  }
  const onePageSize = (matches: number) => [matches <= 400 ? 7 : 250];

  it.each(['saint', 'saint brieuc', 'sant brieuc', 'rennes', 'la', 'marches publics', 'zq'])(
    '"%s", walked with every range it can read through LIKE patterns chosen in alphabetical order',
    async (text) => {
      const statistics = await misleading();
      expect(chooseCandidatePatterns(searchTextOrThrow(text), SEARCH_NAME_BUCKETS, statistics).some((patterns) => patterns !== null)).toBe(true);
      await walk(text, statistics, onePageSize);
    },
  );

  it('ignores the patterns when pg_trgm’s thresholds are no longer those they were chosen for', async () => {
    // Chosen for stricter thresholds, the patterns would miss matches of the real ones.
    const statistics = await misleading({ similarity: 0.9, wordSimilarity: 0.95, setting: '0.9 0.95' });
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics).every((patterns) => patterns !== null)).toBe(true);
    await walk('saint brieuc', statistics, onePageSize);
    const plan = await planOf(megalis, () => searchPage(megalis, searchTextOrThrow('saint brieuc'), 20, null, statistics));
    expect(plan).not.toMatch(/Bitmap Index Scan on member_search_trgm_\w+_idx \(actual[^\n]*\n\s*Index Cond: \(\(sort_name\)::text ~~ ANY/);
  });
});

describe('Scale: search trigram statistics', () => {
  it('the ranges of the migration’s SQL function are SEARCH_NAME_BUCKETS', async () => {
    const rows: { n: number; tag: string }[] = await megalis.query(
      `SELECT n, (member_search_trigrams('ab', n::smallint))[1] AS tag FROM generate_series(0, 80) n ORDER BY n`,
    );
    const expected = rows.map(({ n }) => {
      const index = SEARCH_NAME_BUCKETS.findIndex((range) => n >= range.minTrigrams && (range.maxTrigrams === null || n <= range.maxTrigrams));
      return { n, tag: `${index + 1}:` };
    });
    expect(rows).toEqual(expected);
    expect(SEARCH_NAME_BUCKETS.map((range, index) => index === 0 || range.minTrigrams === SEARCH_NAME_BUCKETS[index - 1].maxTrigrams! + 1)).not.toContain(false);
  });

  it('pg_trgm makes the trigrams the code computes, and the LIKE patterns find exactly the names containing each', async () => {
    const names: { name: string; trigrams: string[] }[] = await megalis.query(
      `SELECT sort_name AS name, show_trgm(sort_name) AS trigrams FROM member WHERE id % 20 = 0 UNION ALL SELECT sort_name, show_trgm(sort_name) FROM service`,
    );
    expect(names.length).toBeGreaterThan(3000);
    const disagreeing = names.filter(({ name, trigrams }) => textTrigrams(name).join('|') !== [...trigrams].sort().join('|'));
    expect(disagreeing).toEqual([]);
    const texts = ['saint brieuc', 'a la b', 'plouguerneau', 'ker 2 x'];
    const trigrams = [...new Set(texts.flatMap(textTrigrams))].map((trigram) => ({ trigram, patterns: likePatternsFor(trigram) }));
    const rows: { trigram: string; containing: number; differences: number }[] = await megalis.query(
      `WITH m AS MATERIALIZED (SELECT sort_name::text AS name, show_trgm(sort_name) AS trigrams FROM member)
       SELECT x.trigram, count(*) FILTER (WHERE m.trigrams @> ARRAY[x.trigram])::int AS containing,
              count(*) FILTER (WHERE (m.trigrams @> ARRAY[x.trigram]) IS DISTINCT FROM (m.name LIKE ANY (x.patterns)))::int AS differences
         FROM m, jsonb_to_recordset($1::jsonb) AS x(trigram text, patterns text[]) GROUP BY x.trigram ORDER BY x.trigram`,
      [JSON.stringify(trigrams)],
    );
    expect(rows).toHaveLength(trigrams.length);
    for (const row of rows) expect(row).toEqual({ ...row, differences: 0 });
    expect(rows.filter((row) => row.containing > 0).length).toBeGreaterThan(trigrams.length / 2);
  });

  it('a subgraph reads them once per max age (concurrent searches share the read; past it, the held ones serve while one read runs), and a failed read counts as none', async () => {
    // A data source of its own (the cache is per data source), with a clock of its own.
    const module = loadOperatorModule(OPERATORS.find((operator) => operator.code === 'MEGALIS')!);
    const own = createOperatorDataSourceFor(module, (megalis.options as { url?: string }).url!);
    await own.initialize();
    try {
      const start = Date.now();
      const isRead = (statement: { sql: string }) => /pg_stats_ext_exprs/.test(statement.sql);
      let held: unknown;
      const first = await captureStatements(own, async () => {
        const [a, b] = await Promise.all([searchTrigramStatisticsFor(own, start), searchTrigramStatisticsFor(own, start)]);
        expect(a).not.toBeNull();
        expect(b).toBe(a);
        held = a;
      });
      expect(first.filter(isRead)).toHaveLength(1);
      expect(await captureStatements(own, () => searchTrigramStatisticsFor(own, start + SEARCH_STATISTICS_MAX_AGE_MS - 1))).toEqual([]);

      // Past the max age: the held statistics answer at once, every time, while one read runs.
      const stale = start + SEARCH_STATISTICS_MAX_AGE_MS;
      let replaced: unknown = held;
      const refresh = await captureStatements(own, async () => {
        const answers = await Promise.all([searchTrigramStatisticsFor(own, stale), searchTrigramStatisticsFor(own, stale + 1), searchTrigramStatisticsFor(own, stale + 2)]);
        for (const answer of answers) expect(answer).toBe(held);
        for (let tries = 0; replaced === held && tries < 500; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          replaced = await searchTrigramStatisticsFor(own, stale + 3);
        }
      });
      expect(refresh.filter(isRead)).toHaveLength(1);
      expect(replaced).not.toBe(held); // the new read replaced them
      expect(replaced).toEqual(held); // nothing changed in between
      expect(await captureStatements(own, () => searchTrigramStatisticsFor(own, stale + SEARCH_STATISTICS_MAX_AGE_MS - 1))).toEqual([]);
    } finally {
      await own.destroy();
    }
    // A data source that cannot answer: no statistics, no error.
    const closed = createOperatorDataSourceFor(loadOperatorModule(OPERATORS.find((operator) => operator.code === 'MEGALIS')!), 'postgres://nobody@127.0.0.1:1/none');
    await expect(searchTrigramStatisticsFor(closed)).resolves.toBeNull();
  });

  it('ANALYZE keeps how often each range and each of its trigrams occur', async () => {
    const statistics = (await readSearchTrigramStatistics(megalis))!;
    const [{ members, inRange, withSaint }] = await megalis.query(
      `SELECT count(*)::int AS members, count(*) FILTER (WHERE name_trigram_count BETWEEN 21 AND 32)::int AS "inRange",
              count(*) FILTER (WHERE name_trigram_count BETWEEN 21 AND 32 AND sort_name LIKE '%sai%')::int AS "withSaint" FROM member`,
    );
    expect(statistics.thresholds).toEqual({ similarity: 0.3, wordSimilarity: 0.6, setting: '0.3 0.6' });
    expect(Math.abs(statistics.members - members) / members).toBeLessThan(0.05);
    // A sample: within two points of the fractions counted.
    expect(Math.abs(statistics.frequencies.get('3:')! - inRange / members)).toBeLessThan(0.02);
    expect(Math.abs(statistics.frequencies.get('3:sai')! - withSaint / members)).toBeLessThan(0.02);
  });
});

describe('Scale: name-filtered pages are the same rows in the same order', () => {
  it.each(['ker', 'ke', 'e', 'zqx', 'plou', 'saint', 'zzqx'])('"%s", both directions', async (text) => {
    const pattern = `%${nameSortKey(text)}%`;
    for (const direction of ['ASC', 'DESC'] as const) {
      const expected: { id: number }[] = await megalis.query(
        `SELECT id FROM member WHERE sort_name LIKE $1 ORDER BY sort_name ${direction}, id ${direction}`,
        [pattern],
      );
      const order = { field: 'NAME', direction } as const;
      const size = expected.length <= 1000 ? 7 : 500;
      const filter = parseMemberFilterOrThrow({ nameContains: text });
      const walked: number[] = [];
      let after: { order: typeof order; key: string; id: number } | null = null;
      for (;;) {
        const page = await findMemberPage(megalis, { filter, order, first: size, after });
        walked.push(...page.rows.map((row) => row.id));
        if (!page.hasNextPage) break;
        const last = page.rows[page.rows.length - 1];
        after = { order, key: last.sortName, id: last.id };
      }
      expect({ direction, ids: walked }).toEqual({ direction, ids: expected.map((row) => row.id) });
    }
  });
});
