import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { TEST_JWT_SECRET } from '../shared/src/testing/test-auth';
import { testDatabaseUrls } from '../shared/src/testing/test-databases';
import { spawnCollected, type Spawned } from '../shared/src/testing/processes';

/**
 * OpenTelemetry traces, end to end, with real processes: every operator subgraph and the gateway
 * run as child processes (as `npm start` runs them) with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at
 * an OTLP/HTTP receiver of this test's own, which decodes what the services export (JSON).
 *
 * One request sent with a `traceparent` of ours must give one trace: the gateway's server span
 * (child of our parent), its fetch spans, each subgraph's server span as the child of a gateway
 * client span, and the subgraph's SQL statement spans under that server span, with the statement
 * text and never the bound values.
 */

const ROOT = resolve(__dirname, '..');
const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[];
  }[];
}

function valueOf(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
}

const attributesOf = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, valueOf(value)]));

/** A local OTLP/HTTP trace receiver: POST /v1/traces, JSON (gzip or not), every span kept. */
interface Receiver {
  readonly endpoint: string;
  readonly spans: CollectedSpan[];
  /** Every request received, whatever its path. */
  readonly requests: string[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const spans: CollectedSpan[] = [];
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push(`${request.method} ${request.url} ${request.headers['content-type'] ?? ''}`);
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !String(request.headers['content-type']).startsWith('application/json')) {
        response.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as OtlpExport;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The spans of `trace`, as a tree: one line per span (service, kind, name), children indented. */
function renderTree(spans: CollectedSpan[]): string {
  const byParent = new Map<string, CollectedSpan[]>();
  const ids = new Set(spans.map((span) => span.spanId));
  for (const span of spans) {
    const parent = ids.has(span.parentSpanId) ? span.parentSpanId : 'root';
    byParent.set(parent, [...(byParent.get(parent) ?? []), span]);
  }
  const kinds = ['?', 'internal', 'server', 'client', 'producer', 'consumer'];
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const span of byParent.get(parent) ?? []) {
      const detail = span.attributes.service ? ` service=${String(span.attributes.service)}` : '';
      lines.push(`${'  '.repeat(depth)}${span.service} ${kinds[span.kind] ?? span.kind} ${span.name}${detail}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk('root', 0);
  return lines.join('\n');
}

function ancestorsOf(span: CollectedSpan, spans: CollectedSpan[]): CollectedSpan[] {
  const byId = new Map(spans.map((candidate) => [candidate.spanId, candidate]));
  const chain: CollectedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

async function eventually<T>(what: string, read: () => T | undefined, timeoutMs: number, details: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s\n${details()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

const isSqlStatement = (span: CollectedSpan) => span.attributes['db.system.name'] === 'postgresql' && span.name.startsWith('pg.query');
const subgraphService = (slug: string) => `subgraph-${slug}`;

/** What every service process of this file gets: a test configuration and logs to read its URL from. */
function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    APOLLO_TELEMETRY_DISABLED: 'true',
    JWT_SECRET: TEST_JWT_SECRET,
    ...extra,
  };
}

const spawned: Spawned[] = [];
function spawnService(entry: string, env: NodeJS.ProcessEnv): Spawned {
  const service = spawnCollected(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env });
  spawned.push(service);
  return service;
}

/** Starts an operator subgraph process on a free port (`<CODE>_PORT=0`); resolves with its URL. */
async function startSubgraph(operator: (typeof OPERATORS)[number], env: Record<string, string>): Promise<{ process: Spawned; url: string }> {
  const service = spawnService(
    `subgraphs/${operator.slug}/src/index.ts`,
    serviceEnv({ [`${operator.code}_DATABASE_URL`]: testDatabaseUrls()[operator.code], [`${operator.code}_PORT`]: '0', ...env }),
  );
  const [, url] = await service.waitForLine(/"url":"(http:\/\/[^"]+)"[^\n]*subgraph ready/, 90_000);
  return { process: service, url };
}

async function startGateway(subgraphUrls: Record<string, string>, env: Record<string, string>): Promise<{ process: Spawned; url: string }> {
  const urls = Object.fromEntries(OPERATORS.map((operator) => [`${operator.code}_URL`, subgraphUrls[operator.code]]));
  const service = spawnService('gateway/src/index.ts', serviceEnv({ PORT: '0', ...urls, ...env }));
  const [, url] = await service.waitForLine(/"url":"(http:\/\/[^"]+)"[^\n]*gateway ready/, 90_000);
  return { process: service, url };
}

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** Only in the SQL statements' parameters: a span that holds it leaks a bound value. */
const NAME_FILTER = 'Zqxwvk';
const DIRECTORY = `query TracedDirectory($name: String) {
  operators {
    name
    members(first: 3) { nodes { name } }
    filtered: members(first: 1, filter: { nameContains: $name }) { totalCount }
  }
}`;

afterAll(async () => {
  await Promise.all(spawned.map((service) => service.stop(10_000)));
}, 30_000);

describe('Tracing: one trace from the gateway to the SQL statements, exported over OTLP/HTTP', () => {
  let receiver: Receiver;
  const subgraphUrls: Record<string, string> = {};
  let gatewayUrl: string;
  const processes: Spawned[] = [];
  const otel = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });

  beforeAll(async () => {
    receiver = await startReceiver();
    const started = await Promise.all(OPERATORS.map((operator) => startSubgraph(operator, otel())));
    OPERATORS.forEach((operator, index) => (subgraphUrls[operator.code] = started[index].url));
    const gateway = await startGateway(subgraphUrls, otel());
    gatewayUrl = gateway.url;
    processes.push(gateway.process, ...started.map((service) => service.process));
  }, 180_000);

  afterAll(async () => {
    await receiver?.close();
  });

  it('links gateway server span → fetch → subgraph server span → SQL statements under the caller\'s trace id', async () => {
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const answer = await post(gatewayUrl, DIRECTORY, { name: NAME_FILTER }, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.operators.map((operator: any) => operator.members.nodes.length)).toEqual(OPERATORS.map(() => 3));

    const slugs = OPERATORS.map((operator) => operator.slug);
    const complete = () => {
      const ours = receiver.spans.filter((span) => span.traceId === traceId);
      const server = ours.find((span) => span.service === 'gateway' && span.kind === SPAN_KIND.SERVER);
      const everyOperator = slugs.every(
        (slug) =>
          ours.some((span) => span.service === subgraphService(slug) && span.kind === SPAN_KIND.SERVER) &&
          ours.some((span) => span.service === subgraphService(slug) && isSqlStatement(span)),
      );
      return server && everyOperator ? ours : undefined;
    };
    await eventually('the spans of every service', complete, 30_000, () => `${renderTree(receiver.spans)}\n${spawned.map((s) => s.output()).join('\n')}`);
    // Spans end children first: give the last ones (the servers' own) one more export round.
    await new Promise((done) => setTimeout(done, 500));
    const spans = receiver.spans;
    const tree = renderTree(spans);

    // Every span exported so far belongs to our request: nothing else was traced (no start-up SQL,
    // no probes), and nothing of it started a trace of its own.
    expect({ tree, traceIds: [...new Set(spans.map((span) => span.traceId))] }).toEqual({ tree, traceIds: [traceId] });

    // The gateway's server span continues the caller's trace.
    const gatewayServer = spans.filter((span) => span.service === 'gateway' && span.kind === SPAN_KIND.SERVER);
    expect(gatewayServer.map((span) => span.parentSpanId)).toEqual([callerSpanId]);
    const underGatewayServer = (span: CollectedSpan) => ancestorsOf(span, spans).includes(gatewayServer[0]);

    // Apollo Gateway's own spans, under the server span: one fetch to each operator subgraph.
    const fetches = spans.filter((span) => span.service === 'gateway' && span.name === 'gateway.fetch');
    expect(fetches.every(underGatewayServer)).toBe(true);
    expect(new Set(fetches.map((span) => span.attributes.service))).toEqual(new Set(['partnership', ...slugs]));

    for (const slug of slugs) {
      const service = subgraphService(slug);
      // Each subgraph request is the child of the gateway's HTTP client span (fetch/undici), under
      // the fetch span that planned the call to this subgraph.
      const servers = spans.filter((span) => span.service === service && span.kind === SPAN_KIND.SERVER);
      expect(servers.length).toBeGreaterThanOrEqual(1);
      for (const server of servers) {
        const client = spans.find((span) => span.spanId === server.parentSpanId);
        expect({ service, client: client && { service: client.service, kind: client.kind } }).toEqual({ service, client: { service: 'gateway', kind: SPAN_KIND.CLIENT } });
        expect(underGatewayServer(client!)).toBe(true);
      }
      expect(
        servers.some((server) => {
          const client = spans.find((span) => span.spanId === server.parentSpanId)!;
          return ancestorsOf(client, spans).some((span) => span.name === 'gateway.fetch' && span.attributes.service === slug);
        }),
      ).toBe(true);

      // Its SQL statements, under its server span, with their text and never their values.
      const statements = spans.filter((span) => span.service === service && isSqlStatement(span));
      expect(statements.length).toBeGreaterThanOrEqual(1);
      for (const statement of statements) {
        expect({ service, statement: statement.name, underServer: servers.some((server) => ancestorsOf(statement, spans).includes(server)) }).toEqual({
          service,
          statement: statement.name,
          underServer: true,
        });
        expect(typeof statement.attributes['db.query.text']).toBe('string');
        expect(String(statement.attributes['db.query.text'])).toMatch(/^\s*(SELECT|WITH|INSERT|UPDATE|DELETE|SET|SHOW|BEGIN|COMMIT|ROLLBACK)\b/i);
        expect(Object.keys(statement.attributes).filter((key) => /values|parameter/i.test(key))).toEqual([]);
      }
      // The name filter went to PostgreSQL as a bound parameter ($n), which no span records.
      expect(statements.some((statement) => /\$[0-9]+/.test(String(statement.attributes['db.query.text'])))).toBe(true);
    }

    const leaks = spans.filter((span) => JSON.stringify(span.attributes).toLowerCase().includes(NAME_FILTER.toLowerCase()));
    expect(leaks.map((span) => `${span.service} ${span.name}`)).toEqual([]);
  }, 120_000);

  it("writes the request's trace id in every service's request log line", async () => {
    const traceId = hex(16);
    const answer = await post(gatewayUrl, '{ operators { members(first: 1) { nodes { name } } } }', {}, { traceparent: `00-${traceId}-${hex(8)}-01` });
    expect(answer.errors).toBeUndefined();
    // The gateway's line, then each operator subgraph's, all with the caller's trace id.
    for (const service of processes) {
      const [line] = await service.waitForLine(new RegExp(`^.*"traceId":"${traceId}".*"graphql request".*$`, 'm'), 10_000);
      expect(JSON.parse(line)).toMatchObject({ traceId, msg: 'graphql request' });
    }
  });

  it('exports the spans still queued when a service is stopped (SIGINT), before it exits 0', async () => {
    // A schedule delay far beyond the test: the spans can only leave on shutdown.
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' };
    const megalis = OPERATORS.find((operator) => operator.code === 'MEGALIS')!;
    const [subgraph, gateway] = await Promise.all([startSubgraph(megalis, env), startGateway(subgraphUrls, env)]);
    const subgraphTrace = hex(16);
    const gatewayTrace = hex(16);
    const direct = await post(subgraph.url, '{ _service { sdl } }', {}, { traceparent: `00-${subgraphTrace}-${hex(8)}-01` });
    expect(direct.data._service.sdl).toContain('MegalisMember');
    const viaGateway = await post(gateway.url, '{ operators { code memberCount } }', {}, { traceparent: `00-${gatewayTrace}-${hex(8)}-01` });
    expect(viaGateway.errors).toBeUndefined();
    await new Promise((done) => setTimeout(done, 300));
    const exported = (traceId: string, service: string) => receiver.spans.filter((span) => span.traceId === traceId && span.service === service);
    expect(exported(subgraphTrace, subgraphService(megalis.slug))).toEqual([]);
    expect(exported(gatewayTrace, 'gateway')).toEqual([]);

    expect(await subgraph.process.stop(15_000)).toBe(0);
    expect(await gateway.process.stop(15_000)).toBe(0);
    expect(exported(subgraphTrace, subgraphService(megalis.slug)).some((span) => span.kind === SPAN_KIND.SERVER)).toBe(true);
    expect(exported(gatewayTrace, 'gateway').some((span) => span.kind === SPAN_KIND.SERVER)).toBe(true);
    expect(exported(gatewayTrace, 'gateway').some((span) => span.name === 'gateway.fetch')).toBe(true);
  }, 180_000);
});

describe('Tracing: off unless configured', () => {
  /** What `register` did in a fresh process, with `env` only: is the SDK loaded, is anything patched? */
  const probe = (env: Record<string, string>) => {
    const script = `
      const { tracingEnabled } = require('./shared/src/tracing/register');
      const http = require('node:http');
      const pg = require('pg');
      const { execute } = require('graphql/execution/execute');
      const api = require('@opentelemetry/api');
      const loaded = Object.keys(require.cache).filter((file) => /@opentelemetry[\\/](sdk-trace|instrumentation|exporter)/.test(file));
      process.stdout.write(JSON.stringify({
        enabled: tracingEnabled(),
        sdkModulesLoaded: loaded.length > 0,
        patched: [Boolean(http.request.__wrapped), Boolean(pg.Client.prototype.query.__wrapped), Boolean(execute.__wrapped)],
        provider: api.trace.getTracerProvider().getDelegate().constructor.name,
      }));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  it('loads and patches nothing without an endpoint (or with an empty one), and everything with one', () => {
    const off = { enabled: false, sdkModulesLoaded: false, patched: [false, false, false], provider: 'NoopTracerProvider' };
    expect(probe({})).toEqual(off);
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' })).toEqual(off);
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual({
      enabled: true,
      sdkModulesLoaded: true,
      patched: [true, true, true],
      provider: 'NodeTracerProvider',
    });
  }, 60_000);

  it('exports nothing with OTEL_SDK_DISABLED=true, even with an endpoint', async () => {
    const receiver = await startReceiver();
    try {
      const maximilien = OPERATORS.find((operator) => operator.code === 'MAXIMILIEN')!;
      const subgraph = await startSubgraph(maximilien, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_SDK_DISABLED: 'true' });
      const answer = await post(subgraph.url, '{ _service { sdl } }', {}, { traceparent: `00-${hex(16)}-${hex(8)}-01` });
      expect(answer.data._service.sdl).toContain('MaximilienMember');
      expect(await subgraph.process.stop(15_000)).toBe(0);
      expect(receiver.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it('stops a service with status 2 and names the variable when an endpoint is not a URL', async () => {
    const gateway = spawnService('gateway/src/index.ts', serviceEnv({ PORT: '0', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' }));
    const code = await new Promise<number | null>((done) => gateway.child.once('exit', (exitCode) => done(exitCode)));
    expect(code).toBe(2);
    expect(gateway.output()).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be');
  }, 60_000);
});
