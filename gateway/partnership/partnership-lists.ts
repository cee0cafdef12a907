import type { GraphQLResolveInfo } from 'graphql';
import { parseMemberFilterOrThrow, type MemberFilterInput } from '../../shared/src/directory/member-filter';
import { searchTextOrThrow } from '../../shared/src/directory/search';
import { parseServiceFilterOrThrow, type ServiceFilterInput } from '../../shared/src/directory/service-list';
import { isValidSiren } from '../../shared/src/domain/siren.util';
import { badUserInput } from '../../shared/src/errors/user-input-error';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { DEFAULT_MEMBER_ORDER, MEMBER_ORDERS, type MemberOrder, type OrderDirection } from '../../shared/src/pagination/member-order';
import { pageSizeOrThrow } from '../../shared/src/pagination/page-args';
import { indexFieldNames } from '../../shared/src/schema/index-fields';
import { fanOut, mergeAcrossOperators, type IndexEntry, type IndexPage, type MergedPage } from './fan-out';
import type { CallOperator } from './operator-client';
import type { PartnershipContext } from './partnership-context';
import { selectsField } from './selection.util';

const ENTRY_FIELDS = 'entries { id typename key score cursor } hasMore totalCount';
const REGION_CODE = /^[0-9]{2}$/;

type PartnershipMemberFilterInput = MemberFilterInput & { operators?: string[] | null; regions?: string[] | null };

/**
 * The partnership-wide lists, each one call of `mergeAcrossOperators` with its own index field,
 * cursor tag and comparison; and the fan-outs that are not lists (by SIREN, statistics, vendors).
 */
