/**
 * The example operations of the API: preloaded in the explorer, replayed against a second gateway
 * implementation by the portability test, and the read mix of the benchmark. Every one is a real
 * front-end use; keep them valid against the public schema (a test runs them all).
 */
export interface ExampleOperation {
  name: string;
  description: string;
  query: string;
  variables?: Record<string, unknown>;
}

export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [
  {
    name: 'Operators',
    description: 'The operators of the alliance and the size of their directories.',
    query: `query Operators {
  operators { code name legalForm region { code name } departements { code name } memberCount }
}`,
  },
  {
    name: 'OperatorDirectory',
    description: "One operator's directory, largest communes first, with their subscriptions.",
    query: `query OperatorDirectory($code: OperatorCode!, $first: Int) {
  operator(code: $code) {
    name
    members(first: $first, orderBy: { field: POPULATION, direction: DESC }, filter: { kinds: [COMMUNE] }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id name siren population departement { name }
        subscriptions { status service { name category vendor { name } } }
        ... on MegalisMember { membershipBasis coveringEpci { name } }
        ... on TernumMember { chargedForServices feeExemption }
      }
    }
  }
}`,
    variables: { code: 'MEGALIS', first: 10 },
  },
  {
    name: 'OperatorsMembersDeep',
    description: 'Every operator, a page of members each, down to the vendors of their services.',
    query: `query OperatorsMembersDeep {
  operators { code members(first: 20) { nodes { name subscriptions { service { name vendor { name } } } } } }
}`,
  },
  {
    name: 'PartnershipDirectory',
    description: 'The whole directory as one list, sorted by name across operators.',
    query: `query PartnershipDirectory($first: Int, $after: String) {
  members(first: $first, after: $after, orderBy: { field: NAME }) {
    totalCount
    unavailableOperators { code }
    pageInfo { hasNextPage endCursor }
    nodes { id name kind population operator { code } }
  }
}`,
    variables: { first: 50 },
  },
  {
    name: 'Search',
    description: 'One search box over members and services of every operator.',
    query: `query Search($text: String!) {
  search(text: $text, first: 10) {
    totalCount
    edges { score node { __typename ... on Member { name operator { code } } ... on Service { name operator { code } } } }
  }
}`,
    variables: { text: 'saint brieuc' },
  },
  {
    name: 'Vendors',
    description: 'The software vendors of the alliance and who depends on them.',
    query: `query Vendors {
  vendors { vendor { name } operators { code } services { name product } memberCount }
}`,
  },
  {
    name: 'Statistics',
    description: 'Partnership-wide statistics and the catalogue comparison.',
    query: `query Statistics {
  statistics {
    memberCount populationCovered subscriptionCount
    membersByOperator { operator { code } count }
    membersByKind { kind count }
    subscriptionsByCategory { category count }
    catalogueComparison { category offers { operator { code } services { name product vendor { name } } } }
  }
}`,
  },
  {
    name: 'MembersBySiren',
    description: "Every operator's record of one legal entity.",
    query: `query MembersBySiren($siren: String!) {
  membersBySiren(siren: $siren) { id name kind operator { code name } }
}`,
    variables: { siren: '233500016' },
  },
];
