import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { decodeGlobalIdOrThrow, encodeGlobalId } from '../../shared/src/ids/global-id';
import { badUserInput } from '../../shared/src/errors/user-input-error';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { ENTITY_SUFFIXES, findOperatorByTypeName } from '../../shared/src/operators/operator-registry';
import { departementNameOrThrow, regionNameOrThrow } from '../../shared/src/reference/insee-reference';
import type { GraphQLResolveInfo } from 'graphql';
import { createOperatorClient, type OperatorClientOptions } from './operator-client';
import type { PartnershipContext } from './partnership-context';
import { createPartnershipLists } from './partnership-lists';
import { createPartnershipStatistics } from './partnership-statistics';
import { createPartnershipMutations } from './partnership-mutations';

export const MAX_NODES = 100;

/** An operator as the partnership layer serves it: static registry data. */
export function toOperatorApi(operator: OperatorDefinition) {
  return {
    __typename: `${operator.typePrefix}Operator`,
    id: encodeGlobalId(`${operator.typePrefix}Operator`, operator.code),
    code: operator.code,
    name: operator.name,
    legalForm: operator.legalForm,
    siren: operator.siren,
    seat: operator.seat,
    website: operator.website,
    region: { code: operator.regionCode, name: regionNameOrThrow(operator.regionCode) },
    departements: operator.departementCodes.map((code) => ({ code, name: departementNameOrThrow(code) })),
  };
}

/**
 * Routes a global ID to the type that owns it: returns an entity reference that the gateway
 * hydrates from the owning operator subgraph alone. An ID that does not decode, or names a type
 * no operator owns, is `BAD_USER_INPUT`.
 */
export function nodeReference(id: string, field: string): { __typename: string; id: string } {
  const { typeName } = decodeGlobalIdOrThrow(id, field);
  if (!findOperatorByTypeName(typeName)) throw badUserInput(field, `${JSON.stringify(id)} is not the ID of an object of this API.`);
  return { __typename: typeName, id };
}

export interface PartnershipOptions extends OperatorClientOptions {}

export function createPartnershipResolvers(operators: readonly OperatorDefinition[], options: PartnershipOptions): GraphQLResolverMap<PartnershipContext> {
  const operatorApis = operators.map(toOperatorApi);
  const callOperator = createOperatorClient(options);
  const lists = createPartnershipLists(operators, callOperator, toOperatorApi);
  const statistics = createPartnershipStatistics(operators, callOperator, toOperatorApi);
  const mutations = createPartnershipMutations(operators, callOperator);
  const byId = new Map(operatorApis.map((api) => [api.id, api]));
  const byCode = new Map(operatorApis.map((api) => [api.code, api]));
  // Operators are the partnership layer's own data; every other node is hydrated by its owner.
  const resolveNode = (id: string, field: string) => {
    const reference = nodeReference(id, field);
    return reference.__typename.endsWith('Operator') ? (byId.get(id) ?? null) : reference;
  };

  const resolvers: GraphQLResolverMap<PartnershipContext> = {
    Mutation: mutations,
    Query: {
      members: (_root: unknown, args: Parameters<typeof lists.members>[0], context: PartnershipContext, info: GraphQLResolveInfo) =>
        lists.members(args, context, info),
      services: (_root: unknown, args: Parameters<typeof lists.services>[0], context: PartnershipContext, info: GraphQLResolveInfo) =>
        lists.services(args, context, info),
      search: (_root: unknown, args: Parameters<typeof lists.search>[0], context: PartnershipContext, info: GraphQLResolveInfo) =>
        lists.search(args, context, info),
      membersBySiren: (_root: unknown, { siren }: { siren: string }, context: PartnershipContext) => lists.membersBySiren(siren, context),
      statistics: (_root: unknown, _args: unknown, context: PartnershipContext) => statistics.statistics(context),
      vendors: (_root: unknown, _args: unknown, context: PartnershipContext) => statistics.vendors(context),
      operators: () => operatorApis,
      operator: (_root: unknown, { code }: { code: string }) => byCode.get(code) ?? null,
      node: (_root: unknown, { id }: { id: string }) => resolveNode(id, 'id'),
      nodes: (_root: unknown, { ids }: { ids: string[] }) => {
        if (ids.length > MAX_NODES) throw badUserInput('ids', `ids accepts at most ${MAX_NODES} IDs; got ${ids.length}.`);
        return ids.map((id, index) => resolveNode(id, `ids[${index}]`));
      },
    },
  };
  // Entity interfaces: a router may ask for `{ __typename: "Member", id }`; answer with the
  // concrete type the global ID names (Federation's contract for interfaces with @key).
  for (const name of ['Node', 'Member', 'Service']) {
    resolvers[name] = { __resolveReference: ({ id }: { id: string }) => resolveNode(id, 'id') };
  }
  resolvers.Operator = { __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null };
  for (const operator of operators) {
    const api = byCode.get(operator.code)!;
    const p = operator.typePrefix;
    resolvers[`${p}Operator`] = {
      __resolveReference: (reference: { id: string }) => byId.get(reference.id) ?? null,
    };
    // The stubs: the partnership layer knows, from the type alone, which operator holds the record.
    for (const suffix of ENTITY_SUFFIXES.filter((s) => s !== 'Operator')) {
      resolvers[`${p}${suffix}`] = {
        __resolveReference: (reference: { id: string }) => reference,
        ...(suffix === 'Subscription' ? {} : { operator: () => api }),
      };
    }
  }
  return resolvers;
}
