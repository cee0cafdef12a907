import { createHash } from 'node:crypto';
import { readGatewayConfig } from '../gateway/src/gateway-config';
import { createResponseCache } from '../gateway/src/response-cache';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { startOperatorSubgraph } from '../shared/src/testing/operator-subgraph-harness';
import { signTestToken } from '../shared/src/testing/test-auth';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { findOperator } from '../shared/src/operators/operator-registry';
import { startAlliance, type Alliance } from './support/alliance';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';

/**
 * Cache hints, the gateway's response cache for anonymous reads, and automatic persisted queries
 * (clients → gateway, gateway → subgraphs). Everything real: subgraphs with `CACHE_MAX_AGE=30`,
 * the gateway with its default response cache, a recording HTTP hop in front of MEGALIS.
 */
const MAX_AGE = 30;
let alliance: Alliance;
let megalisHop: RecordingProxy;

beforeAll(async () => {
  megalisHop = await startRecordingProxy('http://127.0.0.1:9/unset');
  alliance = await startAlliance({
    isolated: true,
    cacheMaxAgeSeconds: MAX_AGE,
    subgraphUrlFor: (code, url) => {
      if (code !== 'MEGALIS') return url;
      megalisHop.target = url;
      return megalisHop.url;
    },
  });
});
afterAll(async () => {
  await alliance?.close();
  await megalisHop?.close();
});

interface Answer {
  status: number;
  cacheControl: string | null;
  age: string | null;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function post(url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), age: response.headers.get('age'), body: (await response.json()) as Answer['body'] };
}

const gateway = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => post(alliance.gatewayUrl, { query, variables }, headers);
const bearer = async (operator: string, roles: string[] = ['operator_admin']) => ({ authorization: `Bearer ${await signTestToken({ operator, roles, sub: `cache-${operator}` })}` });

describe('Cache hints: every subgraph says how long its answer may be kept', () => {
  const PAGE = '{ megalisOperator { members(first: 2) { nodes { name } } } }';

  it('an anonymous query is public for CACHE_MAX_AGE; the same query with a token is private', async () => {
    const anonymous = await post(alliance.subgraphs.MEGALIS.url, { query: PAGE });
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.cacheControl).toBe(`max-age=${MAX_AGE}, public`);
    const authenticated = await post(alliance.subgraphs.MEGALIS.url, { query: PAGE }, await bearer('MEGALIS'));
    expect(authenticated.body.errors).toBeUndefined();
    expect(authenticated.cacheControl).toBe(`max-age=${MAX_AGE}, private`);
  });

  it('an answer with an error (a private field read anonymously) is never cacheable', async () => {
    const refused = await post(alliance.subgraphs.MEGALIS.url, { query: '{ megalisOperator { members(first: 1) { nodes { contactEmail } } } }' });
    expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(refused.cacheControl).toBe('no-store');
  });

  it('the gateway passes the policy on: public for a page read anonymously, private with a token', async () => {
    const page = '{ operator(code: MEGALIS) { members(first: 3) { nodes { name } } } }';
    expect((await gateway(page)).cacheControl).toBe(`max-age=${MAX_AGE}, public`);
    expect((await gateway(page, undefined, await bearer('MEGALIS'))).cacheControl).toBe(`max-age=${MAX_AGE}, private`);
  });

  it('a successful mutation is never cacheable, at the subgraph and at the gateway', async () => {
    const headers = await bearer('MEGALIS');
    const read = async () => (await gateway('{ operator(code: MEGALIS) { members(first: 1) { nodes { id name version } } } }', undefined, headers)).body.data.operator.members.nodes[0];
    const member = await read();
    const direct = await post(
      alliance.subgraphs.MEGALIS.url,
      { query: 'mutation($input: MemberUpdate!) { megalisUpdateMember(input: $input) { id } }', variables: { input: { id: member.id, expectedVersion: member.version, name: `${member.name} ·` } } },
      headers,
    );
    expect(direct.body.errors).toBeUndefined();
    expect(direct.cacheControl).toBe('no-store');
    const again = await read();
    const through = await gateway(
      'mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { version } } }',
      { input: { id: again.id, expectedVersion: again.version, name: member.name } },
      headers,
    );
    expect(through.body.errors).toBeUndefined();
    expect(through.body.data.updateMember.member.version).toBe(member.version + 2);
    expect(through.cacheControl).toBe('no-store');
  });
});

