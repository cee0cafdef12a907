import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { MemberEntity, type MemberRow } from '../database/entities';
import type { MemberCursor, MemberOrder } from '../pagination/member-cursor';
import type { MemberFilter } from './member-filter';

/** The SQL sort key of each order; `memberSortKey` computes the same value from a row. */
const SORT_EXPRESSIONS = {
  NAME: 'member.sort_name',
  POPULATION: 'coalesce(member.population, -1)',
} as const;

export function memberSortKey(row: MemberRow, order: MemberOrder): string | number {
  return order.field === 'NAME' ? row.sortName : (row.population ?? -1);
}

export interface MemberPageQuery {
  filter: MemberFilter;
  order: MemberOrder;
  first: number;
  after: MemberCursor | null;
}

/**
 * One keyset page of the directory: `first + 1` rows after the cursor, in the order's index
 * (no OFFSET), so that a page costs the same wherever it is in the list.
 */
export async function findMemberPage(
  dataSource: DataSource,
  query: MemberPageQuery,
): Promise<{ rows: MemberRow[]; hasNextPage: boolean }> {
  if (query.first === 0) return { rows: [], hasNextPage: false };
  const sortExpression = SORT_EXPRESSIONS[query.order.field];
  const direction = query.order.direction;
  const builder = filtered(dataSource, query.filter);
  if (query.after) {
    const comparison = direction === 'ASC' ? '>' : '<';
    builder.andWhere(`(${sortExpression}, member.id) ${comparison} (:afterKey, :afterId)`, {
      afterKey: query.after.key,
      afterId: query.after.id,
    });
  }
  const rows = await builder
    .orderBy(sortExpression, direction)
    .addOrderBy('member.id', direction)
    .limit(query.first + 1)
    .getMany();
  return { rows: rows.slice(0, query.first), hasNextPage: rows.length > query.first };
}

/** How many members match the filter (one statement). */
export function countMembers(dataSource: DataSource, filter: MemberFilter): Promise<number> {
  return filtered(dataSource, filter).getCount();
}

function filtered(dataSource: DataSource, filter: MemberFilter): SelectQueryBuilder<MemberRow> {
  const builder = dataSource.getRepository(MemberEntity).createQueryBuilder('member');
  if (filter.kinds) builder.andWhere('member.kind = ANY(:kinds)', { kinds: filter.kinds });
  if (filter.departements) builder.andWhere('member.departement = ANY(:departements)', { departements: filter.departements });
  if (filter.nameContains !== undefined) {
    // sort_name holds only [a-z0-9 ]: the normalised needle cannot carry LIKE wildcards.
    builder.andWhere(`member.sort_name LIKE :namePattern`, { namePattern: `%${filter.nameContains}%` });
  }
  if (filter.minPopulation !== undefined) builder.andWhere('member.population >= :minPopulation', { minPopulation: filter.minPopulation });
  if (filter.maxPopulation !== undefined) builder.andWhere('member.population <= :maxPopulation', { maxPopulation: filter.maxPopulation });
  if (filter.serviceCodes) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id
                WHERE s.member_id = member.id AND s.status = 'ACTIVE' AND v.code = ANY(:serviceCodes))`,
      { serviceCodes: filter.serviceCodes },
    );
  }
  return builder;
}
