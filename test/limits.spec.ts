import { EXAMPLE_OPERATIONS } from '../examples/example-operations';
import { readGatewayConfig } from '../gateway/src/gateway-config';
import type { GatewayServer } from '../gateway/src/gateway-server';
import type { RunningHttpServer } from '../shared/src/http/http-server';
import { DEFAULT_REQUEST_LIMITS } from '../shared/src/http/request-limits';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { startAlliance, type Alliance, type GraphQLResponse } from './support/alliance';

/**
 * Request limits (issue 5, item 1): depth, aliases, directives, tokens and cost (graphql-armor),
 * body size and batching, on the real gateway over real subgraphs. Every refusal is a 4xx with a
 * GraphQL error and a code, decided before any subgraph is called; every real operation passes.
 */

let alliance: Alliance;
/** A second gateway over the same subgraphs, with small limits set through the environment. */
let strict: { server: GatewayServer; http: RunningHttpServer };

const STRICT_ENV = {
  MAX_QUERY_DEPTH: '4',
  MAX_QUERY_ALIASES: '2',
  MAX_QUERY_DIRECTIVES: '2',
  MAX_QUERY_TOKENS: '30',
  MAX_QUERY_COST: '500',
  MAX_BODY_BYTES: '2000',
};

beforeAll(async () => {
  alliance = await startAlliance();
  strict = await alliance.startGateway({ NODE_ENV: 'test', ...STRICT_ENV });
});

afterAll(async () => {
  await alliance?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: GraphQLResponse;
}

async function send(url: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.text();
  let parsed: GraphQLResponse;
  try {
    parsed = JSON.parse(text) as GraphQLResponse;
  } catch {
    throw new Error(`not JSON (HTTP ${response.status}): ${text.slice(0, 300)}`);
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const post = (query: string, variables?: Record<string, unknown>, url = alliance.gatewayUrl) => send(url, JSON.stringify({ query, variables }));

/** A refusal: HTTP 400, no data, one error with the code and a message matching `message`. */
function expectRefused(answer: Answer, message: RegExp, code = 'GRAPHQL_VALIDATION_FAILED'): void {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code }) })]);
}

/** Runs `request` and checks that no subgraph sent any SQL meanwhile (refused before planning). */
async function withoutSql<T>(request: () => Promise<T>): Promise<T> {
  const before = await alliance.sqlStatements();
  const result = await request();
  expect(await alliance.sqlStatements()).toBe(before);
  return result;
}

/** `{ operators { members(first: 1) { nodes { operator { … } } } } }`, `levels` fields deep. */
function nested(levels: number): string {
  const path = ['operators', 'members(first: 1)', 'nodes', 'operator', 'members(first: 1)', 'nodes', 'operator', 'members(first: 1)', 'nodes', 'operator', 'members(first: 1)', 'nodes'];
  const parent = path[levels - 2];
  const leaf = parent.startsWith('operator') ? 'code' : parent === 'nodes' ? 'name' : 'totalCount';
  let query = leaf;
  for (let level = levels - 2; level >= 0; level -= 1) query = `${path[level]} { ${query} }`;
  return `{ ${query} }`;
}

/** Ten levels deep with `vendor { name }` as `tail`: vendors › operators › members › edges › node › coveringEpci › subscriptions › service › …. */
const deep = (tail: string) =>
  `{ vendors { operators { members(first: 2, filter: { kinds: [COMMUNE] }) { edges { node { ... on MegalisMember { coveringEpci { subscriptions { service { ${tail} } } } } } } } } } }`;

