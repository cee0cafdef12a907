import { EXPLORER_CONTENT_SECURITY_POLICY } from '../gateway/src/explorer/explorer-page';
import { readGatewayConfig } from '../gateway/src/gateway-config';
import type { GatewayServer } from '../gateway/src/gateway-server';
import type { RunningHttpServer } from '../shared/src/http/http-server';
import { createRateLimiter } from '../shared/src/http/rate-limiter';
import { API_CONTENT_SECURITY_POLICY } from '../shared/src/http/security-headers';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { TEST_JWT_SECRET } from '../shared/src/testing/test-auth';
import { adminQuery, startAlliance, type Alliance, type GraphQLResponse } from './support/alliance';

/**
 * Production posture (issue 5, item 2): `NODE_ENV=production` gateways over real subgraphs, beside
 * a development gateway over the same subgraphs that shows what production hides. The subgraphs
 * run over databases of their own (`isolated`): one of them is dropped to force internal errors.
 */

interface Running {
  server: GatewayServer;
  http: RunningHttpServer;
  url: string;
  origin: string;
}

let alliance: Alliance;
let production: Running;
let development: Running;
/** Production with a small rate limit behind one proxy of ours, and HSTS. */
let limited: Running;

async function startGateway(env: Record<string, string>): Promise<Running> {
  const { server, http } = await alliance.startGateway(env);
  return { server, http, url: http.url, origin: new URL(http.url).origin };
}

beforeAll(async () => {
  alliance = await startAlliance({ isolated: true });
  production = await startGateway({ NODE_ENV: 'production' });
  development = await startGateway({ NODE_ENV: 'development' });
  limited = await startGateway({ NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '3', TRUST_PROXY_HOPS: '1', HSTS_MAX_AGE: '31536000' });
});

afterAll(async () => {
  await alliance?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: GraphQLResponse;
}

async function request(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: GraphQLResponse = {};
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    // not JSON (an HTML page): `text` tells
  }
  return { status: response.status, headers: response.headers, text, body };
}

const post = (running: Running, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request(running.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

describe('Production: introspection, landing page and explorer are off', () => {
  it.each(['{ __schema { queryType { name } } }', '{ __type(name: "Operator") { fields { name } } }'])('refuses %s (development serves it)', async (query) => {
    const refused = await post(production, query);
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/introspection is not allowed/i), extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    const served = await post(development, query);
    expect(served.status).toBe(200);
    expect(served.body.errors).toBeUndefined();
  });

  it('serves no page to a browser: no landing page, no explorer (development serves both)', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    for (const path of ['/graphql', '/']) {
      const page = await request(`${production.origin}${path}`, { headers: html });
      expect(page.headers.get('content-type')).not.toMatch(/html/);
      expect(page.status).toBe(400);
      expect(page.text).not.toMatch(/<html/i);
    }
    expect((await request(`${production.origin}/explorer`, { headers: html })).status).toBe(404);
    const developmentPage = await request(`${development.origin}/graphql`, { headers: html });
    expect(developmentPage.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await request(`${development.origin}/explorer`, { headers: html })).status).toBe(200);
  });
});

describe('Production: query plans are not exposed', () => {
  const headers = { 'Apollo-Query-Plan-Experimental': 'true' };

  it('ignores the Apollo-Query-Plan-Experimental header (development answers with the plan)', async () => {
    const query = '{ operators { code members(first: 1) { nodes { name } } } }';
    const planned = await post(development, query, undefined, headers);
    expect(planned.body.errors).toBeUndefined();
    expect(JSON.stringify(planned.body.extensions)).toMatch(/Fetch|QueryPlan/);
    const answered = await post(production, query, undefined, headers);
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data).toEqual(planned.body.data);
    expect(answered.body.extensions).toBeUndefined();
    expect(answered.text).not.toMatch(/QueryPlan|Fetch\(service/);
  });
});

