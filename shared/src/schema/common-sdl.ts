import { MEMBER_KINDS } from '../domain/member-kind';
import { MEMBERSHIP_STATUSES } from '../domain/membership-status';
import { SERVICE_CATEGORIES, SUBSCRIPTION_STATUSES } from '../domain/service-category';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../pagination/page-args';

/**
 * SDL shared, character for character, by every subgraph that uses it: the domain enums, the
 * filter and order inputs, the connection types. Federation merges identical value types; keeping
 * one source makes them identical by construction.
 */

export const FEDERATION_VERSION = 'v2.9';

function description(text: string, indent = ''): string {
  return `${indent}"""\n${indent}${text.replace(/"""/g, "'''")}\n${indent}"""`;
}

function enumSdl(name: string, doc: string, values: Record<string, string>): string {
  const body = Object.entries(values)
    .map(([value, text]) => `${description(text, '  ')}\n  ${value}`)
    .join('\n');
  return `${description(doc)}\nenum ${name} {\n${body}\n}`;
}

const memberKindDocs = Object.fromEntries(
  Object.entries(MEMBER_KINDS).map(([kind, { legalCategory, label }]) => [
    kind,
    legalCategory ? `${label} (INSEE legal category ${legalCategory}).` : `${label}.`,
  ]),
);

export const DOMAIN_ENUMS_SDL = [
  enumSdl('MemberKind', 'The kind of public body a member is.', memberKindDocs),
  enumSdl(
    'MembershipStatus',
    "A member's status in its operator's directory, as the operator's member software records it.",
    MEMBERSHIP_STATUSES,
  ),
  enumSdl(
    'ServiceCategory',
    'Categories of the services the operators offer (no official taxonomy exists).',
    SERVICE_CATEGORIES,
  ),
  enumSdl('SubscriptionStatus', "The status of a member's subscription to a service.", SUBSCRIPTION_STATUSES),
].join('\n\n');

/** Arguments of every `members` list, operator-level or partnership-wide. */
export const MEMBERS_ARGS_SDL = `(
    "Only members that match every given criterion."
    filter: MemberFilter
    "Order of the list; by name (accent- and case-insensitive) by default."
    orderBy: MemberOrder = { field: NAME, direction: ASC }
    "Page size: 0 to ${MAX_PAGE_SIZE}, ${DEFAULT_PAGE_SIZE} by default."
    first: Int = ${DEFAULT_PAGE_SIZE}
    "The \`endCursor\` of the previous page; only valid with the same \`orderBy\`."
    after: String
  )`;

/** The fields of `MemberFilter`, shared by the partnership-wide filter. */
export const MEMBER_FILTER_FIELDS_SDL = `  "Only members of these kinds."
  kinds: [MemberKind!]
  "Only members of these départements (INSEE codes, e.g. \`35\`, \`2A\`)."
  departements: [String!]
  "Only members whose name contains this text (accent- and case-insensitive, 1 to 100 characters)."
  nameContains: String
  "Only members subscribed (actively) to one of the services with these codes."
  serviceCodes: [String!]
  "Only members with at least this population."
  minPopulation: Int
  "Only members with at most this population."
  maxPopulation: Int
  "Only members with one of these statuses."
  statuses: [MembershipStatus!]
  "Only synthetic records (true) or only real reference data (false)."
  synthetic: Boolean
  "Only members with an active subscription to a service of one of these categories."
  serviceCategories: [ServiceCategory!]
  "Only members with an active subscription to a service whose software comes from one of these vendors (names as in \`Vendor.name\`)."
  vendors: [String!]
`;

export const LIST_TYPES_SDL = `${enumSdl('MemberOrderField', 'Fields members can be ordered by.', {
  NAME: 'Name, accent- and case-insensitive, hyphens and apostrophes read as spaces; ties broken by ID.',
  POPULATION: 'Population (bodies without a population count as below zero); ties broken by ID.',
  JOINED_AT: 'Date of joining (members who have not joined come first in ascending order); ties broken by ID.',
})}

${enumSdl('OrderDirection', 'Direction of an order.', { ASC: 'Ascending.', DESC: 'Descending.' })}

"""
Criteria for member lists. Every given criterion must match; an empty list matches nothing.
"""
input MemberFilter {
${MEMBER_FILTER_FIELDS_SDL}}

"""
An order for member lists.
"""
input MemberOrder {
  "The field to order by."
  field: MemberOrderField!
  "The direction."
  direction: OrderDirection! = ASC
}

"""
A territory: a département, with its INSEE code and official name.
"""
type Departement @shareable {
  "INSEE code, e.g. \`35\`."
  code: String!
  "Official name, e.g. \`Ille-et-Vilaine\`."
  name: String!
}

"""
Pagination state of a connection (Relay cursor connections specification).
"""
type PageInfo @shareable {
  "Whether a page follows this one."
  hasNextPage: Boolean!
  "Always false: lists are paged forward only."
  hasPreviousPage: Boolean!
  "Cursor of the first edge of the page, if any."
  startCursor: String
  "Cursor of the last edge of the page, if any: pass it as \`after\` for the next page."
  endCursor: String
}

"""
A page of members (Relay connection).
"""
type MemberConnection @shareable {
  "The members of this page, with their cursors."
  edges: [MemberEdge!]!
  "The members of this page. An item is null only when its operator failed while the page was read."
  nodes: [Member]!
  "Pagination state."
  pageInfo: PageInfo!
  "How many members match, over all pages."
  totalCount: Int!
  "Operators whose members are missing from this list because they could not be reached (empty when the list is complete)."
  unavailableOperators: [Operator!]!
}

"""
A member in a page of members.
"""
type MemberEdge @shareable {
  "Opaque cursor of this position in the list."
  cursor: String!
  "The member; null only when its operator failed while the page was read."
  node: Member
}`;


