import type { DataSource } from 'typeorm';
import { captureStatements } from '../shared/src/database/statement-capture';
import { countMembers, findMemberIndexPage, findMemberPage, memberSortKey, type MemberPageQuery } from '../shared/src/directory/member-list';
import { parseMemberFilterOrThrow, type MemberFilterInput } from '../shared/src/directory/member-filter';
import { countSearch, searchPage, searchPageAndCount, searchTextOrThrow, type SearchPosition } from '../shared/src/directory/search';
import { readSearchTrigramStatistics } from '../shared/src/directory/search-candidates';
import { getOperatorOrThrow } from '../shared/src/operators/operator-registry';
import type { MemberCursor } from '../shared/src/pagination/member-cursor';
import type { MemberOrder } from '../shared/src/pagination/member-order';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { testDatabaseUrls } from '../shared/src/testing/test-databases';
import { loadOperatorModule } from '../subgraphs/operator-modules';

/**
 * The index pages the partnership layer merges, each with its count in the same statement where it
 * can be: members (ids and sort keys) against the public list's page and count, search against
 * `searchPage` and `countSearch`. They must be equal.
 */
let megalis: DataSource;
beforeAll(async () => {
  megalis = createOperatorDataSourceFor(loadOperatorModule(getOperatorOrThrow('MEGALIS')), testDatabaseUrls().MEGALIS);
  await megalis.initialize();
});
afterAll(() => megalis?.destroy());

const ORDERS: MemberOrder[] = [
  { field: 'NAME', direction: 'ASC' },
  { field: 'NAME', direction: 'DESC' },
  { field: 'POPULATION', direction: 'DESC' },
  { field: 'POPULATION', direction: 'ASC' },
  { field: 'JOINED_AT', direction: 'ASC' },
  { field: 'JOINED_AT', direction: 'DESC' },
];
const FILTERS: MemberFilterInput[] = [
  {},
  { departements: ['29'] },
  { kinds: ['COMMUNE'], minPopulation: 1234 },
  { serviceCodes: ['ARCHIVAGE', 'PARAPHEUR'], statuses: ['ADHERENT'] },
  { nameContains: 'saint' },
  { nameContains: 'ker' },
  { departements: ['75'] },
];

/** What the index page must answer: the public page's rows as ids and keys, and the count. */
async function expected(query: MemberPageQuery) {
  const { rows, hasNextPage } = await findMemberPage(megalis, query);
  return { entries: rows.map((row) => ({ id: row.id, key: memberSortKey(row, query.order) })), hasNextPage, totalCount: await countMembers(megalis, query.filter) };
}

describe('Member index pages: the public page and count, in one statement when the counts allow', () => {
  it.each(FILTERS.flatMap((filter) => ORDERS.map((order) => [JSON.stringify(filter), `${order.field} ${order.direction}`, filter, order] as const)))(
    'filter %s, %s: the same entries, hasNextPage and count on every page, to the empty one after the last',
    async (_filterLabel, _orderLabel, input, order) => {
      const filter = parseMemberFilterOrThrow(input);
      let after: MemberCursor | null = null;
      // Walk four pages of 7, then jump past the last member to the empty page (which still counts).
      for (let page = 0; page < 5; page += 1) {
        const query: MemberPageQuery = { filter, order, first: 7, after };
        const answer = await findMemberIndexPage(megalis, query, true);
        expect(answer).toEqual(await expected(query));
        expect((await findMemberIndexPage(megalis, query, false)).totalCount).toBeNull();
        const last = page < 3 ? answer.entries.at(-1) : (await findMemberPage(megalis, { filter, order, first: 5000, after: null })).rows.map((row) => ({ id: row.id, key: memberSortKey(row, order) })).at(-1);
        if (!last) break;
        after = { order, key: last.key, id: last.id };
      }
    },
  );

  it('sends one statement for a page with its count when the group counts give it, two when a name filter is counted', async () => {
    const order: MemberOrder = { field: 'POPULATION', direction: 'DESC' };
    const statements = async (input: MemberFilterInput, withCount: boolean) =>
      (await captureStatements(megalis, () => findMemberIndexPage(megalis, { filter: parseMemberFilterOrThrow(input), order, first: 50, after: null }, withCount))).length;
    expect(await statements({}, true)).toBe(1);
    expect(await statements({ kinds: ['COMMUNE'], minPopulation: 1234 }, true)).toBe(1);
    expect(await statements({ serviceCodes: ['ARCHIVAGE'] }, true)).toBe(1);
    expect(await statements({}, false)).toBe(1);
    expect(await statements({ nameContains: 'saint' }, true)).toBe(2);
  });

  it('answers a page of none with its count alone', async () => {
    const query: MemberPageQuery = { filter: parseMemberFilterOrThrow({}), order: ORDERS[0], first: 0, after: null };
    const statements = await captureStatements(megalis, async () => {
      expect(await findMemberIndexPage(megalis, query, true)).toEqual({ entries: [], hasNextPage: false, totalCount: 2250 });
    });
    expect(statements.map((statement) => statement.sql)).toEqual([expect.stringMatching(/member_group_count/)]);
  });
});

describe('Search index pages: page and count in one statement, equal to the page and the count apart', () => {
  // Texts read through the trigram index, through rare trigrams, frequent words, a whole name, nothing.
  const TEXTS = ['brieuc', 'saint', 'plouguerneau', 'kerlouan', 'syndicat intercommunal d electrification de la region de plomodiern', 'cc arc sud bretagne', 'zzqqxx', 'archivage'];

  it.each(TEXTS)('%s: the same hits, hasMore and count on every page, with and without the trigram statistics', async (text) => {
    const folded = searchTextOrThrow(text);
    for (const statistics of [await readSearchTrigramStatistics(megalis), null]) {
      let after: SearchPosition | null = null;
      for (let page = 0; page < 4; page += 1) {
        const answer = await searchPageAndCount(megalis, folded, 6, after, true, statistics);
        expect(answer).toEqual({ ...(await searchPage(megalis, folded, 6, after, statistics)), totalCount: await countSearch(megalis, folded, statistics) });
        expect((await searchPageAndCount(megalis, folded, 6, after, false, statistics)).totalCount).toBeNull();
        const last = answer.hits.at(-1);
        if (!last) break;
        after = last;
      }
    }
  });

  it('counts on the empty page after the last hit', async () => {
    const folded = searchTextOrThrow('kerlouan');
    const all = await searchPage(megalis, folded, 500, null);
    expect(all.hasMore).toBe(false);
    const count = await countSearch(megalis, folded);
    expect(count).toBe(all.hits.length);
    expect(await searchPageAndCount(megalis, folded, 10, all.hits.at(-1)!, true)).toEqual({ hits: [], hasMore: false, totalCount: count });
  });

  it('sends one statement for a page with its count', async () => {
    await searchPage(megalis, 'brieuc', 10, null); // the trigram statistics, read once and kept
    const statements = await captureStatements(megalis, () => searchPageAndCount(megalis, searchTextOrThrow('brieuc'), 10, null, true));
    expect(statements).toHaveLength(1);
  });
});
