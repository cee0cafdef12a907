import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { renderPartnershipSchema } from '../../shared/src/schema/partnership-schema.template';
import { createPartnershipResolvers, type PartnershipOptions } from './partnership-resolvers';

/** The partnership subgraph's executable schema (no database: registry data only). */
export function buildPartnershipSchema(operators: readonly OperatorDefinition[], options: PartnershipOptions): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(renderPartnershipSchema(operators)),
    resolvers: createPartnershipResolvers(operators, options),
  });
}
