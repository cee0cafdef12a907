import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { MemberEntity, type MemberRow } from '../database/entities';
import type { MemberCursor } from '../pagination/member-cursor';
import { MEMBER_ORDERS, type MemberOrder, type SortKey } from '../pagination/member-order';
import type { MemberFilter } from './member-filter';

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
 * (no OFFSET), so that a page costs the same wherever it is in the list.
 */
export async function findMemberPage(
  dataSource: DataSource,
  query: MemberPageQuery,
): Promise<{ rows: MemberRow[]; hasNextPage: boolean }> {
  if (query.first === 0) return { rows: [], hasNextPage: false };
  const sortExpression = MEMBER_ORDERS[query.order.field].sql;
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
  if (filter.statuses) builder.andWhere('member.status = ANY(:statuses)', { statuses: filter.statuses });
  if (filter.synthetic !== undefined) builder.andWhere('member.synthetic = :synthetic', { synthetic: filter.synthetic });
  if (filter.serviceCategories) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id
                WHERE s.member_id = member.id AND s.status = 'ACTIVE' AND v.category = ANY(:serviceCategories))`,
      { serviceCategories: filter.serviceCategories },
    );
  }
  if (filter.vendors) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id JOIN vendor d ON d.id = v.vendor_id
                WHERE s.member_id = member.id AND s.status = 'ACTIVE' AND d.name = ANY(:vendors))`,
      { vendors: filter.vendors },
    );
  }
  if (filter.serviceCodes) {
    builder.andWhere(
      `EXISTS (SELECT 1 FROM subscription s JOIN service v ON v.id = s.service_id
                WHERE s.member_id = member.id AND s.status = 'ACTIVE' AND v.code = ANY(:serviceCodes))`,
      { serviceCodes: filter.serviceCodes },
    );
  }
  return builder;
}
