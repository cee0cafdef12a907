import { EXAMPLE_OPERATIONS } from '../examples/example-operations';
import type { Topology } from './cpu-placement';
import { queryData } from './graphql-client';

/** The services a cell can send to. */
export type ServiceKey = 'ours' | 'hiveDedupOn' | 'hiveDedupOff' | 'direct' | 'oursCached';

/** A target: a service, the CPUs it is measured on (bench/cpu-placement.ts), and its label. */
interface Target {
  label: string;
  service: ServiceKey;
  topology: Topology;
  /**
   * One connection instead of the run's: requests one after the other, nothing queues, so that
   * p50 is a request's own latency (what a gateway adds to each request, unhidden by queueing).
   */
  oneConnection?: boolean;
}

const TARGETS = {
  ours: { label: 'ours', service: 'ours', topology: 'shared' },
  hiveDedupOn: { label: 'Hive (dedup on)', service: 'hiveDedupOn', topology: 'shared' },
  hiveDedupOff: { label: 'Hive (dedup off)', service: 'hiveDedupOff', topology: 'shared' },
  direct: { label: 'megalis subgraph (direct)', service: 'direct', topology: 'shared' },
  oursCached: { label: 'ours, response cache on', service: 'oursCached', topology: 'shared' },
  oursSplit: { label: 'ours — split CPUs', service: 'ours', topology: 'split' },
  hiveSplit: { label: 'Hive (dedup on) — split CPUs', service: 'hiveDedupOn', topology: 'split' },
  directSplit: { label: 'megalis subgraph (direct) — split CPUs', service: 'direct', topology: 'split' },
  oursAlone: { label: 'ours — split CPUs, 1 connection', service: 'ours', topology: 'split', oneConnection: true },
  directAlone: { label: 'megalis subgraph (direct) — split CPUs, 1 connection', service: 'direct', topology: 'split', oneConnection: true },
} as const satisfies Record<string, Target>;

/** Where a cell's requests go, and on which CPUs. */
export type TargetKey = keyof typeof TARGETS;

export const TARGET_LABELS = Object.fromEntries(Object.entries(TARGETS).map(([key, target]) => [key, target.label])) as Record<TargetKey, string>;

/** The service a target's requests go to. */
export const serviceOf = (target: TargetKey): ServiceKey => TARGETS[target].service;

/** The CPU placement a target is measured under. */
export const topologyOf = (target: TargetKey): Topology => TARGETS[target].topology;

export const connectionsOf = (target: TargetKey, runConnections: number): number => ((TARGETS[target] as Target).oneConnection ? 1 : runConnections);

export interface BenchOperation {
  key: string;
  title: string;
  /** The gateway query. */
  query: string;
  /** The query sent to the megalis subgraph for the `direct` target (same variables). */
  directQuery?: string;
  /** Cycled over the requests of a cell; a single entry means identical requests. */
  variables: Record<string, unknown>[];
  targets: TargetKey[];
  /** Said under the table (why a target is missing, what the operation stands for...). */
  note?: string;
}

/**
 * Response caches are off on both sides in the comparison (`ours`: RESPONSE_CACHE_MIB=0; Hive
 * Gateway has none unless configured); `oursCached` is our gateway with its response cache on,
 * reported apart.
 */
const GATEWAYS: TargetKey[] = ['ours', 'hiveDedupOn', 'hiveDedupOff', 'oursCached'];


const MEMBER_PAGE_ARGS = '(first: 20, after: $after, filter: $filter, orderBy: $orderBy)';
/** One operator's page of 20 members, through the gateway. */
export const OPERATOR_PAGE = `query OperatorPage($after: String, $filter: MemberFilter, $orderBy: MemberOrder = { field: NAME, direction: ASC }) {
  operator(code: MEGALIS) { members${MEMBER_PAGE_ARGS} { nodes { name population } } }
}`;
/** The same page asked of the megalis subgraph itself: `megalisOperator` is @inaccessible in the public schema only. */
const OPERATOR_PAGE_DIRECT = `query OperatorPage($after: String, $filter: MemberFilter, $orderBy: MemberOrder = { field: NAME, direction: ASC }) {
  megalisOperator { members${MEMBER_PAGE_ARGS} { nodes { name population } } }
}`;

