import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { IsNull } from 'typeorm';
import { ServiceEntity } from '../database/entities';
import { countMembers, findMemberPage, memberSortKey } from '../directory/member-list';
import { parseMemberFilterOrThrow, type MemberFilterInput } from '../directory/member-filter';
import { encodeGlobalId, tryDecodeGlobalId } from '../ids/global-id';
import type { OperatorDefinition } from '../operators/operator-definition';
import { decodeMemberCursorOrThrow, DEFAULT_MEMBER_ORDER, encodeMemberCursor, type MemberOrder } from '../pagination/member-cursor';
import { pageSizeOrThrow } from '../pagination/page-args';
import { DateScalar } from '../schema/date-scalar';
import { toMemberApi, toServiceApi, toSubscriptionApi, toVendorApi, type MemberApi, type ServiceApi, type SubscriptionApi } from './member.mapper';
import type { SubgraphContext } from './subgraph-context';
import { createIndexResolvers } from './index-resolvers';
import { createWriteResolvers } from './write-resolvers';
import { indexFieldNames } from '../schema/index-fields';

export interface MembersArgs {
  filter?: MemberFilterInput | null;
  orderBy?: MemberOrder | null;
  first?: number | null;
  after?: string | null;
}

/** The local numeric key of a global ID of this type, or null when the ID is not of it. */
export function localIdOf(typeName: string, id: string): number | null {
  const decoded = tryDecodeGlobalId(id);
  if (!decoded || decoded.typeName !== typeName || !/^[0-9]+$/.test(decoded.localId)) return null;
  const localId = Number(decoded.localId);
  return Number.isSafeInteger(localId) && localId <= 2_147_483_647 ? localId : null;
}

/** The resolvers of the template's types, for one operator. */
export function createOperatorResolvers(operator: OperatorDefinition): GraphQLResolverMap<SubgraphContext> {
  const p = operator.typePrefix;
  const operatorId = encodeGlobalId(`${p}Operator`, operator.code);
  const operatorRef = { id: operatorId };
  const queryField = indexFieldNames(operator).operator;
  const writes = createWriteResolvers(operator);

  return {
    Date: DateScalar,
    Query: {
      [queryField]: () => operatorRef,
      ...createIndexResolvers(operator),
    },
    Mutation: writes.Mutation,
    [`${p}Operator`]: {
      __resolveReference: (reference: { id: string }) => (reference.id === operatorId ? operatorRef : null),
      memberCount: (_parent: unknown, _args: unknown, { dataSource }: SubgraphContext) => countMembers(dataSource, {}),
      members: (_parent: unknown, args: MembersArgs, { dataSource }: SubgraphContext) => {
        const order = args.orderBy ?? DEFAULT_MEMBER_ORDER;
        const first = pageSizeOrThrow(args.first);
        const filter = parseMemberFilterOrThrow(args.filter);
        const after = args.after == null ? null : decodeMemberCursorOrThrow(args.after, order);
        return memberConnection(p, dataSource, { filter, order, first, after });
      },
      services: async (_parent: unknown, _args: unknown, { dataSource }: SubgraphContext) => {
        const rows = await dataSource.getRepository(ServiceEntity).find({
          where: { retiredAt: IsNull() },
          order: { category: 'ASC', code: 'ASC' },
        });
        return rows.map((row) => toServiceApi(p, row));
      },
    },
    [`${p}Member`]: {
      __resolveReference: async (reference: { id: string }, { loaders }: SubgraphContext) => {
        const localId = localIdOf(`${p}Member`, reference.id);
        const row = localId === null ? null : await loaders.memberById.load(localId);
        return row ? toMemberApi(p, row) : null;
      },
      subscriptions: async (member: MemberApi, _args: unknown, { loaders }: SubgraphContext) =>
        (await loaders.subscriptionsByMemberId.load(member.localId)).map((row) => toSubscriptionApi(p, row)),
      ...writes.memberFields,
    },
    [`${p}Service`]: {
      __resolveReference: async (reference: { id: string }, { loaders }: SubgraphContext) => {
        const localId = localIdOf(`${p}Service`, reference.id);
        const row = localId === null ? null : await loaders.serviceById.load(localId);
        return row ? toServiceApi(p, row) : null;
      },
      vendor: async (service: ServiceApi, _args: unknown, { loaders }: SubgraphContext) => {
        if (service.vendorId === null) return null;
        const row = await loaders.vendorById.load(service.vendorId);
        return row ? toVendorApi(row) : null;
      },
      subscriberCount: (service: ServiceApi, _args: unknown, { loaders }: SubgraphContext) =>
        loaders.activeSubscriberCountByServiceId.load(service.localId),
    },
    [`${p}Subscription`]: {
      __resolveReference: async (reference: { id: string }, { loaders }: SubgraphContext) => {
        const localId = localIdOf(`${p}Subscription`, reference.id);
        const row = localId === null ? null : await loaders.subscriptionById.load(localId);
        return row ? toSubscriptionApi(p, row) : null;
      },
      member: async (subscription: SubscriptionApi, _args: unknown, { loaders }: SubgraphContext) =>
        toMemberApi(p, (await loaders.memberById.load(subscription.memberId))!),
      service: async (subscription: SubscriptionApi, _args: unknown, { loaders }: SubgraphContext) =>
        toServiceApi(p, (await loaders.serviceById.load(subscription.serviceId))!),
    },
  };
}

/** A Relay connection over one keyset page; `totalCount` is counted only when asked for. */
async function memberConnection(
  prefix: string,
  dataSource: import('typeorm').DataSource,
  query: Parameters<typeof findMemberPage>[1],
) {
  const { rows, hasNextPage } = await findMemberPage(dataSource, query);
  const edges = rows.map((row) => ({
    cursor: encodeMemberCursor({ order: query.order, key: memberSortKey(row, query.order), id: row.id }),
    node: toMemberApi(prefix, row),
  }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    // A function: graphql-js's default resolver calls it, so the count runs only when requested.
    totalCount: () => countMembers(dataSource, query.filter),
    unavailableOperators: [],
  };
}
