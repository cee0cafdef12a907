import { isMemberKind, type MemberKind } from '../domain/member-kind';
import { MEMBERSHIP_STATUS_VALUES, type MembershipStatus } from '../domain/membership-status';
import { SERVICE_CATEGORY_VALUES, type ServiceCategory } from '../domain/service-category';
import { nameSortKey } from '../domain/sort-key.util';
import { badUserInput } from '../errors/user-input-error';

/** `MemberFilter` as the API receives it. */
export interface MemberFilterInput {
  kinds?: string[] | null;
  departements?: string[] | null;
  nameContains?: string | null;
  serviceCodes?: string[] | null;
  minPopulation?: number | null;
  maxPopulation?: number | null;
  statuses?: string[] | null;
  synthetic?: boolean | null;
  serviceCategories?: string[] | null;
  vendors?: string[] | null;
}

/** A validated filter; lists present but empty match nothing. */
export interface MemberFilter {
  kinds?: MemberKind[];
  departements?: string[];
  /** Normalised like `sort_name`. */
  nameContains?: string;
  serviceCodes?: string[];
  minPopulation?: number;
  maxPopulation?: number;
  statuses?: MembershipStatus[];
  synthetic?: boolean;
  serviceCategories?: ServiceCategory[];
  /** Vendor names, exactly as the catalogue spells them. */
  vendors?: string[];
}

const MAX_LIST_ITEMS = 100;
const DEPARTEMENT_CODE = /^(?:[0-9]{2}|2A|2B|97[1-6])$/;
const SERVICE_CODE = /^[A-Z0-9_]{1,64}$/;

/** Validates a filter; every refusal is `BAD_USER_INPUT` naming the input field. */
export function parseMemberFilterOrThrow(input: MemberFilterInput | null | undefined, path = 'filter'): MemberFilter {
  if (!input) return {};
  const filter: MemberFilter = {};
  if (input.kinds != null) {
    filter.kinds = checkedList(input.kinds, `${path}.kinds`, isMemberKind, 'a MemberKind') as MemberKind[];
  }
  if (input.departements != null) {
    filter.departements = checkedList(input.departements, `${path}.departements`, (v) => DEPARTEMENT_CODE.test(v), 'an INSEE département code');
  }
  if (input.serviceCodes != null) {
    filter.serviceCodes = checkedList(input.serviceCodes, `${path}.serviceCodes`, (v) => SERVICE_CODE.test(v), 'a service code');
  }
  if (input.statuses != null) {
    filter.statuses = checkedList(input.statuses, `${path}.statuses`, (v) => (MEMBERSHIP_STATUS_VALUES as string[]).includes(v), 'a MembershipStatus') as MembershipStatus[];
  }
  if (input.serviceCategories != null) {
    filter.serviceCategories = checkedList(input.serviceCategories, `${path}.serviceCategories`, (v) => (SERVICE_CATEGORY_VALUES as string[]).includes(v), 'a ServiceCategory') as ServiceCategory[];
  }
  if (input.vendors != null) {
    filter.vendors = checkedList(input.vendors, `${path}.vendors`, (v) => v.length >= 1 && v.length <= 200, 'a vendor name (1 to 200 characters)');
  }
  if (input.synthetic != null) filter.synthetic = input.synthetic;
  if (input.nameContains != null) {
    const field = `${path}.nameContains`;
    if (input.nameContains.length < 1 || input.nameContains.length > 100) {
      throw badUserInput(field, `${field} must be 1 to 100 characters long.`);
    }
    const normalised = nameSortKey(input.nameContains);
    if (!normalised) throw badUserInput(field, `${field} must contain at least one letter or digit.`);
    filter.nameContains = normalised;
  }
  for (const bound of ['minPopulation', 'maxPopulation'] as const) {
    const value = input[bound];
    if (value == null) continue;
    if (!Number.isInteger(value) || value < 0) throw badUserInput(`${path}.${bound}`, `${path}.${bound} must be a non-negative integer.`);
    filter[bound] = value;
  }
  if (filter.minPopulation !== undefined && filter.maxPopulation !== undefined && filter.minPopulation > filter.maxPopulation) {
    throw badUserInput(`${path}.minPopulation`, `${path}.minPopulation must not exceed ${path}.maxPopulation.`);
  }
  return filter;
}

function checkedList(values: string[], field: string, valid: (value: string) => boolean, what: string): string[] {
  if (values.length > MAX_LIST_ITEMS) throw badUserInput(field, `${field} accepts at most ${MAX_LIST_ITEMS} values.`);
  const bad = values.find((value) => !valid(value));
  if (bad !== undefined) throw badUserInput(field, `${field}: ${JSON.stringify(bad.slice(0, 40))} is not ${what}.`);
  return [...new Set(values)];
}