/** Arguments of the index fields: the public list arguments, plus whether to count. */
const INDEX_PAGE_ARGS = `first: Int!, after: String, withCount: Boolean! = false`;

/**
 * The operator subgraphs' index fields and types, @inaccessible: callable by the partnership layer,
 * absent from the public schema. Entries carry the sort key and an operator-local cursor.
 */
export function operatorIndexSdl(fields: { memberIndex: string; serviceIndex: string; searchIndex: string; membersBySiren: string; statistics: string; vendorUsage: string }): { queryFields: string; types: string } {
  return {
    queryFields: `  "Keys of a page of members (partnership layer)."
  ${fields.memberIndex}(filter: MemberFilter, orderBy: MemberOrder = { field: NAME, direction: ASC }, ${INDEX_PAGE_ARGS}): IndexPage! @inaccessible
  "Keys of a page of the active catalogue by name (partnership layer)."
  ${fields.serviceIndex}(filter: ServiceIndexFilter, direction: OrderDirection! = ASC, ${INDEX_PAGE_ARGS}): IndexPage! @inaccessible
  "Keys of a page of search results (partnership layer)."
  ${fields.searchIndex}(text: String!, ${INDEX_PAGE_ARGS}): IndexPage! @inaccessible
  "This operator's records with this SIREN (partnership layer)."
  ${fields.membersBySiren}(siren: String!): [IndexEntry!]! @inaccessible
  "This operator's statistics (partnership layer)."
  ${fields.statistics}: OperatorStatistics! @inaccessible
  "This operator's vendors and their use (partnership layer)."
  ${fields.vendorUsage}: [VendorUsageEntry!]! @inaccessible`,
    types: `"""
Filter of the catalogue index (partnership layer).
"""
input ServiceIndexFilter @inaccessible {
  "Only these categories."
  categories: [ServiceCategory!]
  "Only services whose software comes from these vendors."
  vendors: [String!]
  "Only services whose name contains this text."
  nameContains: String
}

"""
A page of an index (partnership layer).
"""
type IndexPage @shareable @inaccessible {
  "The entries, in the index order."
  entries: [IndexEntry!]!
  "Whether entries follow."
  hasMore: Boolean!
  "How many entries match, when asked for."
  totalCount: Int
}

"""
An entry of an index: a key to merge on and an operator-local cursor (partnership layer).
"""
type IndexEntry @shareable @inaccessible {
  "Global ID."
  id: ID!
  "Concrete type name."
  typename: String!
  "Sort key (as text; numbers in decimal)."
  key: String!
  "Search score (4 decimals), for search entries."
  score: String
  "Operator-local cursor just after this entry."
  cursor: String!
}

"""
An operator's statistics (partnership layer).
"""
type OperatorStatistics @shareable @inaccessible {
  "Members."
  memberCount: Int!
  "Population of member communes that are ADHERENT or PARTENAIRE."
  populationCovered: Int!
  "Members by kind."
  membersByKind: [KeyCount!]!
  "Members by département."
  membersByDepartement: [KeyCount!]!
  "Members by status."
  membersByStatus: [KeyCount!]!
  "Active subscriptions."
  subscriptionCount: Int!
  "Active subscriptions by service category."
  subscriptionsByCategory: [KeyCount!]!
  "IDs of the active services of each category."
  servicesByCategory: [KeyIds!]!
}

"""
IDs by key (partnership layer).
"""
type KeyIds @shareable @inaccessible {
  "The key."
  key: String!
  "Global IDs."
  ids: [ID!]!
}

"""
A count by key (partnership layer).
"""
type KeyCount @shareable @inaccessible {
  "The key."
  key: String!
  "The count."
  count: Int!
}

"""
A vendor's use in one operator (partnership layer).
"""
type VendorUsageEntry @shareable @inaccessible {
  "Vendor name."
  name: String!
  "Vendor SIREN, when known."
  siren: String
  "Global IDs of the active services running its software."
  serviceIds: [ID!]!
  "Members with an active subscription to at least one of them."
  memberCount: Int!
}`,
  };
}
