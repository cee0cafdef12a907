import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import {
  MemberEntity,
  type MemberRow,
  ServiceEntity,
  type ServiceRow,
  SubscriptionEntity,
  type SubscriptionRow,
  VendorEntity,
  type VendorRow,
} from '../database/entities';

/**
 * The per-request DataLoaders of an operator subgraph: one batched statement per relation and per
 * tick, whatever the number of parents. Created by the context factory for every request, never
 * shared across requests (no cross-request caching, no cross-caller leaks).
 */
export interface DirectoryLoaders {
  memberById: DataLoader<number, MemberRow | null>;
  serviceById: DataLoader<number, ServiceRow | null>;
  vendorById: DataLoader<number, VendorRow | null>;
  subscriptionById: DataLoader<number, SubscriptionRow | null>;
  subscriptionsByMemberId: DataLoader<number, SubscriptionRow[]>;
  activeSubscriberCountByServiceId: DataLoader<number, number>;
}

export function createDirectoryLoaders(dataSource: DataSource): DirectoryLoaders {
  return {
    memberById: byIdLoader(dataSource, MemberEntity),
    serviceById: byIdLoader(dataSource, ServiceEntity),
    vendorById: byIdLoader(dataSource, VendorEntity),
    subscriptionById: byIdLoader(dataSource, SubscriptionEntity),
    subscriptionsByMemberId: new DataLoader(async (memberIds) => {
      const rows = await dataSource.getRepository(SubscriptionEntity).find({
        where: { memberId: In([...memberIds]) },
        order: { memberId: 'ASC', serviceId: 'ASC' },
      });
      const byMember = groupBy(rows, (row) => row.memberId);
      return memberIds.map((id) => byMember.get(id) ?? []);
    }),
    activeSubscriberCountByServiceId: new DataLoader(async (serviceIds) => {
      const rows: { service_id: number; count: string }[] = await dataSource.query(
        `SELECT service_id, count(*) AS count FROM subscription
          WHERE status = 'ACTIVE' AND service_id = ANY($1) GROUP BY service_id`,
        [[...serviceIds]],
      );
      const counts = new Map(rows.map((row) => [row.service_id, Number(row.count)]));
      return serviceIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

/** A loader of rows by primary key; results in key order, null for a missing row. */
function byIdLoader<T extends { id: number }>(
  dataSource: DataSource,
  entity: import('typeorm').EntitySchema<T>,
): DataLoader<number, T | null> {
  return new DataLoader(async (ids) => {
    const rows = await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as never);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Groups items by key, keeping their order: a batch function's one pass over its rows. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
