import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

/** Reads one sample of a Prometheus text exposition: the sum of the lines of `name` matching `labels`. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const metricsOf = async (graphqlUrl: string) => (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();

describe('Observability: /metrics on every service moves with traffic', () => {
  it('counts requests, errors by code, subgraph fetches by operator, SQL statements and pool use', async () => {
    const megalisUrl = alliance.subgraphs.MEGALIS.url;
    const [gatewayBefore, megalisBefore] = await Promise.all([metricsOf(alliance.gatewayUrl), metricsOf(megalisUrl)]);
    await alliance.query('{ operators { members(first: 3) { nodes { name } } } }');
    await alliance.query('{ node(id: "not an id") { id } }');
    const [gatewayAfter, megalisAfter] = await Promise.all([metricsOf(alliance.gatewayUrl), metricsOf(megalisUrl)]);

    expect(sample(gatewayAfter, 'graphql_requests_total', { operation_type: 'query' }) - sample(gatewayBefore, 'graphql_requests_total', { operation_type: 'query' })).toBe(2);
    expect(sample(gatewayAfter, 'graphql_errors_total', { code: 'BAD_USER_INPUT' }) - sample(gatewayBefore, 'graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(
      sample(gatewayAfter, 'subgraph_fetch_duration_seconds_count', { subgraph: 'MEGALIS', outcome: 'ok' }) -
        sample(gatewayBefore, 'subgraph_fetch_duration_seconds_count', { subgraph: 'MEGALIS', outcome: 'ok' }),
    ).toBe(1);
    expect(sample(megalisAfter, 'sql_statements_total') - sample(megalisBefore, 'sql_statements_total')).toBe(1);
    expect(sample(megalisAfter, 'graphql_request_duration_seconds_count') - sample(megalisBefore, 'graphql_request_duration_seconds_count')).toBe(1);
    expect(sample(megalisAfter, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(gatewayAfter).toContain('process_resident_memory_bytes');
  });

  it('gives every response a request id, and takes the caller\'s', async () => {
    const response = await fetch(alliance.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-me-42' },
      body: JSON.stringify({ query: '{ operators { code } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    const generated = await fetch(alliance.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ operators { code } }' }),
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes the request id on to the operator subgraphs', async () => {
    const seen: (string | undefined)[] = [];
    const server = alliance.subgraphs.TERNUM_BFC.http!.server;
    const listener = (request: import('node:http').IncomingMessage) => seen.push(request.headers['x-request-id'] as string | undefined);
    server.on('request', listener);
    try {
      await fetch(alliance.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'follow-me-7' },
        body: JSON.stringify({ query: '{ members(first: 2, filter: { operators: [TERNUM_BFC] }) { nodes { name } } }' }),
      });
    } finally {
      server.off('request', listener);
    }
    expect(seen.length).toBeGreaterThanOrEqual(2); // the index call and the hydration
    expect(new Set(seen)).toEqual(new Set(['follow-me-7']));
  });
});
