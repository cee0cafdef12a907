import { decodeGlobalIdOrThrow, encodeGlobalId } from '../../shared/src/ids/global-id';
import { badUserInput } from '../../shared/src/errors/user-input-error';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { findOperatorByTypeName } from '../../shared/src/operators/operator-registry';
import { departementNameOrThrow, regionNameOrThrow } from '../../shared/src/reference/insee-reference';
import { withOperatorNames, type SubgraphResolverMap } from '../../shared/src/subgraph/template-operator';
import type { Resolvers, ResolversTypes } from './generated/partnership-resolvers.generated';
import { createOperatorClient, type OperatorClientOptions } from './operator-client';
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
export type OperatorApi = ReturnType<typeof toOperatorApi>;

/** An entity the partnership layer only points at: the gateway hydrates it from its owner. */
export interface EntityReference {
  __typename: string;
  id: string;
}

/**
 * Routes a global ID to the type that owns it: returns an entity reference that the gateway
 * hydrates from the owning operator subgraph alone. An ID that does not decode, or names a type
 * no operator owns, is `BAD_USER_INPUT`.
 */
export function nodeReference(id: string, field: string): EntityReference {
  const { typeName } = decodeGlobalIdOrThrow(id, field);
  if (!findOperatorByTypeName(typeName)) throw badUserInput(field, `${JSON.stringify(id)} is not the ID of an object of this API.`);
  return { __typename: typeName, id };
}

export interface PartnershipOptions extends OperatorClientOptions {}

/**
 * The lists, statistics and mutations are built in partnership-lists.ts, partnership-statistics.ts
 * and partnership-mutations.ts with their own, looser types (operators as `unknown`, lazy edge
 * cursors, enum keys as strings), which graphql-js resolves as they are. Until those files take the
 * generated types, a list's or statistic's result is given its field's generated type here, in one place.
 */
const asGenerated = <T>(result: Promise<unknown>) => result as Promise<T>;

/**
 * The partnership subgraph's resolvers, typed by the types generated from its template. The
 * per-operator stubs are written for the stand-in operator and renamed for each operator.
 */
export function createPartnershipResolvers(operators: readonly OperatorDefinition[], options: PartnershipOptions): SubgraphResolverMap {
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

  const shared: Resolvers = {
    // Typed by partnership-mutations.ts's own `Resolver`: an index signature, which the generated
    // `MutationResolvers` does not check (see `asGenerated`).
    Mutation: mutations,
    Query: {
      members: (_root, args, context, info) => asGenerated<ResolversTypes['PartnershipMemberConnection']>(lists.members(args, context, info)),
      services: (_root, args, context, info) => asGenerated<ResolversTypes['ServiceConnection']>(lists.services(args, context, info)),
      search: (_root, args, context, info) => asGenerated<ResolversTypes['SearchConnection']>(lists.search(args, context, info)),
      membersBySiren: (_root, { siren }, context) => lists.membersBySiren(siren, context),
      statistics: (_root, _args, context) => asGenerated<ResolversTypes['Statistics']>(statistics.statistics(context)),
      vendors: (_root, _args, context) => asGenerated<ResolversTypes['VendorUsage'][]>(statistics.vendors(context)),
      operators: () => operatorApis,
      operator: (_root, { code }) => byCode.get(code) ?? null,
      node: (_root, { id }) => resolveNode(id, 'id'),
      nodes: (_root, { ids }) => {
        if (ids.length > MAX_NODES) throw badUserInput('ids', `ids accepts at most ${MAX_NODES} IDs; got ${ids.length}.`);
        return ids.map((id, index) => resolveNode(id, `ids[${index}]`));
      },
    },
  };
  const resolvers: SubgraphResolverMap = {
    ...shared,
    // Entity interfaces: a router may ask for `{ __typename: "Member", id }`; the answer names the
    // concrete type the global ID encodes (Federation's contract for interfaces with @key).
    Node: { __resolveReference: ({ id }: { id: string }) => resolveNode(id, 'id') },
    Member: { __resolveReference: ({ id }: { id: string }) => resolveNode(id, 'id') },
    Service: { __resolveReference: ({ id }: { id: string }) => resolveNode(id, 'id') },
    Operator: { __resolveReference: ({ id }: { id: string }) => byId.get(id) ?? null },
  };
  for (const operator of operators) {
    const api = byCode.get(operator.code)!;
    // The stubs: the partnership layer knows, from the type alone, which operator holds the record.
    const stubs: Resolvers = {
      TemplateOperator: { __resolveReference: (reference) => byId.get(reference.id) ?? null },
      TemplateMember: { __resolveReference: (reference) => reference, operator: () => api },
      TemplateService: { __resolveReference: (reference) => reference, operator: () => api },
      TemplateSubscription: { __resolveReference: (reference) => reference },
    };
    Object.assign(resolvers, withOperatorNames(operator, stubs));
  }
  return resolvers;
}
