export { MemberEntity, type MemberRow } from './member.entity';
export { ServiceEntity, type ServiceRow } from './service.entity';
export { VendorEntity, type VendorRow } from './vendor.entity';
export { SubscriptionEntity, type SubscriptionRow } from './subscription.entity';
import { MemberEntity } from './member.entity';
import { ServiceEntity } from './service.entity';
import { VendorEntity } from './vendor.entity';
import { SubscriptionEntity } from './subscription.entity';

/** Every entity of the kernel schema, for an operator's DataSource. */
export const KERNEL_ENTITIES = [MemberEntity, ServiceEntity, VendorEntity, SubscriptionEntity];
