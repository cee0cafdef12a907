import { EntitySchema } from 'typeorm';
import type { SubscriptionStatus } from '../../domain/service-category';

/** A row of `subscription`: a member's use of a service. */
export interface SubscriptionRow {
  id: number;
  memberId: number;
  serviceId: number;
  since: string;
  status: SubscriptionStatus;
}

export const SubscriptionEntity = new EntitySchema<SubscriptionRow>({
  name: 'Subscription',
  tableName: 'subscription',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    memberId: { name: 'member_id', type: 'int' },
    serviceId: { name: 'service_id', type: 'int' },
    since: { type: 'date' },
    status: { type: 'varchar', length: 20 },
  },
});
