import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { MemberEntity, type MemberRow } from '../database/entities';
import type { MemberCursor } from '../pagination/member-cursor';
import { MEMBER_ORDERS, type MemberOrder, type SortKey } from '../pagination/member-order';
import type { MemberFilter } from './member-filter';
import { coverPopulationRange } from './population-bands';

export function memberSortKey(row: MemberRow, order: MemberOrder): SortKey {
  return MEMBER_ORDERS[order.field].keyOf(row);
}

export interface MemberPageQuery {
  filter: MemberFilter;
  order: MemberOrder;
  first: number;
  after: MemberCursor | null;
}

/**
 * One keyset page of the directory: `first + 1` rows after the cursor, in the order's index
 * (no OFFSET), so that a page costs the same wherever it is in the list. A short name filter alone,
 * by name, takes `nameFilteredIds` to choose the page's ids; the rows are then read by id.
 */
export async function findMemberPage(
  dataSource: DataSource,
  query: MemberPageQuery,
): Promise<{ rows: MemberRow[]; hasNextPage: boolean }> {
  if (query.first === 0) return { rows: [], hasNextPage: false };
  const direction = query.order.direction;
  let rows: MemberRow[];
  if (query.order.field === 'NAME' && onlyNameFilter(query.filter) && query.filter.nameContains!.length <= SHORT_NAME_FILTER) {
    const ids = nameFilteredIds(query);
    rows = await dataSource
      .getRepository(MemberEntity)
      .createQueryBuilder('member')
      .where(`member.id IN (${ids.sql})`, ids.parameters)
      .orderBy('member.sort_name', direction)
      .addOrderBy('member.id', direction)
      .getMany();
  } else {
    rows = await keysetPage(filtered(dataSource, query.filter, 'member'), 'member', query).getMany();
  }
  return { rows: rows.slice(0, query.first), hasNextPage: rows.length > query.first };
}

/** A member as the partnership's merge needs it: its id and its key in the order. */
export interface MemberIndexEntry {
  id: number;
  key: SortKey;
}

/**
 * A page of the index the partnership layer merges (ids and sort keys only, no entity), with the
 * filter's count when asked: the same rows as `findMemberPage` and the same number as
 * `countMembers`. When the count comes from the group counts, page and count are one statement
 * (one round trip, one PostgreSQL execution instead of two); a name filter is counted apart.
 */
export async function findMemberIndexPage(
  dataSource: DataSource,
  query: MemberPageQuery,
  withCount: boolean,
): Promise<{ entries: MemberIndexEntry[]; hasNextPage: boolean; totalCount: number | null }> {
  const shortNameFilter = query.order.field === 'NAME' && onlyNameFilter(query.filter) && query.filter.nameContains!.length <= SHORT_NAME_FILTER;
  if (query.first === 0 || shortNameFilter || (withCount && !countableFromGroups(query.filter))) {
    const [{ rows, hasNextPage }, totalCount] = await Promise.all([
      findMemberPage(dataSource, query),
      withCount ? countMembers(dataSource, query.filter) : null,
    ]);
    return { entries: rows.map((row) => ({ id: row.id, key: memberSortKey(row, query.order) })), hasNextPage, totalCount };
  }
  const [pageSql, pageParameters] = keysetPage(filtered(dataSource, query.filter, 'member'), 'member', query)
    .select('member.id', 'id')
    .addSelect(MEMBER_ORDERS[query.order.field].keySql, 'key')
    .getQueryAndParameters();
  let sql = pageSql;
  let parameters = pageParameters;
  if (withCount) {
    // The count is an InitPlan evaluated once; the outer join keeps it when the page is empty.
    const count = groupCountStatement(query.filter, pageParameters.length);
    sql = `SELECT page.id, page.key, total.count FROM (SELECT ${count.sql} AS count) total LEFT JOIN (${pageSql}) page ON true`;
    parameters = [...pageParameters, ...count.parameters];
  }
  const rows: { id: number | null; key: SortKey | null; count?: number }[] = await dataSource.query(sql, parameters);
  const definition = MEMBER_ORDERS[query.order.field];
  const sign = query.order.direction === 'ASC' ? 1 : -1;
  // Sorted again here: SQL keeps a subquery's order through a join only in practice, not by rule.
  const entries = rows
    .filter((row): row is { id: number; key: SortKey } => row.id !== null)
    .map((row) => ({ id: row.id, key: row.key }))
    .sort((a, b) => sign * (definition.compare(a.key, b.key) || a.id - b.id));
  return {
    entries: entries.slice(0, query.first),
    hasNextPage: entries.length > query.first,
    totalCount: withCount ? (rows[0]?.count ?? 0) : null,
  };
}

