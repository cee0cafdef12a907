import type { MemberKind } from '../domain/member-kind';
import type { MembershipStatus } from '../domain/membership-status';
import type { ServiceCategory, SubscriptionStatus } from '../domain/service-category';

/** A software editor whose product an operator runs. Shared value data across operators. */
export interface SeedVendor {
  key: string;
  name: string;
  /** Only when known for certain: no SIREN is ever invented for a real company. */
  siren: string | null;
  website: string | null;
}

/** One service of an operator's catalogue. */
export interface SeedService {
  /** Unique within an operator; the same code for the same kind of service across operators. */
  code: string;
  name: string;
  category: ServiceCategory;
  description: string;
  /** The software product, when publicly known. */
  product: string | null;
  vendorKey: string | null;
  /** probability that a member of a given kind subscribes, deterministic draw */
  adoption: Partial<Record<MemberKind | 'DEFAULT', number>>;
}

/** One entity of an operator's member directory. */
export interface SeedMember {
  siren: string;
  name: string;
  kind: MemberKind;
  legalCategory: string | null;
  inseeCode: string | null;
  population: number | null;
  departement: string;
  status: MembershipStatus;
  joinedAt: string | null /* YYYY-MM-DD */;
  /** True when the record is not in the INSEE reference (plausible name, made-up SIREN). */
  synthetic: boolean;
  /** SIREN of the EPCI (or EPT) the commune belongs to, per epci.json/ept.json membres; null otherwise */
  epciSiren: string | null;
}

/** A member's subscription to a service of the operator's catalogue. */
export interface SeedSubscription {
  memberSiren: string;
  serviceCode: string;
  since: string /* YYYY-MM-DD */;
  status: SubscriptionStatus;
}

/** Everything one operator's database is seeded with. */
export interface OperatorSeed {
  operatorCode: string;
  vendors: SeedVendor[];
  services: SeedService[];
  members: SeedMember[];
  subscriptions: SeedSubscription[];
}
