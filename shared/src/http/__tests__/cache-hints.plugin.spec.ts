import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { cacheHintsPlugins } from '../cache-hints.plugin';
import { cacheControlHeader, cacheHintOf } from '../graphql-http-client';

/**
 * The subgraphs' Cache-Control rule, on a real Apollo Server (the HTTP side is covered end to end
 * in test/gateway-caching.spec.ts): what each kind of answer says, and that no resolver is wrapped
 * to say it.
 */
const TYPE_DEFS = /* GraphQL */ `
  type Query {
    page: Page
    broken: String
  }
  type Page {
    items: [Item!]!
  }
  type Item {
    name: String!
  }
  type Mutation {
    touch: Boolean
  }
`;

const resolvers: Record<string, Record<string, (source: any) => unknown>> = {
  Query: {
    page: () => ({ items: [{ name: 'a' }, { name: 'b' }] }),
    broken: () => {
      throw new Error('no');
    },
  },
  Item: { name: (item: { name: string }) => item.name },
  Mutation: { touch: () => true },
};

function executableSchema(typeDefs: string) {
  const schema = buildSchema(typeDefs);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const [fieldName, resolve] of Object.entries(fields)) type.getFields()[fieldName].resolve = resolve;
  }
  return schema;
}

const itemNameResolver = (schema: ReturnType<typeof executableSchema>) => (schema.getType('Item') as GraphQLObjectType).getFields().name.resolve;

async function serverWith(maxAge: number, extra: ApolloServerPlugin[] = [], typeDefs = TYPE_DEFS) {
  const schema = executableSchema(typeDefs);
  const server = new ApolloServer({ schema, plugins: [...cacheHintsPlugins(maxAge), ...extra] });
  await server.start();
  return { server, schema };
}

async function cacheControlOf(server: ApolloServer, query: string, authorization?: string): Promise<string | undefined> {
  const headers = new HeaderMap();
  if (authorization) headers.set('authorization', authorization);
  const response = await server.executeOperation({ query, http: { method: 'POST', headers, search: '', body: {} } });
  return response.http.headers.get('cache-control');
}

describe('cacheHintsPlugins', () => {
  it('a query is public for maxAge, private for a caller with a token', async () => {
    const { server } = await serverWith(30);
    expect(await cacheControlOf(server, '{ page { items { name } } }')).toBe('max-age=30, public');
    expect(await cacheControlOf(server, '{ page { items { name } } }', 'Bearer x')).toBe('max-age=30, private');
    await server.stop();
  });

  it('a mutation, an answer with errors, a request that never executed, and maxAge 0 are no-store', async () => {
    const { server } = await serverWith(30);
    expect(await cacheControlOf(server, 'mutation { touch }')).toBe('no-store');
    expect(await cacheControlOf(server, '{ broken }')).toBe('no-store');
    expect(await cacheControlOf(server, '{ nope }')).toBe('no-store'); // fails validation
    expect(await cacheControlOf(server, '{ page {')).toBe('no-store'); // fails parsing
    await server.stop();
    const { server: uncached } = await serverWith(0);
    expect(await cacheControlOf(uncached, '{ page { items { name } } }')).toBe('no-store');
    await uncached.stop();
  });

  it('a policy restricted during execution (as the partnership subgraph does from operator answers) is kept', async () => {
    const restricting: ApolloServerPlugin = {
      async requestDidStart() {
        return {
          async executionDidStart({ overallCachePolicy }) {
            return { async executionDidEnd() { overallCachePolicy.restrict({ maxAge: 10 }); } };
          },
        };
      },
    };
    const { server } = await serverWith(30, [restricting]);
    expect(await cacheControlOf(server, '{ page { items { name } } }')).toBe('max-age=10, public');
    await server.stop();
  });

  it('wraps no resolver: the schema executes with its own field functions', async () => {
    const { server, schema } = await serverWith(30);
    await cacheControlOf(server, '{ page { items { name } } }');
    expect(itemNameResolver(schema)).toBe(resolvers.Item.name);
    await server.stop();
  });

  it('refuses to start on a schema that uses @cacheControl, which it would ignore', async () => {
    const hinted = `directive @cacheControl(maxAge: Int) on FIELD_DEFINITION | OBJECT\n${TYPE_DEFS.replace('type Item {', 'type Item @cacheControl(maxAge: 5) {')}`;
    await expect(serverWith(30, [], hinted)).rejects.toThrow(/type Item uses @cacheControl/);
  });

  it('writes the header the gateway reads back: the same hint, and no-store for nothing cacheable', () => {
    for (const hint of [{ maxAge: 30, scope: 'PUBLIC' }, { maxAge: 5, scope: 'PRIVATE' }] as const) expect(cacheHintOf(cacheControlHeader(hint))).toEqual(hint);
    expect(cacheControlHeader({ maxAge: 0, scope: 'PUBLIC' })).toBe('no-store');
    expect(cacheControlHeader(null)).toBe('no-store');
    expect(cacheHintOf(cacheControlHeader(null))).toEqual({ maxAge: 0 });
  });
});