const OPERATORS_DEEP = '{ operators { members(first: 20) { nodes { subscriptions { service { vendor { name } } } } } } }';

/** A partnership-wide page of 50 as a front end asks for it, with the members' own fields. */
const PARTNERSHIP_PAGE = `query PartnershipPage($orderBy: MemberOrder, $after: String) {
  members(first: 50, orderBy: $orderBy, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id name kind population operator { code } } }
}`;

const NODE = `query Node($id: ID!) {
  node(id: $id) { id ... on Member { name kind population departement { name } operator { code } } }
}`;

function example(name: string): string {
  const operation = EXAMPLE_OPERATIONS.find((candidate) => candidate.name === name);
  if (!operation) throw new Error(`examples/example-operations.ts has no operation named ${name}`);
  return operation.query;
}

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

/** `pages` pages of one listing: the variables of each (`after` of the previous page) and the nodes read. */
async function walk<T>(
  pages: number,
  read: (after: string | undefined) => Promise<Page<T>>,
): Promise<{ afters: (string | undefined)[]; nodes: T[] }> {
  const afters: (string | undefined)[] = [];
  const nodes: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < pages; page++) {
    afters.push(after);
    const result = await read(after);
    nodes.push(...result.nodes);
    if (!result.pageInfo.hasNextPage || !result.pageInfo.endCursor) break;
    after = result.pageInfo.endCursor;
  }
  return { afters, nodes };
}

const withoutUndefined = (variables: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== undefined));

/** Evenly spread picks of `count` items. */
function spread<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, index) => items[Math.floor((index * items.length) / count)]);
}

/**
 * The benchmark's operations, with pools of real variables read from our gateway first: pages
 * after real cursors under several orders and filters, real member IDs, search texts made from
 * real names. Varied requests keep per-request caches and in-flight deduplication from making a
 * cell trivial; the identical-request operations show what deduplication does.
 */
