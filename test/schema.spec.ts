import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType } from 'graphql';
import { readSupergraphSdl } from '../gateway/src/supergraph-file';
import { composeCommittedFiles, composeSupergraph, ROOT, subgraphSchemaFiles } from '../scripts/schema-files';
import { startAlliance, type Alliance } from './support/alliance';

describe('Schema files: the committed contract is fresh', () => {
  it.each(subgraphSchemaFiles().map((file) => [relative(ROOT, file.path), file] as const))(
    '%s equals a fresh generation (npm run generate)',
    (_path, file) => {
      expect(readFileSync(file.path, 'utf8')).toBe(file.render());
    },
  );

  it('composes without error or hint, and gateway/supergraph.graphql equals a fresh composition (npm run compose)', () => {
    const { supergraphSdl, hints } = composeCommittedFiles();
    expect(hints).toEqual([]);
    expect(readSupergraphSdl()).toBe(supergraphSdl);
  });

  it('fails composition of the shape DESIGN.md warns against (a contract break is caught)', () => {
    const files = subgraphSchemaFiles().map((file) => ({ name: file.name, url: file.url, sdl: file.render() }));
    // A stub field that is not @external makes the partnership layer claim an operator's field.
    files[0].sdl = files[0].sdl.replace('memberCount: Int @external', 'memberCount: Int!');
    expect(() => composeSupergraph(files)).toThrow(/Composition failed/);
  });
});

describe('Schema: the public API as clients see it', () => {
  let alliance: Alliance;
  beforeAll(async () => {
    alliance = await startAlliance();
  });
  afterAll(() => alliance?.close());

  it('describes every type, field, argument and enum value', async () => {
    const { data }: any = await alliance.query('{ _service { sdl } }').catch(() => ({ data: null }));
    expect(data?._service).toBeUndefined(); // subgraph internals are not exposed by the gateway
    const apiSchema = alliance.gateway.gateway.schema!;
    const undocumented: string[] = [];
    const check = (name: string, description: string | null | undefined) => {
      if (!description?.trim()) undocumented.push(name);
    };
    for (const type of Object.values(apiSchema.getTypeMap()) as GraphQLNamedType[]) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of 'args' in field ? field.args : []) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
    expect(undocumented).toEqual([]);
  });

  it('keeps the contract names front-ends rely on', () => {
    const schema = buildSchema(readFileSync(`${ROOT}/gateway/partnership/schema.graphql`, 'utf8').replace(/^extend schema[\s\S]*?\n\n/m, ''), { assumeValidSDL: true });
    expect(schema.getType('OperatorCode')).toBeDefined();
    const api = alliance.gateway.gateway.schema!;
    const query = api.getQueryType()!.getFields();
    expect(Object.keys(query)).toEqual(expect.arrayContaining(['operators', 'operator', 'node', 'nodes']));
    const member = api.getType('Member') as import('graphql').GraphQLInterfaceType;
    expect(Object.keys(member.getFields())).toEqual(
      expect.arrayContaining(['id', 'siren', 'name', 'kind', 'legalCategory', 'inseeCode', 'population', 'departement', 'status', 'joinedAt', 'synthetic', 'operator', 'subscriptions']),
    );
    const operator = api.getType('Operator') as import('graphql').GraphQLInterfaceType;
    expect(Object.keys(operator.getFields())).toEqual(
      expect.arrayContaining(['id', 'code', 'name', 'legalForm', 'region', 'departements', 'memberCount', 'members', 'services']),
    );
    const service = api.getType('Service') as import('graphql').GraphQLInterfaceType;
    expect(Object.keys(service.getFields())).toEqual(
      expect.arrayContaining(['id', 'code', 'name', 'category', 'description', 'vendor', 'product', 'subscriberCount', 'operator']),
    );
    // @inaccessible index fields stay out of the public schema
    expect(Object.keys(query).some((name) => name.endsWith('Operator'))).toBe(false);
  });
});
