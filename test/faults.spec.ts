import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { readGatewayConfig } from '../gateway/src/gateway-config';
import { createGatewayServer, type GatewayServer } from '../gateway/src/gateway-server';
import { readSupergraphSdl } from '../gateway/src/supergraph-file';
import { createPartnershipServer } from '../gateway/partnership/partnership-server';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { createOperatorDataSource, readDatabaseTimeouts } from '../shared/src/database/operator-data-source';
import type { RunningHttpServer } from '../shared/src/http/http-server';
import { findOperator, OPERATORS } from '../shared/src/operators/operator-registry';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { startOperatorSubgraph, type RunningOperatorSubgraph } from '../shared/src/testing/operator-subgraph-harness';
import { signTestToken, TEST_JWT_SECRET } from '../shared/src/testing/test-auth';
import { testDatabaseUrls } from '../shared/src/testing/test-databases';
import { databaseAnswers, READINESS_TIMEOUT_MS } from '../shared/src/subgraph/operator-subgraph';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { startAlliance, type Alliance, type GraphQLResponse } from './support/alliance';
import { freePorts, spawnCollected, type Spawned } from '../shared/src/testing/processes';

/**
 * Faults (issue 5, item 4), with real servers and real processes: every subgraph call and every
 * SQL statement is bounded; a subgraph that is down, slow or answers garbage gives partial data
 * with `OPERATOR_UNAVAILABLE` naming the operator, within the timeout; the gateway starts while a
 * subgraph is down and serves it once it is back; a subgraph whose database goes down says so
 * (readiness 503, clear errors, no crash) and recovers; SIGTERM finishes in-flight requests.
 *
 * The slow and broken subgraphs are real local HTTP servers; the database that goes down is an
 * embedded PostgreSQL cluster of this test's own, stopped and started again.
 */

const ROOT = resolve(__dirname, '..');
/** The subgraph timeout of the gateways of this file: small, so that a slow subgraph costs little. */
const TIMEOUT_MS = 500;
/** What a request may take beyond the timeout: planning, the other subgraphs, a loaded machine. */
const SLACK_MS = 1_500;

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(async () => {
  await alliance?.close();
});

interface Running {
  server: GatewayServer;
  http: RunningHttpServer;
  url: string;
}

const started: Running[] = [];
afterAll(async () => {
  for (const running of started) {
    await running.http.close({ graceMs: 100 });
    await running.server.apollo.stop();
  }
});

/** An in-process gateway over the alliance's subgraphs, with `urls` replacing some of them. */
async function startGateway(env: Record<string, string>, urls: Record<string, string> = {}): Promise<Running> {
  const full: Record<string, string> = { NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, ...env };
  for (const operator of OPERATORS) full[`${operator.code}_URL`] = urls[operator.code] ?? alliance.subgraphs[operator.code].url;
  const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, readGatewayConfig(OPERATORS, full));
  const http = await server.listen(0);
  const running = { server, http, url: http.url };
  started.push(running);
  return running;
}

interface Answer {
  status: number;
  text: string;
  body: GraphQLResponse;
  ms: number;
}

async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  const ms = performance.now() - start;
  let body: GraphQLResponse = {};
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    // `text` tells
  }
  return { status: response.status, text, body, ms };
}

async function probe(origin: string, path: '/health/live' | '/health/ready'): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  const response = await fetch(`${origin}${path}`);
  await response.text();
  return { status: response.status, ms: performance.now() - start };
}

const originOf = (url: string) => new URL(url).origin;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Whether a TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
  });
}

/** Every error of `answer` is OPERATOR_UNAVAILABLE naming `operator`, and there is one at least. */
function expectOnlyUnavailable(answer: Answer, operator: string): void {
  expect(answer.body.errors?.length).toBeGreaterThan(0);
  for (const error of answer.body.errors!) expect(error.extensions).toMatchObject({ code: 'OPERATOR_UNAVAILABLE', operator });
  expect(answer.body.errors!.filter((error) => error.extensions!.operator === operator)).toHaveLength(1);
}

const OPERATORS_QUERY = '{ operators { code memberCount members(first: 2) { nodes { name } } } }';
const MEMBERS_QUERY = '{ members(first: 5, filter: { nameContains: "saint" }) { unavailableOperators { code } nodes { name operator { code } } } }';