export async function buildOperations(gatewayUrl: string): Promise<BenchOperation[]> {
  // (1) One operator's pages of 20, under several orders and filters.
  const pageVariants: { pages: number; orderBy?: Record<string, string>; filter?: Record<string, unknown> }[] = [
    { pages: 40 },
    { pages: 15, orderBy: { field: 'POPULATION', direction: 'DESC' } },
    { pages: 10, filter: { departements: ['29'] } },
    { pages: 10, filter: { kinds: ['COMMUNE'], minPopulation: 1000 } },
    { pages: 10, orderBy: { field: 'JOINED_AT', direction: 'ASC' }, filter: { departements: ['35', '56'] } },
    { pages: 5, filter: { nameContains: 'saint' } },
  ];
  const operatorPages = await Promise.all(
    pageVariants.map(async (variant) => {
      const { afters, nodes } = await walk<{ name: string }>(variant.pages, async (after) => {
        const data = await queryData<{ operator: { members: Page<{ name: string }> } }>(
          gatewayUrl,
          `query Walk($after: String, $filter: MemberFilter, $orderBy: MemberOrder = { field: NAME, direction: ASC }) {
            operator(code: MEGALIS) { members${MEMBER_PAGE_ARGS} { pageInfo { hasNextPage endCursor } nodes { name } } }
          }`,
          withoutUndefined({ after, filter: variant.filter, orderBy: variant.orderBy }),
        );
        return data.operator.members;
      });
      return { variables: afters.map((after) => withoutUndefined({ after, filter: variant.filter, orderBy: variant.orderBy })), names: nodes.map((node) => node.name) };
    }),
  );
  const operatorPageVariables = operatorPages.flatMap((pages) => pages.variables);
  const names = operatorPages.flatMap((pages) => pages.names);

  // (3) Partnership-wide pages of 50 in four orders; (4) the member IDs read on the way.
  const orders = [
    { field: 'NAME', direction: 'ASC' },
    { field: 'NAME', direction: 'DESC' },
    { field: 'POPULATION', direction: 'DESC' },
    { field: 'JOINED_AT', direction: 'ASC' },
  ];
  const partnershipPages = await Promise.all(
    orders.map(async (orderBy) => {
      const { afters, nodes } = await walk<{ id: string }>(10, async (after) => {
        const data = await queryData<{ members: Page<{ id: string }> }>(gatewayUrl, PARTNERSHIP_PAGE, withoutUndefined({ orderBy, after }));
        return data.members;
      });
      return { variables: afters.map((after) => withoutUndefined({ orderBy, after })), ids: nodes.map((node) => node.id) };
    }),
  );
  const partnershipPageVariables = partnershipPages.flatMap((pages) => pages.variables);
  const memberIds = partnershipPages.flatMap((pages) => pages.ids);
  const ids = spread([...new Set(memberIds)], 300);

  // (5) Search texts from real names: a distinctive word, a word and a half, a whole name.
  const texts = new Set<string>();
  for (const [index, name] of names.entries()) {
    const words = name
      .toLowerCase()
      .split(/[\s'’-]+/)
      .filter((word) => /^[\p{L}\d]{4,}$/u.test(word));
    if (!words.length) continue;
    const longest = words.reduce((best, word) => (word.length > best.length ? word : best));
    if (index % 3 === 0) texts.add(longest);
    else if (index % 3 === 1) texts.add(longest.slice(0, Math.max(4, Math.ceil(longest.length * 0.7))));
    else texts.add(name.slice(0, 100));
  }
  const searchTexts = spread([...texts], 150);

  return [
    {
      key: 'operator-page',
      title: 'Operator page: `operator(code: MEGALIS) { members(first: 20, …) }`, varied `after`/`filter`/`orderBy`',
      query: OPERATOR_PAGE,
      directQuery: OPERATOR_PAGE_DIRECT,
      variables: operatorPageVariables,
      targets: [...GATEWAYS, 'direct', 'oursSplit', 'hiveSplit', 'directSplit', 'oursAlone', 'directAlone'],
      note: 'direct: `megalisOperator { members(…) { nodes { name population } } }` sent to the megalis subgraph itself (the floor). The "split CPUs" targets are the same services with the gateway tier and the subgraph tier on CPUs of their own (see "How it is measured"); "1 connection": one request at a time, so that p50 is the latency of each request alone, with no queue to hide the work of a gateway in.',
    },
    {
      key: 'operators-deep',
      title: 'Every operator, 20 members each, down to vendors (identical requests)',
      query: OPERATORS_DEEP,
      variables: [{}],
      targets: GATEWAYS,
    },
    {
      key: 'partnership-page',
      title: 'Partnership-wide sorted page of 50 with names, varied `orderBy`/`after`',
      query: PARTNERSHIP_PAGE,
      variables: partnershipPageVariables,
      targets: GATEWAYS,
    },
    {
      key: 'node',
      title: '`node(id)` with varied member ids',
      query: NODE,
      variables: ids.map((id) => ({ id })),
      targets: GATEWAYS,
    },
    {
      key: 'search',
      title: '`search(text, first: 10)` (example "Search"), varied texts from real names',
      query: example('Search'),
      variables: searchTexts.map((text) => ({ text })),
      targets: GATEWAYS,
    },
    {
      key: 'statistics',
      title: '`statistics` (example "Statistics"; no variables: identical requests)',
      query: example('Statistics'),
      variables: [{}],
      targets: GATEWAYS,
    },
  ];
}
