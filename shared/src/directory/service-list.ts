import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { ServiceEntity, type ServiceRow } from '../database/entities';
import { SERVICE_CATEGORY_VALUES, type ServiceCategory } from '../domain/service-category';
import { nameSortKey } from '../domain/sort-key.util';
import { badUserInput } from '../errors/user-input-error';
import type { OrderDirection } from '../pagination/member-order';

/** `ServiceFilter` of an operator's catalogue. Lists present but empty match nothing. */
export interface ServiceFilterInput {
  categories?: string[] | null;
  vendors?: string[] | null;
  nameContains?: string | null;
}
export interface ServiceFilter {
  categories?: ServiceCategory[];
  vendors?: string[];
  nameContains?: string;
}

export function parseServiceFilterOrThrow(input: ServiceFilterInput | null | undefined, path = 'filter'): ServiceFilter {
  if (!input) return {};
  const filter: ServiceFilter = {};
  const list = (values: string[], field: string, valid: (v: string) => boolean, what: string) => {
    if (values.length > 100) throw badUserInput(field, `${field} accepts at most 100 values.`);
    const bad = values.find((v) => !valid(v));
    if (bad !== undefined) throw badUserInput(field, `${field}: ${JSON.stringify(bad.slice(0, 40))} is not ${what}.`);
    return [...new Set(values)];
  };
  if (input.categories != null) {
    filter.categories = list(input.categories, `${path}.categories`, (v) => (SERVICE_CATEGORY_VALUES as string[]).includes(v), 'a ServiceCategory') as ServiceCategory[];
  }
  if (input.vendors != null) filter.vendors = list(input.vendors, `${path}.vendors`, (v) => v.length >= 1 && v.length <= 200, 'a vendor name');
  if (input.nameContains != null) {
    const folded = input.nameContains.length <= 100 ? nameSortKey(input.nameContains) : '';
    if (!folded) throw badUserInput(`${path}.nameContains`, `${path}.nameContains must be 1 to 100 characters with a letter or digit.`);
    filter.nameContains = folded;
  }
  return filter;
}

/** One keyset page of the active catalogue ordered by name (then id). */
export async function findServicePage(
  dataSource: DataSource,
  query: { filter: ServiceFilter; direction: OrderDirection; first: number; after: { key: string; id: number } | null },
): Promise<{ rows: ServiceRow[]; hasMore: boolean }> {
  if (query.first === 0) return { rows: [], hasMore: false };
  const builder = filtered(dataSource, query.filter);
  if (query.after) {
    builder.andWhere(`(service.sort_name, service.id) ${query.direction === 'ASC' ? '>' : '<'} (:afterKey, :afterId)`, {
      afterKey: query.after.key,
      afterId: query.after.id,
    });
  }
  const rows = await builder
    .orderBy('service.sort_name', query.direction)
    .addOrderBy('service.id', query.direction)
    .limit(query.first + 1)
    .getMany();
  return { rows: rows.slice(0, query.first), hasMore: rows.length > query.first };
}

export function countServices(dataSource: DataSource, filter: ServiceFilter): Promise<number> {
  return filtered(dataSource, filter).getCount();
}

function filtered(dataSource: DataSource, filter: ServiceFilter): SelectQueryBuilder<ServiceRow> {
  const builder = dataSource.getRepository(ServiceEntity).createQueryBuilder('service').where('service.retired_at IS NULL');
  if (filter.categories) builder.andWhere('service.category = ANY(:categories)', { categories: filter.categories });
  if (filter.vendors) {
    builder.andWhere('EXISTS (SELECT 1 FROM vendor d WHERE d.id = service.vendor_id AND d.name = ANY(:vendors))', { vendors: filter.vendors });
  }
  if (filter.nameContains) builder.andWhere('service.sort_name LIKE :pattern', { pattern: `%${filter.nameContains}%` });
  return builder;
}
