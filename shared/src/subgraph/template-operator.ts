import type { GraphQLSchemaModule } from '@apollo/subgraph/dist/schema-helper';
import type { OperatorDefinition } from '../operators/operator-definition';
import { ENTITY_SUFFIXES } from '../operators/operator-registry';
import { indexFieldNames, mutationFieldNames } from '../schema/index-fields';

/**
 * The stand-in operator that the schema templates are rendered for when resolver types are
 * generated (`npm run codegen`): its prefix gives `TemplateMember`, `templateMemberIndex`, … Kernel
 * resolvers are written against these names, typed by the generated types, and renamed to a real
 * operator's by `withOperatorNames` where the resolver map is assembled.
 */
export const TEMPLATE_OPERATOR: OperatorDefinition = {
  code: 'TEMPLATE',
  slug: 'template',
  typePrefix: 'Template',
  name: 'this operator',
  legalForm: '',
  siren: null,
  seat: '',
  website: null,
  regionCode: '',
  departementCodes: [],
  defaultPort: 0,
  databaseName: '',
  seed: null,
};

/**
 * An operator's code. The registry holds the codes, so code takes it as a string; the generated
 * types map the `OperatorCode` enum (rendered with the stand-in's code only) to this.
 */
export type OperatorCode = OperatorDefinition['code'];

/** A resolver map as `buildSubgraphSchema` takes it. The generated `Resolvers` types are assignable to it. */
export type SubgraphResolverMap = NonNullable<GraphQLSchemaModule['resolvers']>;

/**
 * The resolver map written for the stand-in operator, with its names replaced by this operator's:
 * the per-operator types (`TemplateMember` → `MegalisMember`) and the root fields named after the
 * prefix (`templateMemberIndex` → `megalisMemberIndex`). Other names are shared and kept.
 */
export function withOperatorNames(operator: OperatorDefinition, resolvers: SubgraphResolverMap): SubgraphResolverMap {
  const typeNames = new Map(ENTITY_SUFFIXES.map((suffix) => [`${TEMPLATE_OPERATOR.typePrefix}${suffix}`, `${operator.typePrefix}${suffix}`]));
  const rootFieldNames = new Map([
    ...correspondingValues(indexFieldNames(TEMPLATE_OPERATOR), indexFieldNames(operator)),
    ...correspondingValues(mutationFieldNames(TEMPLATE_OPERATOR), mutationFieldNames(operator)),
  ]);
  const renamed: SubgraphResolverMap = {};
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    renamed[renamedOrThrow(typeNames, typeName, TEMPLATE_OPERATOR.typePrefix)] =
      typeName === 'Query' || typeName === 'Mutation'
        ? Object.fromEntries(Object.entries(typeResolvers).map(([field, resolver]) => [renamedOrThrow(rootFieldNames, field, TEMPLATE_ROOT_FIELD_PREFIX), resolver]))
        : typeResolvers;
  }
  return renamed;
}

function correspondingValues<K extends string>(template: Record<K, string>, real: Record<K, string>): [string, string][] {
  return (Object.keys(template) as K[]).map((key) => [template[key], real[key]]);
}

/** `templateMemberIndex`, `templateRegisterMember`, …: the prefix as `index-fields.ts` writes it. */
const TEMPLATE_ROOT_FIELD_PREFIX = indexFieldNames(TEMPLATE_OPERATOR).operator.replace(/Operator$/, '');

/** A stand-in name left unrenamed would silently never resolve: the template grew a name this helper does not know. */
function renamedOrThrow(names: Map<string, string>, name: string, templatePrefix: string): string {
  const renamed = names.get(name);
  if (renamed !== undefined) return renamed;
  if (name.startsWith(templatePrefix)) throw new Error(`withOperatorNames does not know how to rename ${JSON.stringify(name)}`);
  return name;
}