/**
 * The longest `nameContains` (folded) that is walked for first: up to 3 characters, a substring is
 * usually frequent in a large directory ("ker" is in one name in 420 of the benchmark's million),
 * and finding its matches through the trigram index means reading thousands of rows to keep 21.
 * Longer ones are usually rare: their page is every match (trigram index), sorted, as for any
 * other filter. Either way the rows are the same; only the work differs.
 */
const SHORT_NAME_FILTER = 3;

/** How far a name-filtered page walks the name index before it takes the trigram index instead. */
const NAME_WALK_LIMIT = 20_000;

/**
 * The ids of a page filtered by a short name substring only, in name order. A prepared statement
 * keeps one plan for every substring, so the choice between walking the name index and reading
 * every match is written in the statement, with a bound: first the next `NAME_WALK_LIMIT` entries
 * of `member_name_order_idx` after the cursor, read without the table (index-only); when
 * `first + 1` of them match, they are the page ("ker": 21 matches in 12,334 entries of a million).
 * Otherwise every match after the cursor (the trigram index from 3 characters on), sorted.
 */
function nameFilteredIds(query: MemberPageQuery): { sql: string; parameters: Record<string, unknown> } {
  const direction = query.order.direction;
  const cursor = query.after ? `AND (c.sort_name, c.id) ${direction === 'ASC' ? '>' : '<'} (:afterKey, :afterId)` : '';
  const order = (alias: string) => `ORDER BY ${alias}.sort_name ${direction}, ${alias}.id ${direction}`;
  const sql = `
    WITH walk AS MATERIALIZED (
           SELECT w.id FROM (SELECT c.id, c.sort_name FROM member c WHERE true ${cursor} ${order('c')} LIMIT ${NAME_WALK_LIMIT}) w
            WHERE w.sort_name LIKE :namePattern ${order('w')} LIMIT :take),
         matches AS MATERIALIZED (SELECT c.id, c.sort_name FROM member c WHERE c.sort_name LIKE :namePattern ${cursor})
    SELECT walk.id FROM walk WHERE (SELECT count(*) FROM walk) >= :take
    UNION ALL
    SELECT found.id FROM (SELECT m.id FROM matches m ${order('m')} LIMIT :take) found WHERE (SELECT count(*) FROM walk) < :take`;
  return {
    sql,
    parameters: {
      // sort_name holds only [a-z0-9 ]: the normalised needle cannot carry LIKE wildcards.
      namePattern: `%${query.filter.nameContains}%`,
      take: query.first + 1,
      ...(query.after ? { afterKey: query.after.key, afterId: query.after.id } : {}),
    },
  };
}