describe('Production: CSRF prevention', () => {
  const gql = encodeURIComponent('{ operators { code } }');

  it('refuses a simple GET (no preflight header) with 400; the same GET with a preflight header runs', async () => {
    const before = await alliance.sqlStatements();
    const simple = await request(`${production.url}?query=${gql}`);
    expect(simple.status).toBe(400);
    expect(simple.body.errors![0].message).toMatch(/CSRF/);
    expect(await alliance.sqlStatements()).toBe(before);
    const preflighted = await request(`${production.url}?query=${gql}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect(preflighted.body.data!.operators).toHaveLength(3);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a POST sent as %s (a form or a "simple" cross-site request) with 415',
    async (contentType) => {
      const before = await alliance.sqlStatements();
      const answer = await request(production.url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ query: '{ operators { code } }' }) });
      expect(answer.status).toBe(415);
      expect(answer.body.errors).toEqual([{ message: expect.stringMatching(/^Unsupported content type .*application\/json/), extensions: { code: 'BAD_REQUEST' } }]);
      expect(await alliance.sqlStatements()).toBe(before);
    },
  );
});

describe('Production: errors are masked', () => {
  /** What an answer must never show a client. */
  function expectNothingInternal(text: string, secrets: string[]): void {
    for (const secret of [...secrets, 'postgres', 'ECONNREFUSED', 'stacktrace', 'localhost', '127.0.0.1', 'SELECT ', ' FROM ', 'typeorm', 'QueryFailedError']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/\bat .+\(.+:\d+:\d+\)/); // a stack frame
    expect(text).not.toMatch(/:\d{4,5}\b/); // a port
  }

  it('a subgraph that is down: OPERATOR_UNAVAILABLE naming the operator, not its address', async () => {
    const ternum = alliance.subgraphs.TERNUM_BFC;
    const port = new URL(ternum.url).port;
    await ternum.stopListening();
    try {
      const answer = await post(production, '{ operator(code: TERNUM_BFC) { name members(first: 2) { nodes { name } } } }');
      expect(answer.status).toBe(200);
      expect(answer.body.errors!.length).toBeGreaterThan(0);
      for (const error of answer.body.errors!) expect(error.extensions).toMatchObject({ code: 'OPERATOR_UNAVAILABLE', operator: 'TERNUM_BFC' });
      expectNothingInternal(answer.text, [port]);
    } finally {
      await ternum.startListening();
    }
  });

  it('a subgraph whose database is gone: a generic message in production, the driver error only in development', async () => {
    const maximilien = alliance.subgraphs.MAXIMILIEN;
    const [{ name: database }] = (await maximilien.dataSource.query('SELECT current_database() AS name')) as { name: string }[];
    await adminQuery(`DROP DATABASE "${database}" WITH (FORCE)`);
    const query = '{ operator(code: MAXIMILIEN) { name members(first: 2) { nodes { name siren } } } }';

    const shown = await post(development, query);
    expect(shown.body.errors!.length).toBeGreaterThan(0);
    // Development shows the cause (the driver's message names the database): the fault is real.
    expect(shown.text).toContain(database);

    const masked = await post(production, query);
    expect(masked.status).toBe(200);
    expect(masked.body.errors!.length).toBeGreaterThan(0);
    for (const error of masked.body.errors!) {
      expect(['INTERNAL_SERVER_ERROR', 'OPERATOR_UNAVAILABLE']).toContain(error.extensions!.code);
      if (error.extensions!.code === 'INTERNAL_SERVER_ERROR') expect(error.message).toBe('Internal server error');
      expect(Object.keys(error.extensions!).sort()).toEqual(error.extensions!.code === 'OPERATOR_UNAVAILABLE' ? ['code', 'operator'] : ['code']);
    }
    expectNothingInternal(masked.text, [database, 'does not exist']);
    // The other operators still answer.
    const others = await post(production, '{ operator(code: MEGALIS) { memberCount } }');
    expect(others.body).toEqual({ data: { operator: { memberCount: 2250 } } });
  });
});

describe('Production: field suggestions are off', () => {
  it('does not suggest field names (development does)', async () => {
    const suggested = await post(development, '{ operatrs { code } }');
    expect(suggested.body.errors![0].message).toMatch(/Did you mean "operators"/);
    const plain = await post(production, '{ operatrs { code } }');
    expect(plain.status).toBe(400);
    expect(plain.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(plain.body.errors![0].message).toMatch(/^Cannot query field "operatrs" on type "Query"\./);
    expect(plain.text).not.toMatch(/Did you mean|"operators"/);
  });

  it.each([
    ['argument names', '{ operator(cod: MEGALIS) { name } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['input field names', '{ members(filter: { nameContain: "x" }) { totalCount } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['enum values', '{ operator(code: MEGALISS) { name } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['enum values in variables', 'query($c: OperatorCode!) { operator(code: $c) { name } }', { c: 'MEGALISS' }, 'BAD_USER_INPUT'],
  ])('does not suggest %s either', async (_label, query, variables, code) => {
    const suggested = await post(development, query, variables);
    expect(suggested.text).toMatch(/Did you mean/);
    const plain = await post(production, query, variables);
    expect(plain.status).toBe(400);
    expect(plain.body.errors![0].extensions!.code).toBe(code);
    const messages = plain.body.errors!.map((error) => error.message).join('\n');
    expect(messages).not.toMatch(/Did you mean|Suggestion|"MEGALIS"|nameContains/);
    for (const error of plain.body.errors!) expect(error.message).toMatch(/\.$/);
  });
});

describe('Production: security headers', () => {
  function expectSecurityHeaders(headers: Headers, options: { hsts: boolean }): void {
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('content-security-policy')).toBe(API_CONTENT_SECURITY_POLICY);
    if (options.hsts) expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    else expect(headers.get('strict-transport-security')).toBeNull();
  }

  it('on every kind of response: GraphQL, refusals, probes, metrics, 404', async () => {
    const answers = [
      await post(production, '{ operators { code } }'),
      await post(production, '{ nope }'),
      await request(production.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }),
      await request(production.url, { method: 'PUT' }),
      await request(`${production.origin}/health/live`),
      await request(`${production.origin}/health/ready`),
      await request(`${production.origin}/metrics`),
      await request(`${production.origin}/nowhere`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 400, 415, 405, 200, 200, 200, 404]);
    for (const answer of answers) expectSecurityHeaders(answer.headers, { hsts: false });
  });

  it('Strict-Transport-Security only when HSTS_MAX_AGE is set', async () => {
    expectSecurityHeaders((await post(limited, '{ operators { code } }', undefined, { 'x-forwarded-for': '198.51.100.1' })).headers, { hsts: true });
    expectSecurityHeaders((await request(`${limited.origin}/health/live`)).headers, { hsts: true });
  });

  it("leaves the development explorer its own policy: scripts from the gateway's origin only", async () => {
    const page = await request(`${development.origin}/explorer`, { headers: { accept: 'text/html' } });
    const policy = page.headers.get('content-security-policy')!;
    expect(policy).toBe(EXPLORER_CONTENT_SECURITY_POLICY);
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toBe(API_CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // The page's scripts are served by the gateway (same origin) and load.
    const scripts = [...page.text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const script = new URL(src, development.origin);
      expect(script.origin).toBe(development.origin);
      const asset = await fetch(script);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('Production: per-client rate limiting', () => {
  const from = (address: string, query = '{ operators { code } }') => post(limited, query, undefined, { 'x-forwarded-for': address });

  it('answers 429 with Retry-After once a client has spent its burst; other clients and probes are not held', async () => {
    for (let index = 0; index < 3; index += 1) expect((await from('203.0.113.7')).status).toBe(200);
    const held = await from('203.0.113.7');
    expect(held.status).toBe(429);
    expect(held.headers.get('retry-after')).toBe('1');
    expect(held.body).toEqual({ errors: [{ message: 'Too many requests: retry after 1 s', extensions: { code: 'RATE_LIMITED' } }] });
    expect(held.headers.get('x-content-type-options')).toBe('nosniff');
    // A forged X-Forwarded-For entry on the left does not make a new client (only our proxy's entry counts).
    expect((await from('192.0.2.1, 203.0.113.7')).status).toBe(429);
    expect((await from('203.0.113.8')).status).toBe(200);
    expect((await request(`${limited.origin}/health/ready`)).status).toBe(200);
    // 60 a minute: one more request a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await from('203.0.113.7')).status).toBe(200);
    expect((await from('203.0.113.7')).status).toBe(429);
  });

  it('is off under NODE_ENV=test (the test suite), on elsewhere, and configurable', () => {
    const read = (env: Record<string, string>) => readGatewayConfig(OPERATORS, { JWT_SECRET: TEST_JWT_SECRET, ...env });
    expect(read({ NODE_ENV: 'test' }).rateLimitPerMinute).toBe(0);
    expect(read({ NODE_ENV: 'development' })).toMatchObject({ rateLimitPerMinute: 600, rateLimitBurst: 600, trustProxyHops: 0, hstsMaxAgeSeconds: 0 });
    expect(read({ NODE_ENV: 'production' })).toMatchObject({ rateLimitPerMinute: 600, rateLimitBurst: 600 });
    expect(read({ NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).toBe(0);
    expect(read({ NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '120', RATE_LIMIT_BURST: '10' })).toMatchObject({ rateLimitPerMinute: 120, rateLimitBurst: 10 });
    for (const [name, value] of [
      ['RATE_LIMIT_PER_MINUTE', '-1'],
      ['RATE_LIMIT_BURST', '0'],
      ['TRUST_PROXY_HOPS', 'all'],
      ['HSTS_MAX_AGE', '1y'],
    ]) {
      expect(() => read({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
    }
  });

  it('a token bucket: the burst, then the rate, with the wait told in whole seconds', () => {
    let now = 0;
    const limiter = createRateLimiter({ perMinute: 30, burst: 2, now: () => now, maxClients: 2 });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    now += 1_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    // Buckets are bounded: the least recently seen client is forgotten first.
    limiter.take('b');
    limiter.take('c');
    expect(limiter.size).toBe(2);
  });
});
