import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { GraphQLHttpClient } from '../../../shared/src/http/graphql-http-client';
import type { GatewayContext } from '../gateway-context';
import { OperatorDataSource } from '../operator-data-source';
import { PartnershipDataSource } from '../partnership-data-source';

/**
 * What a request gets when it shares another's subgraph read (in-flight deduplication): an answer
 * of its own, equal to what the subgraph sent, with its errors whole (code, field, path). Apollo
 * Gateway merges a fetch's data into the request's result in place, so a copy must not come from
 * an object another request already holds.
 */
// A call outside a client's request (no cache policy to restrict); `kind` as Apollo Gateway writes it.
const options = (query: string): GraphQLDataSourceProcessOptions<GatewayContext> =>
  ({ kind: 'health check', request: { query }, context: {} }) as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;

type Answer = { data?: any; errors?: any[] };

describe('PartnershipDataSource: sharers of an in-process execution', () => {
  let release: () => void = () => undefined;
  let executions = 0;
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        greeting: {
          type: GraphQLString,
          resolve: async () => {
            executions++;
            await new Promise<void>((done) => (release = done));
            return 'bonjour';
          },
        },
        refused: {
          type: GraphQLString,
          resolve: async () => {
            await new Promise<void>((done) => setImmediate(done));
            throw new GraphQLError('text must contain at least 2 letters or digits.', { extensions: { code: 'BAD_USER_INPUT', field: 'text' } });
          },
        },
      },
    }),
  });

  it('gives every sharer the errors as a subgraph sends them: message, path and extensions', async () => {
    executions = 0;
    const source = new PartnershipDataSource(schema);
    const query = '{ greeting refused }';
    const answers = Promise.all(Array.from({ length: 3 }, () => source.process(options(query)) as Promise<Answer>));
    await new Promise<void>((done) => setImmediate(done));
    release();
    const [first, ...others] = await answers;
    expect(executions).toBe(1);
    const expected = {
      data: { greeting: 'bonjour', refused: null },
      errors: [{ message: 'text must contain at least 2 letters or digits.', locations: [{ line: 1, column: 12 }], path: ['refused'], extensions: { code: 'BAD_USER_INPUT', field: 'text' } }],
    };
    for (const answer of [first, ...others]) expect(JSON.parse(JSON.stringify(answer))).toEqual(expected);
    // Each its own: a change to one answer is not seen in another.
    first.data.greeting = 'changed';
    for (const answer of others) expect(answer.data.greeting).toBe('bonjour');
  });
});

describe('OperatorDataSource: sharers of a subgraph call', () => {
  let server: Server;
  let url: string;
  let calls = 0;
  let client: GraphQLHttpClient;
  const body = { data: { operator: { name: 'Mégalis Bretagne' } }, errors: [{ message: 'partial', path: ['operator', 'members'], extensions: { code: 'OPERATOR_UNAVAILABLE', operator: 'MEGALIS' } }] };

  beforeAll(async () => {
    server = createServer((request, response) => {
      calls++;
      request.resume();
      request.on('end', () => setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), 50));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    client = new GraphQLHttpClient({ timeoutMs: 5_000, apq: false });
  });

  afterAll(async () => {
    await client.close();
    await new Promise((done) => server.close(done));
  });

  it('gives every sharer its own copy of what the subgraph sent, even when the first caller changed its own at once', async () => {
    calls = 0;
    const source = new OperatorDataSource('MEGALIS', url, { client, timeoutMs: 5_000 });
    const query = '{ operator { name } }';
    const first = (source.process(options(query)) as Promise<Answer>).then((answer) => {
      // What Apollo Gateway does to a fetch's data: merges more into it as soon as it has it.
      answer.data.operator.members = ['merged by the first request'];
      return answer;
    });
    const others = Array.from({ length: 3 }, () => source.process(options(query)) as Promise<Answer>);
    const answers = await Promise.all(others);
    expect(calls).toBe(1);
    for (const answer of answers) expect(answer).toEqual(body);
    expect((await first).data.operator.members).toEqual(['merged by the first request']);
  });
});