/** The operators' answer with MAXIMILIEN missing: the others' data is all there. */
function expectOthersServed(answer: Answer): void {
  expect(answer.status).toBe(200);
  const byCode = Object.fromEntries((answer.body.data!.operators as any[]).map((operator) => [operator.code, operator]));
  expect(byCode.MEGALIS.memberCount).toBe(2250);
  expect(byCode.TERNUM_BFC.memberCount).toBe(1750);
  expect(byCode.MEGALIS.members.nodes).toHaveLength(2);
  expect(byCode.TERNUM_BFC.members.nodes).toHaveLength(2);
  expect(byCode.MAXIMILIEN.memberCount).toBeNull();
  expect(byCode.MAXIMILIEN.members).toBeNull();
  expectOnlyUnavailable(answer, 'MAXIMILIEN');
}

function expectMembersWithout(answer: Answer, operator: string): void {
  expect(answer.status).toBe(200);
  const members = answer.body.data!.members;
  expect(members.unavailableOperators).toEqual([{ code: operator }]);
  expect(members.nodes).toHaveLength(5);
  for (const node of members.nodes) expect(node.operator.code).not.toBe(operator);
  expectOnlyUnavailable(answer, operator);
}

// ---------------------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------------------

describe('Faults: every SQL statement is bounded', () => {
  const showTimeout = async (dataSource: { query: (sql: string) => Promise<{ statement_timeout: string }[]> }) =>
    (await dataSource.query('SHOW statement_timeout'))[0].statement_timeout;

  it('sets statement_timeout on every pooled connection: 10 s by default', async () => {
    const dataSource = alliance.subgraphs.MEGALIS.dataSource;
    // Several connections of the pool at once, each asked.
    const settings = await Promise.all(Array.from({ length: 4 }, () => showTimeout(dataSource)));
    expect(settings).toEqual(['10s', '10s', '10s', '10s']);
    expect(await dataSource.query('SHOW idle_in_transaction_session_timeout')).toEqual([{ idle_in_transaction_session_timeout: '1min' }]);
  });

  it('takes DB_STATEMENT_TIMEOUT_MS, and a statement past it is cancelled', async () => {
    const previous = process.env.DB_STATEMENT_TIMEOUT_MS;
    process.env.DB_STATEMENT_TIMEOUT_MS = '300';
    const dataSource = createOperatorDataSourceFor(loadOperatorModule(findOperator('MEGALIS')!), testDatabaseUrls().MEGALIS);
    if (previous === undefined) delete process.env.DB_STATEMENT_TIMEOUT_MS;
    else process.env.DB_STATEMENT_TIMEOUT_MS = previous;
    await dataSource.initialize();
    try {
      expect(await showTimeout(dataSource)).toBe('300ms');
      const start = performance.now();
      await expect(dataSource.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ driverError: expect.objectContaining({ code: '57014' }) });
      expect(performance.now() - start).toBeLessThan(2_000);
      // The connection is usable afterwards.
      expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await dataSource.destroy();
    }
    const explicit = createOperatorDataSource({ url: testDatabaseUrls().MEGALIS, statementTimeoutMs: 1234 });
    await explicit.initialize();
    try {
      expect(await showTimeout(explicit)).toBe('1234ms');
    } finally {
      await explicit.destroy();
    }
  });

  it('refuses a bad timeout, naming the variable', () => {
    expect(readDatabaseTimeouts({})).toEqual({ statementTimeoutMs: 10_000, connectTimeoutMs: 5_000, idleInTransactionTimeoutMs: 60_000 });
    expect(readDatabaseTimeouts({ DB_STATEMENT_TIMEOUT_MS: '2500', DB_CONNECT_TIMEOUT_MS: '800' })).toMatchObject({ statementTimeoutMs: 2500, connectTimeoutMs: 800 });
    for (const bad of ['0', '-1', '1.5', 'ten', '1e4']) {
      expect(() => readDatabaseTimeouts({ DB_STATEMENT_TIMEOUT_MS: bad })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A subgraph that is slow or answers garbage: a real local server in MAXIMILIEN's place
// ---------------------------------------------------------------------------------------------

type FaultMode = 'proxy' | 'slow' | 'trickle' | 'html' | 'not-json' | 'http-500' | 'http-503-json' | 'not-graphql' | 'data-not-object' | 'hang-up' | 'empty';

interface FaultServer {
  url: string;
  /** Where `proxy` forwards to (a real subgraph). */
  target: string;
  mode: FaultMode;
  requests: number;
  close(): Promise<void>;
}

async function startFaultServer(): Promise<FaultServer> {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };
  const json = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };
  const fault: FaultServer = { url: '', target: '', mode: 'slow', requests: 0, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    fault.requests += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      switch (fault.mode) {
        case 'proxy': // sound: the real subgraph's answer
          return void fetch(fault.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
            .then(async (answer) => json(response, answer.status, await answer.text()))
            .catch(() => response.destroy());
        case 'slow': // a well-formed answer, twenty times later than the timeout
          return later(TIMEOUT_MS * 20, () => json(response, 200, '{"data":{}}'));
        case 'trickle': {
          // The headers at once, then the body a byte at a time, never finished in time.
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"data":');
          const drip = () => {
            if (response.destroyed) return;
            response.write(' ');
            later(100, drip);
          };
          return drip();
        }
        case 'html':
          response.writeHead(200, { 'content-type': 'text/html' });
          return response.end('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
        case 'not-json':
          return json(response, 200, '{"data": {"_entities": [ this is not JSON');
        case 'http-500':
          response.writeHead(500, { 'content-type': 'text/html' });
          return response.end('<html><body>500 Internal Server Error</body></html>');
        case 'http-503-json':
          return json(response, 503, '{"errors":[{"message":"upstream connect error"}]}');
        case 'not-graphql':
          return json(response, 200, '[1, 2, 3]');
        case 'data-not-object':
          return json(response, 200, '{"data": "surprise"}');
        case 'hang-up':
          return request.socket.destroy();
        case 'empty':
          response.writeHead(200, { 'content-type': 'application/json' });
          return response.end();
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fault.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  fault.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  };
  return fault;
}

describe(`Faults: a subgraph that is slow or answers garbage (SUBGRAPH_TIMEOUT_MS=${TIMEOUT_MS})`, () => {
  let fault: FaultServer;
  let gateway: Running;
  beforeAll(async () => {
    fault = await startFaultServer();
    fault.target = alliance.subgraphs.MAXIMILIEN.url;
    gateway = await startGateway({ SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS) }, { MAXIMILIEN: fault.url });
  });
  afterAll(() => fault?.close());

  const MODES: [FaultMode, boolean][] = [
    ['slow', true],
    ['trickle', true],
    ['html', false],
    ['not-json', false],
    ['http-500', false],
    ['http-503-json', false],
    ['not-graphql', false],
    ['data-not-object', false],
    ['hang-up', false],
    ['empty', false],
  ];

  it.each(MODES)('%s: the other operators\' data and OPERATOR_UNAVAILABLE naming MAXIMILIEN, within the timeout', async (mode, waits) => {
    fault.mode = mode;
    const calls = fault.requests;
    // Hydration of entities (the gateway's OperatorDataSource) ...
    const hydrated = await post(gateway.url, OPERATORS_QUERY);
    expectOthersServed(hydrated);
    // ... and a partnership-wide list (the partnership layer's operator client).
    const merged = await post(gateway.url, MEMBERS_QUERY);
    expectMembersWithout(merged, 'MAXIMILIEN');
    expect(fault.requests).toBeGreaterThan(calls);
    for (const answer of [hydrated, merged]) {
      expect(answer.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      // A slow subgraph is waited for up to the timeout (a broken one is not).
      if (waits) expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      // Nothing of the garbage, nor the subgraph's address, reaches the client.
      expect(answer.text).not.toMatch(/nginx|Internal Server Error|upstream|surprise|127\.0\.0\.1/);
    }
  });

  it('a node(id) of the slow operator: null and OPERATOR_UNAVAILABLE within the timeout', async () => {
    fault.mode = 'slow';
    const id = Buffer.from('MaximilienMember:1').toString('base64url');
    const answer = await post(gateway.url, 'query($id: ID!) { node(id: $id) { id ... on Member { name } } }', { id });
    expect(answer.body.data).toEqual({ node: null });
    expectOnlyUnavailable(answer, 'MAXIMILIEN');
    expect(answer.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it('a write to the slow operator fails within the timeout, naming it and saying a retry is safe', async () => {
    fault.mode = 'slow';
    const token = await signTestToken({ operator: 'MAXIMILIEN', roles: ['operator_admin'], sub: 'faults' });
    const answer = await post(
      gateway.url,
      'mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } clientMutationId } }',
      { input: { operator: 'MAXIMILIEN', siren: '213500010', name: 'Commune de test', kind: 'COMMUNE', departement: '92', clientMutationId: 'faults-1' } },
      { authorization: `Bearer ${token}` },
    );
    expect(answer.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/clientMutationId/), extensions: expect.objectContaining({ code: 'OPERATOR_UNAVAILABLE', operator: 'MAXIMILIEN' }) }),
    ]);
  });

  it('serves the operator again as soon as it answers again, on the same gateway', async () => {
    fault.mode = 'slow';
    expectOthersServed(await post(gateway.url, OPERATORS_QUERY));
    fault.mode = 'proxy';
    const answer = await post(gateway.url, OPERATORS_QUERY);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.operators.map((operator: any) => operator.memberCount)).toEqual([2250, 1750, 370]);
    const merged = await post(gateway.url, MEMBERS_QUERY);
    expect(merged.body.errors).toBeUndefined();
    expect(merged.body.data!.members.unavailableOperators).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Health probes
// ---------------------------------------------------------------------------------------------

describe('Faults: liveness and readiness on every service', () => {
  it('the gateway, every subgraph and the standalone partnership subgraph answer /health/live and /health/ready with 200', async () => {
    const subgraphUrls = Object.fromEntries(OPERATORS.map((operator) => [operator.code, alliance.subgraphs[operator.code].url]));
    const partnership = await createPartnershipServer(OPERATORS, { subgraphUrls, timeoutMs: TIMEOUT_MS });
    const partnershipHttp = await partnership.listen(0);
    try {
      for (const url of [alliance.gatewayUrl, ...Object.values(subgraphUrls), partnershipHttp.url]) {
        expect(await probe(originOf(url), '/health/live')).toMatchObject({ status: 200 });
        expect(await probe(originOf(url), '/health/ready')).toMatchObject({ status: 200 });
      }
    } finally {
      await partnershipHttp.close({ graceMs: 100 });
      await partnership.apollo.stop();
    }
  });

  it('an operator subgraph\'s readiness check is bounded: a database that never answers is "not ready" within the bound', async () => {
    expect(READINESS_TIMEOUT_MS).toBe(2_000);
    const hung = { query: () => new Promise(() => undefined) } as unknown as Parameters<typeof databaseAnswers>[0];
    const start = performance.now();
    expect(await databaseAnswers(hung, 200)).toBe(false);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(await databaseAnswers(alliance.subgraphs.MEGALIS.dataSource, READINESS_TIMEOUT_MS)).toBe(true);
  });

  it('the gateway is ready once its schema is loaded, whether or not the subgraphs are up', async () => {
    const [a, b, c] = await freePorts(3);
    const nowhere = Object.fromEntries(OPERATORS.map((operator, index) => [operator.code, `http://127.0.0.1:${[a, b, c][index]}/graphql`]));
    const lonely = await startGateway({ SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS) }, nowhere);
    expect(lonely.server.gateway.schema).toBeDefined();
    expect(await probe(originOf(lonely.url), '/health/ready')).toMatchObject({ status: 200 });
    // It answers what it can: the partnership layer's own data, every operator missing.
    const answer = await post(lonely.url, '{ operators { code memberCount } }');
    expect(answer.body.data!.operators.map((operator: any) => [operator.code, operator.memberCount])).toEqual(OPERATORS.map((operator) => [operator.code, null]));
    expect(answer.body.errors!.map((error) => error.extensions!.operator).sort()).toEqual(OPERATORS.map((operator) => operator.code).sort());
  });

});

// ---------------------------------------------------------------------------------------------
// Real processes over a database of their own that goes down and comes back
// ---------------------------------------------------------------------------------------------

describe('Faults: real processes, a database that goes down, graceful shutdown', () => {
  const MAXIMILIEN = findOperator('MAXIMILIEN')!;
  const module = loadOperatorModule(MAXIMILIEN);
  /** The subgraph process's statement timeout: longer than the shutdown test holds its lock. */
  const STATEMENT_TIMEOUT_MS = 2_000;
  let dataDir: string;
  let pgPort: number;
  let subgraphPort: number;
  let gatewayPort: number;
  /** PostgreSQL, in a process of its own (see test/support/database-process.ts). */
  let database: Spawned | null = null;
  let subgraphProcess: Spawned | null = null;
  let gatewayProcess: Spawned | null = null;
  /** In-process, over the same database, unmasked (`NODE_ENV=test`): shows the driver's error. */
  let inProcess: RunningOperatorSubgraph | null = null;
  let subgraphUrl: string;
  let gatewayUrl: string;
  const databaseUrl = () => `postgresql://postgres:postgres@127.0.0.1:${pgPort}/maximilien`;

  const startDatabase = async () => {
    database = spawnCollected(process.execPath, ['--import', 'tsx', 'test/support/database-process.ts', dataDir, String(pgPort), MAXIMILIEN.databaseName], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    await database.waitForLine(/database ready/, 60_000);
  };
  const stopDatabase = async () => {
    const code = await database!.stop(10_000);
    database = null;
    expect(code).toBe(0);
  };

  const spawnService = (entry: string, env: Record<string, string>) =>
    spawnCollected(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, APOLLO_TELEMETRY_DISABLED: 'true', NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'info', ...env },
    });

  const startSubgraphProcess = async () => {
    subgraphProcess = spawnService(`subgraphs/${MAXIMILIEN.slug}/src/index.ts`, {
      MAXIMILIEN_DATABASE_URL: databaseUrl(),
      MAXIMILIEN_PORT: String(subgraphPort),
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    });
    await subgraphProcess.waitForLine(/subgraph ready/, 60_000);
  };

  /** Holds an ACCESS EXCLUSIVE lock on `member` until `release`: statements reading it wait. */
  /** Reads the member table itself (counts come from the summary table, which the lock leaves alone). */
  const MEMBER_PAGE = '{ maximilienOperator { members(first: 1) { nodes { siren } } } }';
  const lockMembers = async () => {
    const client = new Client({ connectionString: databaseUrl() });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE member IN ACCESS EXCLUSIVE MODE');
    return {
      waiting: async () =>
        (await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'alliance-graph-maximilien'")).rows[0].n as number,
      release: async () => {
        await client.query('ROLLBACK');
        await client.end();
      },
    };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'alliance-faults-'));
    chmodSync(dataDir, 0o755);
    [pgPort, subgraphPort, gatewayPort] = await freePorts(3);
    subgraphUrl = `http://127.0.0.1:${subgraphPort}/graphql`;
    gatewayUrl = `http://127.0.0.1:${gatewayPort}/graphql`;
    // The gateway process starts while its MAXIMILIEN subgraph does not exist yet.
    const gatewayEnv: Record<string, string> = { PORT: String(gatewayPort), SUBGRAPH_TIMEOUT_MS: '3000', RATE_LIMIT_PER_MINUTE: '0', MAXIMILIEN_URL: subgraphUrl };
    for (const code of ['MEGALIS', 'TERNUM_BFC']) gatewayEnv[`${code}_URL`] = alliance.subgraphs[code].url;
    gatewayProcess = spawnService('gateway/src/index.ts', gatewayEnv);
    const prepared = (async () => {
      await startDatabase();
      const dataSource = createOperatorDataSourceFor(module, databaseUrl());
      await dataSource.initialize();
      try {
        await prepareOperatorDatabase(dataSource, module, { seed: 'if-empty' });
      } finally {
        await dataSource.destroy();
      }
    })();
    await Promise.all([gatewayProcess.waitForLine(/gateway ready/, 60_000), prepared]);
  }, 90_000);

  afterAll(async () => {
    await inProcess?.close();
    await gatewayProcess?.stop(5_000);
    await subgraphProcess?.stop(5_000);
    await database?.stop(10_000);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('the gateway process started while MAXIMILIEN was down, is ready, and serves it as soon as it is back', async () => {
    expect(await probe(originOf(gatewayUrl), '/health/ready')).toMatchObject({ status: 200 });
    const before = await post(gatewayUrl, OPERATORS_QUERY);
    expectOthersServed(before);
    await startSubgraphProcess();
    const after = await post(gatewayUrl, OPERATORS_QUERY);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data!.operators.map((operator: any) => [operator.code, operator.memberCount])).toEqual([
      ['MEGALIS', 2250],
      ['TERNUM_BFC', 1750],
      ['MAXIMILIEN', 370],
    ]);
    inProcess = await startOperatorSubgraph(module, databaseUrl());
  }, 60_000);

  it(`bounds every statement of the subgraph process by DB_STATEMENT_TIMEOUT_MS (${STATEMENT_TIMEOUT_MS} ms)`, async () => {
    const lock = await lockMembers();
    try {
      const answer = await post(subgraphUrl, MEMBER_PAGE);
      expect(answer.ms).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS - 100);
      expect(answer.ms).toBeLessThan(STATEMENT_TIMEOUT_MS + SLACK_MS);
      // Production: a generic message, not the driver's.
      expect(answer.body.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
      expect(answer.text).not.toMatch(/statement timeout|canceling/);
      // Readiness does not read the locked table: still ready.
      expect(await probe(originOf(subgraphUrl), '/health/ready')).toMatchObject({ status: 200 });
    } finally {
      await lock.release();
    }
  });

  it('database down: the subgraph lives, says 503 on readiness at once, answers clear errors; it recovers when the database is back', async () => {
    const origin = originOf(subgraphUrl);
    expect(await probe(origin, '/health/ready')).toMatchObject({ status: 200 });
    await stopDatabase();

    const ready = await probe(origin, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2_500);
    expect(await probe(origin, '/health/live')).toMatchObject({ status: 200 });

    // Straight to the subgraph process (production): a masked error, no crash.
    const direct = await post(subgraphUrl, '{ maximilienStatistics { memberCount } }');
    expect(direct.status).toBeLessThan(500);
    expect(direct.body.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    expect(direct.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect|postgres/i);
    // The same subgraph in development mode says what is wrong.
    const unmasked = await post(inProcess!.url, '{ maximilienStatistics { memberCount } }');
    expect(unmasked.body.errors![0].message).toMatch(/ECONNREFUSED/);
    expect(await probe(originOf(inProcess!.url), '/health/ready')).toMatchObject({ status: 503 });

    // Through the gateway process: the other operators' data, MAXIMILIEN named as missing.
    const merged = await post(gatewayUrl, MEMBERS_QUERY);
    expectMembersWithout(merged, 'MAXIMILIEN');
    const hydrated = await post(gatewayUrl, '{ operator(code: MAXIMILIEN) { name memberCount } }');
    expect(hydrated.body.data).toEqual({ operator: { name: 'Maximilien', memberCount: null } });
    for (const error of hydrated.body.errors!) expect(['INTERNAL_SERVER_ERROR', 'OPERATOR_UNAVAILABLE']).toContain(error.extensions!.code);
    expect(subgraphProcess!.child.exitCode).toBeNull();

    // The database comes back: readiness, then data, with no restart of the subgraph.
    await startDatabase();
    await until('readiness', async () => (await probe(origin, '/health/ready')).status === 200);
    expect(await post(subgraphUrl, '{ maximilienStatistics { memberCount } }')).toMatchObject({ body: { data: { maximilienStatistics: { memberCount: 370 } } } });
    const back = await post(gatewayUrl, OPERATORS_QUERY);
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data!.operators.map((operator: any) => operator.memberCount)).toEqual([2250, 1750, 370]);
    expect((await post(inProcess!.url, '{ maximilienStatistics { memberCount } }')).body).toEqual({ data: { maximilienStatistics: { memberCount: 370 } } });
  }, 60_000);

  it('SIGTERM to the gateway process: the request in flight finishes with 200, new connections are refused, it exits 0', async () => {
    const lock = await lockMembers();
    let settled = false;
    // A page of members: it reads the locked table (counts come from the summary table).
    const inFlight = post(gatewayUrl, '{ operator(code: MAXIMILIEN) { members(first: 1) { nodes { siren } } } }').finally(() => {
      settled = true;
    });
    try {
      await until('the subgraph to wait on the lock', async () => (await lock.waiting()) > 0);
      const exited = new Promise<number | null>((done) => gatewayProcess!.child.once('exit', (code) => done(code)));
      gatewayProcess!.child.kill('SIGTERM');
      await until('the gateway to refuse connections', () => refused(gatewayPort), 5_000);
      expect(settled).toBe(false);
      await lock.release();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data!.operator.members.nodes).toEqual([{ siren: expect.stringMatching(/^\d{9}$/) }]);
      expect(await exited).toBe(0);
      expect(gatewayProcess!.output()).toMatch(/shutting down/);
    } finally {
      await lock.release().catch(() => undefined);
    }
  }, 30_000);

  it('SIGTERM to the subgraph process: the request in flight finishes with 200, new connections are refused, it exits 0', async () => {
    const lock = await lockMembers();
    let settled = false;
    const inFlight = post(subgraphUrl, MEMBER_PAGE).finally(() => {
      settled = true;
    });
    try {
      await until('the subgraph to wait on the lock', async () => (await lock.waiting()) > 0);
      const exited = new Promise<number | null>((done) => subgraphProcess!.child.once('exit', (code) => done(code)));
      subgraphProcess!.child.kill('SIGTERM');
      await until('the subgraph to refuse connections', () => refused(subgraphPort), 5_000);
      expect(settled).toBe(false);
      await lock.release();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data!.maximilienOperator.members.nodes).toEqual([{ siren: expect.stringMatching(/^\d{9}$/) }]);
      expect(await exited).toBe(0);
    } finally {
      await lock.release().catch(() => undefined);
    }
  }, 30_000);
});