function keysetPage(builder: SelectQueryBuilder<MemberRow>, alias: string, query: MemberPageQuery): SelectQueryBuilder<MemberRow> {
  const sortExpression = MEMBER_ORDERS[query.order.field].sql.replace(/\bmember\./g, `${alias}.`);
  const direction = query.order.direction;
  if (query.after) {
    const comparison = direction === 'ASC' ? '>' : '<';
    builder.andWhere(`(${sortExpression}, ${alias}.id) ${comparison} (:afterKey, :afterId)`, {
      afterKey: query.after.key,
      afterId: query.after.id,
    });
  }
  return builder
    .orderBy(sortExpression, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(query.first + 1);
}

function onlyNameFilter(filter: MemberFilter): boolean {
  return filter.nameContains !== undefined && Object.entries(filter).every(([field, value]) => field === 'nameContains' || value === undefined);
}

/**
 * How many members match the filter (one statement). A filter on kinds, départements, statuses,
 * `synthetic` and population bounds only is answered from `member_group_count`, and one that also
 * names services, vendors or service categories from `member_service_group_count` (the groups whose
 * set of active services overlaps each of them), plus, for a bound inside a population band, the
 * members of the narrower part of that band (an index scan of `member_population_count_idx`). A name
 * filter counts the matching members.
 */
export async function countMembers(dataSource: DataSource, filter: MemberFilter): Promise<number> {
  if (!countableFromGroups(filter)) return filtered(dataSource, filter, 'member').getCount();
  const { sql, parameters } = groupCountStatement(filter, 0);
  const [{ count }] = await dataSource.query(`SELECT ${sql} AS count`, parameters);
  return count;
}

/**
 * The count of a filter `countableFromGroups` accepts, as one integer expression, its parameters
 * numbered from `$${parametersBefore + 1}` (so that it can be part of another statement).
 */
function groupCountStatement(filter: MemberFilter, parametersBefore: number): { sql: string; parameters: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${parametersBefore + params.length}`;
  };
  const dimensions: string[] = [];
  if (filter.kinds) dimensions.push(`kind = ANY(${param(filter.kinds)}::text[])`);
  if (filter.departements) dimensions.push(`departement = ANY(${param(filter.departements)}::text[])`);
  if (filter.statuses) dimensions.push(`status = ANY(${param(filter.statuses)}::text[])`);
  if (filter.synthetic !== undefined) dimensions.push(`synthetic = ${param(filter.synthetic)}::boolean`);
  // Each service filter: the active services it names, overlapping the set counted (a group's, or a member's).
  const serviceSets: string[] = [];
  if (filter.serviceCategories) serviceSets.push(`ARRAY(SELECT id FROM service WHERE category = ANY(${param(filter.serviceCategories)}::text[]))`);
  if (filter.vendors) {
    serviceSets.push(`ARRAY(SELECT v.id FROM service v JOIN vendor d ON d.id = v.vendor_id WHERE d.name = ANY(${param(filter.vendors)}::text[]))`);
  }
  if (filter.serviceCodes) serviceSets.push(`ARRAY(SELECT id FROM service WHERE code = ANY(${param(filter.serviceCodes)}::text[]))`);
  const table = serviceSets.length > 0 ? 'member_service_group_count' : 'member_group_count';
  const groups = [...dimensions, ...serviceSets.map((set) => `services && ${set}`)];
  dimensions.push(...serviceSets.map((set) => `active_services && ${set}`));
  let parts = '';
  if (filter.minPopulation !== undefined || filter.maxPopulation !== undefined) {
    const cover = coverPopulationRange(filter.minPopulation, filter.maxPopulation);
    groups.push(`population_band = ANY(${param(cover.bands)}::int[])`);
    const part = (sign: '+' | '-', [low, high]: [number, number]) =>
      ` ${sign} (SELECT count(*) FROM member WHERE ${[...dimensions, `population BETWEEN ${param(low)}::int AND ${param(high)}::int`].join(' AND ')})`;
    parts = [...cover.add.map((segment) => part('+', segment)), ...cover.subtract.map((segment) => part('-', segment))].join('');
  }
  const where = groups.length > 0 ? ` WHERE ${groups.join(' AND ')}` : '';
  return { sql: `((SELECT coalesce(sum(members), 0) FROM ${table}${where})${parts})::int`, parameters: params };
}

/** The filter fields the group counts have dimensions for (services, vendors and categories: `member_service_group_count`). */
const GROUP_COUNT_FIELDS = new Set<keyof MemberFilter>([
  'kinds',
  'departements',
  'statuses',
  'synthetic',
  'minPopulation',
  'maxPopulation',
  'serviceCategories',
  'vendors',
  'serviceCodes',
]);

function countableFromGroups(filter: MemberFilter): boolean {
  return (Object.keys(filter) as (keyof MemberFilter)[]).every((field) => filter[field] === undefined || GROUP_COUNT_FIELDS.has(field));
}

function filtered(dataSource: DataSource, filter: MemberFilter, alias: string): SelectQueryBuilder<MemberRow> {
  const builder = dataSource.getRepository(MemberEntity).createQueryBuilder(alias);
  if (filter.kinds) builder.andWhere(`${alias}.kind = ANY(:kinds)`, { kinds: filter.kinds });
  if (filter.departements) builder.andWhere(`${alias}.departement = ANY(:departements)`, { departements: filter.departements });
  if (filter.nameContains !== undefined) {
    // sort_name holds only [a-z0-9 ]: the normalised needle cannot carry LIKE wildcards.
    builder.andWhere(`${alias}.sort_name LIKE :namePattern`, { namePattern: `%${filter.nameContains}%` });
  }
  if (filter.minPopulation !== undefined) builder.andWhere(`${alias}.population >= :minPopulation`, { minPopulation: filter.minPopulation });
  if (filter.maxPopulation !== undefined) builder.andWhere(`${alias}.population <= :maxPopulation`, { maxPopulation: filter.maxPopulation });
  if (filter.statuses) builder.andWhere(`${alias}.status = ANY(:statuses)`, { statuses: filter.statuses });
  if (filter.synthetic !== undefined) builder.andWhere(`${alias}.synthetic = :synthetic`, { synthetic: filter.synthetic });
  if (filter.serviceCategories) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id
                WHERE s.member_id = ${alias}.id AND s.status = 'ACTIVE' AND v.category = ANY(:serviceCategories))`,
      { serviceCategories: filter.serviceCategories },
    );
  }
  if (filter.vendors) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id JOIN vendor d ON d.id = v.vendor_id
                WHERE s.member_id = ${alias}.id AND s.status = 'ACTIVE' AND d.name = ANY(:vendors))`,
      { vendors: filter.vendors },
    );
  }
  if (filter.serviceCodes) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id
                WHERE s.member_id = ${alias}.id AND s.status = 'ACTIVE' AND v.code = ANY(:serviceCodes))`,
      { serviceCodes: filter.serviceCodes },
    );
  }
  return builder;
}