export function createPartnershipLists(operators: readonly OperatorDefinition[], callOperator: CallOperator, toOperatorApi: (o: OperatorDefinition) => unknown) {
  const rank = new Map(operators.map((operator, index) => [operator.code, index]));
  const inRegistryOrder = (selected: Iterable<OperatorDefinition>) => [...selected].sort((a, b) => rank.get(a.code)! - rank.get(b.code)!);

  const indexPage = async (operator: OperatorDefinition, field: string, argsSdl: string, variables: Record<string, unknown>, context: PartnershipContext) => {
    const data = await callOperator<{ index: IndexPage }>(
      operator,
      `query PartnershipIndex(${argsSdl}) { index: ${field}(${argsSdl.replace(/\$(\w+): [^,]+/g, '$1: $$$1')}) { ${ENTRY_FIELDS} } }`,
      variables,
      context,
    );
    return data.index;
  };

  const connection = (page: MergedPage) => {
    const edges = page.edges.map((edge) => ({
      cursor: edge.cursor,
      score: edge.entry.score === null ? null : Number(edge.entry.score),
      node: { __typename: edge.entry.typename, id: edge.entry.id },
    }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: false,
        startCursor: page.edges[0]?.cursor() ?? null,
        endCursor: page.edges.at(-1)?.cursor() ?? null,
      },
      totalCount: page.totalCount ?? 0,
      unavailableOperators: page.unavailable.map(toOperatorApi),
    };
  };

  const selectOperators = (codes: string[] | null | undefined, regions: string[] | null | undefined, path: string) => {
    if (regions != null) {
      if (regions.length > 100) throw badUserInput(`${path}.regions`, `${path}.regions accepts at most 100 values.`);
      const bad = regions.find((region) => !REGION_CODE.test(region));
      if (bad !== undefined) throw badUserInput(`${path}.regions`, `${path}.regions: ${JSON.stringify(bad.slice(0, 20))} is not an INSEE région code.`);
    }
    return inRegistryOrder(
      operators.filter((operator) => (codes == null || codes.includes(operator.code)) && (regions == null || regions.includes(operator.regionCode))),
    );
  };

  return {
    async members(
      args: { filter?: PartnershipMemberFilterInput | null; orderBy?: MemberOrder | null; first?: number | null; after?: string | null },
      context: PartnershipContext,
      info: GraphQLResolveInfo,
    ) {
      const { operators: codes, regions, ...operatorFilter } = args.filter ?? {};
      parseMemberFilterOrThrow(operatorFilter); // refuse bad input before any call
      const order = args.orderBy ?? DEFAULT_MEMBER_ORDER;
      const sign = order.direction === 'ASC' ? 1 : -1;
      const definition = MEMBER_ORDERS[order.field];
      const page = await mergeAcrossOperators({
        operators: selectOperators(codes, regions, 'filter'),
        tag: `MEMBERS:${order.field}:${order.direction}`,
        first: pageSizeOrThrow(args.first),
        after: args.after,
        withCount: selectsField(info, 'totalCount'),
        context,
        fetchIndex: (operator, after, first) =>
          indexPage(operator, indexFieldNames(operator).memberIndex, '$filter: MemberFilter, $orderBy: MemberOrder, $first: Int!, $after: String, $withCount: Boolean!', {
            filter: operatorFilter,
            orderBy: order,
            first,
            after,
            withCount: selectsField(info, 'totalCount'),
          }, context),
        compare: (a, b) => sign * definition.compare(JSON.parse(a.key), JSON.parse(b.key)),
      });
      return connection(page);
    },

    async services(
      args: { filter?: (ServiceFilterInput & { operators?: string[] | null }) | null; orderBy?: { direction: OrderDirection } | null; first?: number | null; after?: string | null },
      context: PartnershipContext,
      info: GraphQLResolveInfo,
    ) {
      const { operators: codes, ...operatorFilter } = args.filter ?? {};
      parseServiceFilterOrThrow(operatorFilter);
      const direction = args.orderBy?.direction ?? 'ASC';
      const sign = direction === 'ASC' ? 1 : -1;
      const withCount = selectsField(info, 'totalCount');
      const page = await mergeAcrossOperators({
        operators: selectOperators(codes, null, 'filter'),
        tag: `SERVICES:NAME:${direction}`,
        first: pageSizeOrThrow(args.first),
        after: args.after,
        withCount,
        context,
        fetchIndex: (operator, after, first) =>
          indexPage(operator, indexFieldNames(operator).serviceIndex, '$filter: ServiceIndexFilter, $direction: OrderDirection!, $first: Int!, $after: String, $withCount: Boolean!', {
            filter: operatorFilter,
            direction,
            first,
            after,
            withCount,
          }, context),
        compare: (a, b) => sign * compareText(JSON.parse(a.key), JSON.parse(b.key)),
      });
      return connection(page);
    },

    async search(args: { text: string; first?: number | null; after?: string | null }, context: PartnershipContext, info: GraphQLResolveInfo) {
      const folded = searchTextOrThrow(args.text);
      const withCount = selectsField(info, 'totalCount');
      const page = await mergeAcrossOperators({
        operators,
        tag: `SEARCH:${folded}`,
        first: pageSizeOrThrow(args.first),
        after: args.after,
        withCount,
        context,
        fetchIndex: (operator, after, first) =>
          indexPage(operator, indexFieldNames(operator).searchIndex, '$text: String!, $first: Int!, $after: String, $withCount: Boolean!', { text: args.text, first, after, withCount }, context),
        compare: compareSearchEntries,
      });
      return connection(page);
    },

    async membersBySiren(siren: string, context: PartnershipContext) {
      if (!isValidSiren(siren)) throw badUserInput('siren', 'siren must be 9 digits with a valid Luhn checksum.');
      const { results } = await fanOut(
        operators,
        async (operator) => {
          const field = indexFieldNames(operator).membersBySiren;
          const data = await callOperator<{ found: IndexEntry[] }>(operator, `query($siren: String!) { found: ${field}(siren: $siren) { id typename } }`, { siren }, context);
          return data.found;
        },
        context,
      );
      return results.flatMap(({ value }) => value.map((entry) => ({ __typename: entry.typename, id: entry.id })));
    },
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Best score first, then name, then members before services (as in every subgraph's SQL). */
function compareSearchEntries(a: IndexEntry, b: IndexEntry): number {
  const byScore = Number(b.score) - Number(a.score);
  if (byScore !== 0) return byScore;
  const byName = compareText(JSON.parse(a.key), JSON.parse(b.key));
  if (byName !== 0) return byName;
  return compareText(a.typename.endsWith('Member') ? 'Member' : 'Service', b.typename.endsWith('Member') ? 'Member' : 'Service');
}
