import { dirname, relative, resolve } from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { renderOperatorSchema } from '../shared/src/schema/operator-schema.template';
import { renderPartnershipSchema } from '../shared/src/schema/partnership-schema.template';
import { TEMPLATE_OPERATOR } from '../shared/src/subgraph/template-operator';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { ROOT } from './schema-files';

/**
 * Typed resolvers generated from the SDL: `npm run codegen` (scripts/codegen.ts) generates with this
 * configuration, and test/codegen.spec.ts checks that the committed files are fresh. The default
 * export also serves `graphql-codegen --config scripts/codegen-config.ts`, with the same output.
 *
 * - The kernel's resolvers serve every operator, whose types carry its prefix: their types are
 *   generated from the operator template rendered for a stand-in operator (`TemplateMember`, …)
 *   and `withOperatorNames` renames the resolver map to a real operator's.
 * - The partnership subgraph's likewise, its stubs rendered for the stand-in: its generated types do
 *   not depend on the registry, so adding an operator leaves them fresh.
 * - An operator whose specifics add SDL gets its own, from its rendered schema (the text of its
 *   committed schema.graphql), to type the resolvers of its specifics.
 *
 * Parents are the API shapes the resolvers return (mappers), not the schema's object types.
 */

export interface Target {
  /** Repository-relative path of the generated file. */
  path: string;
  /** What the SDL is rendered from, for the header. */
  source: string;
  sdl: () => string;
  /** `path#Type` (repository-relative) of the resolvers' context. */
  context: string;
  /** GraphQL type → `path#Type` (repository-relative) or type expression of the parent its resolvers receive. */
  mappers: Record<string, string>;
  /** GraphQL enum → `path#Type` (repository-relative) that stands for it. */
  enumTypes?: Record<string, string>;
}

const MAPPER_FILE = 'shared/src/subgraph/member.mapper.ts';
const operatorMappers = (prefix: string) => ({
  [`${prefix}Member`]: `${MAPPER_FILE}#MemberApi`,
  [`${prefix}Service`]: `${MAPPER_FILE}#ServiceApi`,
  [`${prefix}Subscription`]: `${MAPPER_FILE}#SubscriptionApi`,
  // An operator's `members` counts only when `totalCount` is selected: graphql-js calls the function.
  MemberConnection: "Omit<{T}, 'totalCount'> & { totalCount: () => Promise<number> }",
});
const SUBGRAPH_CONTEXT = 'shared/src/subgraph/subgraph-context.ts#SubgraphContext';

/** The generated files, in a fixed order. */
export function codegenTargets(): Target[] {
  const p = TEMPLATE_OPERATOR.typePrefix;
  const withSpecifics = OPERATORS.map((operator) => ({ operator, sdl: loadOperatorModule(operator).specifics.sdl })).filter(({ sdl }) => sdl.trim() !== '');
  return [
    {
      path: 'shared/src/generated/operator-resolvers.generated.ts',
      source: `shared/src/schema/operator-schema.template.ts, rendered for the stand-in operator ${p} (shared/src/subgraph/template-operator.ts)`,
      sdl: () => renderOperatorSchema(TEMPLATE_OPERATOR, ''),
      context: SUBGRAPH_CONTEXT,
      mappers: operatorMappers(p),
    },
    {
      path: 'gateway/partnership/generated/partnership-resolvers.generated.ts',
      source: `shared/src/schema/partnership-schema.template.ts, rendered for the stand-in operator ${p} (shared/src/subgraph/template-operator.ts)`,
      sdl: () => renderPartnershipSchema([TEMPLATE_OPERATOR]),
      context: 'gateway/partnership/partnership-context.ts#PartnershipContext',
      mappers: {
        [`${p}Operator`]: 'gateway/partnership/partnership-resolvers.ts#OperatorApi',
        [`${p}Member`]: 'gateway/partnership/partnership-resolvers.ts#EntityReference',
        [`${p}Service`]: 'gateway/partnership/partnership-resolvers.ts#EntityReference',
        [`${p}Subscription`]: 'gateway/partnership/partnership-resolvers.ts#EntityReference',
      },
      enumTypes: { OperatorCode: 'shared/src/subgraph/template-operator.ts#OperatorCode' },
    },
    ...withSpecifics.map(({ operator, sdl }) => ({
      path: `subgraphs/${operator.slug}/src/generated/${operator.slug}-resolvers.generated.ts`,
      source: `subgraphs/${operator.slug}/schema.graphql (shared/src/schema/operator-schema.template.ts and subgraphs/${operator.slug}/src/${operator.slug}.module.ts)`,
      sdl: () => renderOperatorSchema(operator, sdl),
      context: SUBGRAPH_CONTEXT,
      mappers: operatorMappers(operator.typePrefix),
    })),
  ];
}

/** `path#Type` relative to the repository → relative to the generated file, without `.ts`; a type expression as it is. */
function importFrom(target: Target, pointer: string): string {
  if (!pointer.includes('#')) return pointer;
  const [file, type] = pointer.split('#');
  let path = relative(dirname(resolve(ROOT, target.path)), resolve(ROOT, file)).replace(/\\/g, '/').replace(/\.ts$/, '');
  if (!path.startsWith('.')) path = `./${path}`;
  return `${path}#${type}`;
}

const importsFrom = (target: Target, pointers: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(pointers).map(([name, pointer]) => [name, importFrom(target, pointer)]));

/** The codegen configuration: one output per target, each with its SDL as an in-memory schema. */
export function codegenConfig(targets = codegenTargets()): CodegenConfig {
  return {
    silent: true,
    generates: Object.fromEntries(
      targets.map((target) => [
        target.path,
        {
          schema: target.sdl(),
          plugins: ['typescript', 'typescript-resolvers'],
          config: {
            federation: true,
            // The SDL links Federation 2 (`@link`); codegen's Federation 1 definitions would add a stray `_FieldSet`.
            disableFederationDirectiveAndScalarInjection: true,
            contextType: importFrom(target, target.context),
            mappers: importsFrom(target, target.mappers),
            enumValues: importsFrom(target, target.enumTypes),
            enumsAsTypes: true,
            // graphql-js fills defaults in before a resolver runs: a field with one is never missing.
            avoidOptionals: { defaultValue: true },
            scalars: { Date: 'string' },
            useTypeImports: true,
            // A mapper with a placeholder ({T}) counts as unused: the warning would be noise.
            showUnusedMappers: false,
          },
        },
      ]),
    ),
    hooks: { beforeOneFileWrite: (path: string, content: string) => finishGeneratedFile(targets, path, content) },
  };
}

/** The header, and a stable layout: no trailing spaces, no runs of blank lines, one final newline. */
export function finishGeneratedFile(targets: Target[], path: string, content: string): string {
  const target = targets.find((t) => resolve(ROOT, t.path) === resolve(ROOT, path));
  const header = `// Generated by \`npm run codegen\` (scripts/codegen-config.ts) from ${target?.source ?? 'the SDL'}.\n// Do not edit: edit the SDL or the codegen configuration and regenerate.\n\n`;
  const body = content
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return `${header}${body}\n`;
}

export default codegenConfig();
