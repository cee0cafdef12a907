import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSchema, isObjectType, type GraphQLSchema } from 'graphql';
import { createPartnershipResolvers } from '../gateway/partnership/partnership-resolvers';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { renderOperatorSchema } from '../shared/src/schema/operator-schema.template';
import { renderPartnershipSchema } from '../shared/src/schema/partnership-schema.template';
import { createOperatorResolvers } from '../shared/src/subgraph/operator-resolvers';
import { TEMPLATE_OPERATOR, withOperatorNames, type SubgraphResolverMap } from '../shared/src/subgraph/template-operator';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { codegenTargets } from '../scripts/codegen-config';
import { ROOT } from '../scripts/schema-files';

/** Every `*.generated.ts` in the folders codegen writes to, repository-relative. */
function committedGeneratedFiles(): string[] {
  const folders = [
    'shared/src/generated',
    'gateway/partnership/generated',
    ...readdirSync(resolve(ROOT, 'subgraphs'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `subgraphs/${entry.name}/src/generated`),
  ];
  return folders
    .filter((folder) => existsSync(resolve(ROOT, folder)))
    .flatMap((folder) => readdirSync(resolve(ROOT, folder)).filter((name) => name.endsWith('.generated.ts')).map((name) => join(folder, name)))
    .sort();
}

/** The SDL without its `extend schema @link(…)`, buildable by graphql-js alone. */
const schemaOf = (sdl: string): GraphQLSchema =>
  buildSchema(sdl.replace(/^extend schema[\s\S]*?\n\n/m, ''), { assumeValidSDL: true });

/** Names in a resolver map that the schema does not have: such a resolver would never run. */
function unknownNames(resolvers: SubgraphResolverMap, schema: GraphQLSchema): string[] {
  return Object.entries(resolvers).flatMap(([typeName, fields]) => {
    const type = schema.getType(typeName);
    if (!type) return [typeName];
    if (!isObjectType(type)) return [];
    return Object.keys(fields).filter((field) => !field.startsWith('__') && !type.getFields()[field]).map((field) => `${typeName}.${field}`);
  });
}

describe('Codegen: the committed resolver types are fresh', () => {
  let generated: Map<string, string>;
  beforeAll(() => {
    // In a child process: @graphql-codegen/cli requires ESM-only packages, which Jest cannot load.
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/codegen.ts', '--stdout'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    generated = new Map((JSON.parse(stdout) as { path: string; content: string }[]).map((file) => [file.path, file.content]));
  }, 60_000);

  it.each(codegenTargets().map((target) => [target.path]))('%s equals a fresh generation (npm run codegen)', (path) => {
    const committed = existsSync(resolve(ROOT, path)) ? readFileSync(resolve(ROOT, path), 'utf8') : '(missing)';
    expect(committed).toBe(generated.get(path));
  });

  it('leaves no generated file that codegen no longer writes', () => {
    expect(committedGeneratedFiles()).toEqual(codegenTargets().map((target) => target.path).sort());
  });
});

describe('Codegen: resolvers written for the stand-in operator', () => {
  it("rename to each operator's schema, every type and field of which exists", () => {
    for (const operator of OPERATORS) {
      const { specifics } = loadOperatorModule(operator);
      const schema = schemaOf(renderOperatorSchema(operator, specifics.sdl));
      expect(unknownNames(createOperatorResolvers(operator), schema)).toEqual([]);
      expect(unknownNames(specifics.resolvers ?? {}, schema)).toEqual([]);
    }
    const partnership = createPartnershipResolvers(OPERATORS, { subgraphUrls: {}, timeoutMs: 1000 });
    expect(unknownNames(partnership, schemaOf(renderPartnershipSchema(OPERATORS)))).toEqual([]);
  });

  it('keep the real operator names in the map: the index and mutation fields, the entity types', () => {
    const megalis = OPERATORS.find((operator) => operator.code === 'MEGALIS')!;
    const resolvers = createOperatorResolvers(megalis);
    expect(Object.keys(resolvers).sort()).toEqual(['Date', 'MegalisMember', 'MegalisOperator', 'MegalisService', 'MegalisSubscription', 'Mutation', 'Query']);
    expect(Object.keys(resolvers.Query)).toEqual(expect.arrayContaining(['megalisOperator', 'megalisMemberIndex', 'megalisVendorUsage']));
    expect(Object.keys(resolvers.Mutation)).toEqual(expect.arrayContaining(['megalisRegisterMember', 'megalisRetireService']));
  });

  it('refuses a stand-in name it cannot rename (the template grew one)', () => {
    const p = TEMPLATE_OPERATOR.typePrefix;
    expect(() => withOperatorNames(OPERATORS[0], { [`${p}Contract`]: {} })).toThrow(/does not know how to rename/);
    expect(() => withOperatorNames(OPERATORS[0], { Query: { [`${p.toLowerCase()}Contracts`]: () => [] } })).toThrow(/does not know how to rename/);
  });
});
