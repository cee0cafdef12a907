import { IsNull } from 'typeorm';
import { ServiceEntity } from '../database/entities';
import { countMembers, findMemberPage, memberSortKey } from '../directory/member-list';
import { parseMemberFilterOrThrow } from '../directory/member-filter';
import type { Resolvers } from '../generated/operator-resolvers.generated';
import { encodeGlobalId, tryDecodeGlobalId } from '../ids/global-id';
import type { OperatorDefinition } from '../operators/operator-definition';
import { decodeMemberCursorOrThrow, DEFAULT_MEMBER_ORDER, encodeMemberCursor } from '../pagination/member-cursor';
import { pageSizeOrThrow } from '../pagination/page-args';
import { DateScalar } from '../schema/date-scalar';
import { toMemberApi, toServiceApi, toSubscriptionApi, toVendorApi } from './member.mapper';
import { createIndexResolvers } from './index-resolvers';
import { withOperatorNames, type SubgraphResolverMap } from './template-operator';
import { createWriteResolvers } from './write-resolvers';

/** The local numeric key of a global ID of this type, or null when the ID is not of it. */
export function localIdOf(typeName: string, id: string): number | null {
  const decoded = tryDecodeGlobalId(id);
  if (!decoded || decoded.typeName !== typeName || !/^[0-9]+$/.test(decoded.localId)) return null;
  const localId = Number(decoded.localId);
  return Number.isSafeInteger(localId) && localId <= 2_147_483_647 ? localId : null;
}

/**
 * The resolvers of the template's types, for one operator: written and typed for the stand-in
 * operator's names (generated from the template), renamed to `operator`'s by `withOperatorNames`.
 */
export function createOperatorResolvers(operator: OperatorDefinition): SubgraphResolverMap {
  const p = operator.typePrefix;
  const operatorId = encodeGlobalId(`${p}Operator`, operator.code);
  const operatorRef = { id: operatorId };
  const writes = createWriteResolvers(operator);

  const resolvers: Resolvers = {
    Date: DateScalar,
    Query: {
      templateOperator: () => operatorRef,
      ...createIndexResolvers(operator),
    },
    Mutation: writes.Mutation,
    TemplateOperator: {
      __resolveReference: (reference) => (reference.id === operatorId ? operatorRef : null),
      memberCount: (_parent, _args, { dataSource }) => countMembers(dataSource, {}),
      members: (_parent, args, { dataSource }) => {
        const order = args.orderBy ?? DEFAULT_MEMBER_ORDER;
        const first = pageSizeOrThrow(args.first);
        const filter = parseMemberFilterOrThrow(args.filter);
        const after = args.after == null ? null : decodeMemberCursorOrThrow(args.after, order);
        return memberConnection(p, dataSource, { filter, order, first, after });
      },
      services: async (_parent, _args, { dataSource }) => {
        const rows = await dataSource.getRepository(ServiceEntity).find({
          where: { retiredAt: IsNull() },
          order: { category: 'ASC', code: 'ASC' },
        });
        return rows.map((row) => toServiceApi(p, row));
      },
    },
    TemplateMember: {
      __resolveReference: async (reference, { loaders }) => {
        const localId = localIdOf(`${p}Member`, reference.id);
        const row = localId === null ? null : await loaders.memberById.load(localId);
        return row ? toMemberApi(p, row) : null;
      },
      subscriptions: async (member, _args, { loaders }) =>
        (await loaders.subscriptionsByMemberId.load(member.localId)).map((row) => toSubscriptionApi(p, row)),
      ...writes.memberFields,
    },
    TemplateService: {
      __resolveReference: async (reference, { loaders }) => {
        const localId = localIdOf(`${p}Service`, reference.id);
        const row = localId === null ? null : await loaders.serviceById.load(localId);
        return row ? toServiceApi(p, row) : null;
      },
      vendor: async (service, _args, { loaders }) => {
        if (service.vendorId === null) return null;
        const row = await loaders.vendorById.load(service.vendorId);
        return row ? toVendorApi(row) : null;
      },
      subscriberCount: (service, _args, { loaders }) =>
        loaders.activeSubscriberCountByServiceId.load(service.localId),
    },
    TemplateSubscription: {
      __resolveReference: async (reference, { loaders }) => {
        const localId = localIdOf(`${p}Subscription`, reference.id);
        const row = localId === null ? null : await loaders.subscriptionById.load(localId);
        return row ? toSubscriptionApi(p, row) : null;
      },
      member: async (subscription, _args, { loaders }) =>
        toMemberApi(p, (await loaders.memberById.load(subscription.memberId))!),
      service: async (subscription, _args, { loaders }) =>
        toServiceApi(p, (await loaders.serviceById.load(subscription.serviceId))!),
    },
  };
  return withOperatorNames(operator, resolvers);
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