describe('Limits: every real operation passes under the default limits', () => {
  it.each(EXAMPLE_OPERATIONS.map((operation) => [operation.name, operation] as const))('example operation %s', async (_name, operation) => {
    const answer = await post(operation.query, operation.variables);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('a 500-row page of the richest example operation passes (cost below the limit)', async () => {
    const operation = EXAMPLE_OPERATIONS.find((candidate) => candidate.name === 'OperatorDirectory')!;
    const answer = await post(operation.query, { code: 'MEGALIS', first: 500 });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.operator.members.nodes).toHaveLength(500);
  });

  it('a members(first: 500) walk passes, with the page size as a literal and as a variable', async () => {
    const literal = await post('{ members(first: 500, orderBy: { field: NAME }) { pageInfo { hasNextPage endCursor } nodes { id name operator { code } } } }');
    expect(literal.body.errors).toBeUndefined();
    expect(literal.body.data!.members.nodes).toHaveLength(500);
    const variable = await post(
      'query($first: Int, $after: String) { members(first: $first, after: $after) { pageInfo { hasNextPage } nodes { id } } }',
      { first: 500, after: literal.body.data!.members.pageInfo.endCursor },
    );
    expect(variable.body.errors).toBeUndefined();
    expect(variable.body.data!.members.nodes).toHaveLength(500);
  });

  it('a query 10 levels deep (the limit) passes', async () => {
    const answer = await post(deep('vendor { name }'));
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(JSON.stringify(answer.body.data)).toContain('"vendor":{"name":');
  });
});

describe('Limits: hostile documents are refused with 400 before any subgraph is called', () => {
  it('depth: one level more than the limit', async () => {
    expect(DEFAULT_REQUEST_LIMITS.maxDepth).toBe(10);
    const answer = await withoutSql(() => post(deep('operator { region { name } }')));
    expectRefused(answer, /^Query depth limit of 10 exceeded, found 11\.$/);
  });

  it('depth: fragments do not hide levels', async () => {
    const answer = await withoutSql(() =>
      post(`query { ...Q }
        fragment Q on Query { operators { ...O } }
        fragment O on Operator { members(first: 1) { nodes { ...M } } }
        fragment M on Member { operator { ...O2 } }
        fragment O2 on Operator { members(first: 1) { nodes { operator { members(first: 1) { nodes { operator { members(first: 1) { nodes { id } } } } } } } } }`),
    );
    expectRefused(answer, /^Query depth limit of \d+ exceeded/);
  });

  it('aliases: an alias bomb, and aliases multiplied by fragment spreads', async () => {
    const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: name`).join(' ');
    const ok = await post(`{ operator(code: MEGALIS) { ${aliases(DEFAULT_REQUEST_LIMITS.maxAliases)} } }`);
    expect(ok.body.errors).toBeUndefined();
    expectRefused(await withoutSql(() => post(`{ operator(code: MEGALIS) { ${aliases(DEFAULT_REQUEST_LIMITS.maxAliases + 1)} } }`)), /^Aliases limit of 15 exceeded, found 16\.$/);
    const spread = await withoutSql(() => post(`{ operator(code: MEGALIS) { ...A ...A2 } } fragment A on Operator { ${aliases(10)} } fragment A2 on Operator { ...A }`));
    expectRefused(spread, /^Aliases limit of 15 exceeded, found 20\.$/);
  });

  it('directives: more directives than the limit', async () => {
    const fields = (count: number) => Array.from({ length: count }, () => 'name @include(if: true)').join(' ');
    const ok = await post(`{ operator(code: MEGALIS) { ${fields(DEFAULT_REQUEST_LIMITS.maxDirectives)} } }`);
    expect(ok.body.errors).toBeUndefined();
    const answer = await withoutSql(() => post(`{ operator(code: MEGALIS) { ${fields(DEFAULT_REQUEST_LIMITS.maxDirectives + 1)} } }`));
    expectRefused(answer, /^Directives limit of 50 exceeded, found 51\.$/);
  });

  it('tokens: a document longer than the limit is refused while parsing (400, not 500)', async () => {
    const answer = await withoutSql(() => post(`{ operators { ${'code '.repeat(DEFAULT_REQUEST_LIMITS.maxTokens)} } }`));
    expectRefused(answer, /^Token limit of 1000 exceeded\.$/);
    // The server stays healthy: the next request is served.
    expect((await post('{ operators { code } }')).body.data!.operators).toHaveLength(3);
  });

  it('cost: nested 500-row pages, given as literals', async () => {
    const answer = await withoutSql(() => post('{ members(first: 500) { nodes { operator { members(first: 500) { nodes { id } } } } } }'));
    expectRefused(answer, /^Query Cost limit of 100000 exceeded, found [\d.]+\.$/);
  });

  it('cost: page sizes given as variables weigh the same (and small ones pass)', async () => {
    const query = 'query($outer: Int, $inner: Int) { members(first: $outer) { nodes { operator { members(first: $inner) { nodes { id } } } } } }';
    expectRefused(await withoutSql(() => post(query, { outer: 500, inner: 500 })), /^Query Cost limit of 100000 exceeded/);
    const small = await post(query, { outer: 5, inner: 5 });
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data!.members.nodes).toHaveLength(5);
    // Verdicts are kept per page sizes: the same document with large ones is still refused.
    expectRefused(await withoutSql(() => post(query, { outer: 500, inner: 400 })), /^Query Cost limit of 100000 exceeded/);
    // A variable's default value weighs too.
    const defaults = 'query($outer: Int = 500, $inner: Int = 500) { members(first: $outer) { nodes { operator { members(first: $inner) { nodes { id } } } } } }';
    expectRefused(await withoutSql(() => post(defaults)), /^Query Cost limit of 100000 exceeded/);
  });

  it('cost: a page size beyond what the resolvers accept stays their BAD_USER_INPUT naming the argument', async () => {
    const answer = await post('{ operator(code: MEGALIS) { members(first: 100000) { totalCount } } }');
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'first' }) })]);
  });

  it('batching: a JSON array body is refused with 400 and a message that says so', async () => {
    const answer = await withoutSql(() => send(alliance.gatewayUrl, JSON.stringify([{ query: '{ operators { code } }' }, { query: '{ operators { code } }' }])));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/batching/i), extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) })]);
  });
});

describe('Limits: request body size', () => {
  const padded = (bytes: number) => {
    const base = JSON.stringify({ query: '{ operators { code } }', extensions: { pad: '' } });
    return JSON.stringify({ query: '{ operators { code } }', extensions: { pad: 'x'.repeat(bytes - base.length) } });
  };

  it('a body of 1 MB passes, one byte more is 413 (declared length)', async () => {
    const exact = padded(1_000_000);
    expect(Buffer.byteLength(exact)).toBe(1_000_000);
    const ok = await send(alliance.gatewayUrl, exact);
    expect(ok.status).toBe(200);
    expect(ok.body.data!.operators).toHaveLength(3);
    const over = await send(alliance.gatewayUrl, padded(1_000_001));
    expect(over.status).toBe(413);
    expect(over.body.errors).toEqual([{ message: 'Request body too large: the limit is 1000000 bytes', extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('a streamed body with no declared length is cut at the limit: 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2_000_000) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(alliance.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('MAX_BODY_BYTES sets the limit', async () => {
    expect((await send(strict.http.url, padded(2000))).status).toBe(200);
    const over = await send(strict.http.url, padded(2001));
    expect(over.status).toBe(413);
    expect(over.body.errors![0].message).toBe('Request body too large: the limit is 2000 bytes');
  });
});

describe('Limits: configured through the environment', () => {
  it('MAX_QUERY_DEPTH, MAX_QUERY_ALIASES, MAX_QUERY_DIRECTIVES, MAX_QUERY_TOKENS and MAX_QUERY_COST set the limits', async () => {
    const url = strict.http.url;
    expect((await post(nested(4), undefined, url)).body.errors).toBeUndefined();
    expectRefused(await post(nested(5), undefined, url), /^Query depth limit of 4 exceeded, found 5\.$/);
    expectRefused(await post('{ operators { a: code b: code c: code } }', undefined, url), /^Aliases limit of 2 exceeded, found 3\.$/);
    expectRefused(await post('{ operators { code @include(if: true) name @include(if: true) memberCount @skip(if: false) } }', undefined, url), /^Directives limit of 2 exceeded/);
    expectRefused(await post(`{ operators { ${'code '.repeat(30)} } }`, undefined, url), /^Token limit of 30 exceeded\.$/);
    expect((await post('{ operator(code: MEGALIS) { members(first: 10) { nodes { id } } } }', undefined, url)).body.errors).toBeUndefined();
    expectRefused(await post('{ operator(code: MEGALIS) { members(first: 100) { nodes { id } } } }', undefined, url), /^Query Cost limit of 500 exceeded/);
  });

  it('reads the defaults when nothing is set', () => {
    const config = readGatewayConfig(OPERATORS, { NODE_ENV: 'test' });
    expect(config.requestLimits).toEqual({ ...DEFAULT_REQUEST_LIMITS, fieldSuggestions: true });
    expect(config.maxBodyBytes).toBe(1_000_000);
  });

  it.each([
    ['MAX_QUERY_DEPTH', 'deep'],
    ['MAX_QUERY_ALIASES', '-1'],
    ['MAX_QUERY_DIRECTIVES', '1.5'],
    ['MAX_QUERY_TOKENS', '0'],
    ['MAX_QUERY_COST', '1e6'],
    ['MAX_BODY_BYTES', '1MB'],
    ['FIELD_SUGGESTIONS', 'maybe'],
  ])('a bad %s stops the start with a message naming it', (name, value) => {
    expect(() => readGatewayConfig(OPERATORS, { [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});
