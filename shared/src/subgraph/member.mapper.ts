import type { MemberRow, ServiceRow, SubscriptionRow, VendorRow } from '../database/entities';
import { encodeGlobalId } from '../ids/global-id';
import { departementNameOrThrow } from '../reference/insee-reference';

/**
 * Rows to API objects, in one place. Relations stay as ids: their resolvers go through the
 * per-request loaders.
 */
export function toMemberApi(prefix: string, row: MemberRow) {
  return {
    __typename: `${prefix}Member`,
    localId: row.id,
    id: encodeGlobalId(`${prefix}Member`, row.id),
    siren: row.siren,
    name: row.name,
    kind: row.kind,
    legalCategory: row.legalCategory,
    inseeCode: row.inseeCode,
    population: row.population,
    departement: { code: row.departement, name: departementNameOrThrow(row.departement) },
    status: row.status,
    joinedAt: row.joinedAt,
    synthetic: row.synthetic,
    version: row.version,
    contactEmail: row.contactEmail,
    annualContribution: row.annualContribution,
    row,
  };
}
export type MemberApi = ReturnType<typeof toMemberApi>;

export function toServiceApi(prefix: string, row: ServiceRow) {
  return {
    __typename: `${prefix}Service`,
    localId: row.id,
    id: encodeGlobalId(`${prefix}Service`, row.id),
    code: row.code,
    name: row.name,
    category: row.category,
    description: row.description,
    product: row.product,
    vendorId: row.vendorId,
    version: row.version,
  };
}
export type ServiceApi = ReturnType<typeof toServiceApi>;

export function toSubscriptionApi(prefix: string, row: SubscriptionRow) {
  return {
    __typename: `${prefix}Subscription`,
    localId: row.id,
    id: encodeGlobalId(`${prefix}Subscription`, row.id),
    memberId: row.memberId,
    serviceId: row.serviceId,
    since: row.since,
    status: row.status,
  };
}
export type SubscriptionApi = ReturnType<typeof toSubscriptionApi>;

export function toVendorApi(row: VendorRow) {
  return { name: row.name, siren: row.siren };
}