describe('The response cache for anonymous reads', () => {
  const PAGE = 'query CachedPage($first: Int!) { operator(code: TERNUM_BFC) { members(first: $first) { nodes { id name version } } } }';

  it('answers a repeated anonymous read from the cache: same answer, an Age header, no SQL', async () => {
    const first = await gateway(PAGE, { first: 4 });
    expect(first.body.data.operator.members.nodes).toHaveLength(4);
    expect(first.age).toBeNull();
    const before = await alliance.sqlStatements();
    const second = await gateway(PAGE, { first: 4 });
    expect(second.age).not.toBeNull();
    expect(second.body).toEqual(first.body);
    expect(await alliance.sqlStatements()).toBe(before);
    // Other variables are another answer.
    const other = await gateway(PAGE, { first: 5 });
    expect(other.age).toBeNull();
    expect(other.body.data.operator.members.nodes).toHaveLength(5);
  });

  it('never serves or keeps an authenticated read', async () => {
    const headers = await bearer('TERNUM_BFC');
    await gateway(PAGE, { first: 4 });
    const before = await alliance.sqlStatements();
    const read = await gateway(PAGE, { first: 4 }, headers);
    expect(read.age).toBeNull();
    expect(await alliance.sqlStatements()).toBeGreaterThan(before);
    const again = await gateway(PAGE, { first: 4 }, headers);
    expect(again.age).toBeNull();
  });

  it('shows a change made through the gateway at once, to its author and to anonymous readers', async () => {
    const cached = (await gateway(PAGE, { first: 4 })).body.data.operator.members.nodes[0];
    expect((await gateway(PAGE, { first: 4 })).age).not.toBeNull();
    const headers = await bearer('TERNUM_BFC');
    const renamed = `${cached.name} (renommée)`;
    const update = await gateway(
      'mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { name version } } }',
      { input: { id: cached.id, expectedVersion: cached.version, name: renamed } },
      headers,
    );
    expect(update.body.errors).toBeUndefined();
    expect(update.body.data.updateMember.member).toEqual({ name: renamed, version: cached.version + 1 });
    expect((await gateway(PAGE, { first: 4 }, headers)).body.data.operator.members.nodes[0].name).toBe(renamed);
    const anonymous = await gateway(PAGE, { first: 4 });
    expect(anonymous.age).toBeNull();
    expect(anonymous.body.data.operator.members.nodes[0]).toEqual({ id: cached.id, name: renamed, version: cached.version + 1 });
  });

  it('never keeps a partial answer: an operator that was down is back in the next answer', async () => {
    const query = '{ statistics { memberCount unavailableOperators { code } } }';
    await alliance.subgraphs.MAXIMILIEN.stopListening();
    let degraded: Answer;
    try {
      degraded = await gateway(query);
    } finally {
      await alliance.subgraphs.MAXIMILIEN.startListening();
    }
    expect(degraded.body.errors?.[0].extensions?.code).toBe('OPERATOR_UNAVAILABLE');
    expect(degraded.cacheControl).toBe('no-store');
    const complete = await gateway(query);
    expect(complete.age).toBeNull();
    expect(complete.body.data.statistics).toEqual({ memberCount: 4370, unavailableOperators: [] });
    expect((await gateway(query)).age).not.toBeNull();
  });

  it('is configurable and off with RESPONSE_CACHE_MIB=0', () => {
    expect(readGatewayConfig(OPERATORS, { NODE_ENV: 'test' }).responseCacheMiB).toBe(64);
    expect(readGatewayConfig(OPERATORS, { NODE_ENV: 'test', RESPONSE_CACHE_MIB: '0' }).responseCacheMiB).toBe(0);
    expect(createResponseCache(0)).toBeNull();
    expect(() => readGatewayConfig(OPERATORS, { RESPONSE_CACHE_MIB: '-1' })).toThrow(/RESPONSE_CACHE_MIB/);
    expect(() => readGatewayConfig(OPERATORS, { CACHE_MAX_AGE: 'soon' })).toThrow(/CACHE_MAX_AGE/);
  });
});

describe('Automatic persisted queries', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('clients may send a hash instead of the query: unknown first, then registered', async () => {
    const query = `{ operator(code: MAXIMILIEN) { name memberCount } } # apq ${Date.now()}`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    const unknown = await post(alliance.gatewayUrl, { extensions: { persistedQuery } });
    expect(unknown.body.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(alliance.gatewayUrl, { query, extensions: { persistedQuery } });
    expect(registered.body.data).toEqual({ operator: { name: 'Maximilien', memberCount: 370 } });
    const byHash = await post(alliance.gatewayUrl, { extensions: { persistedQuery } });
    expect(byHash.body).toEqual(registered.body);
    const wrongHash = await post(alliance.gatewayUrl, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('something else') } } });
    expect(wrongHash.status).toBe(400);
  });

  it('the gateway sends a subgraph the query text once, then its hash only', async () => {
    const headers = await bearer('MEGALIS'); // authenticated: the response cache stays out of the way
    const page = 'query ApqPage($first: Int!) { operator(code: MEGALIS) { members(first: $first) { nodes { name } } } }';
    megalisHop.requests.length = 0;
    const answers = [];
    for (const first of [2, 3, 4]) answers.push(await gateway(page, { first }, headers));
    expect(answers.map((answer) => answer.body.data.operator.members.nodes.length)).toEqual([2, 3, 4]);
    const sent = megalisHop.requests.map((request) => request.body);
    expect(sent).toHaveLength(3);
    const hash = sent[0].extensions?.persistedQuery?.sha256Hash;
    expect(hash).toBe(sha256(sent[0].query));
    expect(sent.slice(1).map((body) => [body.query, body.extensions.persistedQuery.sha256Hash])).toEqual([
      [undefined, hash],
      [undefined, hash],
    ]);
  });

  it('registers the query again with a subgraph that has forgotten it (restarted)', async () => {
    const headers = await bearer('MEGALIS');
    const page = 'query ApqAgain($first: Int!) { operator(code: MEGALIS) { members(first: $first) { nodes { name } } } }';
    await gateway(page, { first: 2 }, headers);
    const previous = megalisHop.target;
    const fresh = await startOperatorSubgraph(loadOperatorModule(findOperator('MEGALIS')!), (alliance.subgraphs.MEGALIS.dataSource.options as { url: string }).url);
    megalisHop.target = fresh.url;
    try {
      megalisHop.requests.length = 0;
      const answer = await gateway(page, { first: 3 }, headers);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.operator.members.nodes).toHaveLength(3);
      const sent = megalisHop.requests.map((request) => request.body);
      expect(sent.map((body) => typeof body.query)).toEqual(['undefined', 'string']);
    } finally {
      megalisHop.target = previous;
      await fresh.close();
    }
  });

  it('can be turned off (SUBGRAPH_APQ=false)', () => {
    expect(readGatewayConfig(OPERATORS, { NODE_ENV: 'test' }).subgraphApq).toBe(true);
    expect(readGatewayConfig(OPERATORS, { NODE_ENV: 'test', SUBGRAPH_APQ: 'false' }).subgraphApq).toBe(false);
  });
});
