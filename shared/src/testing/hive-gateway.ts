import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { GatewayPlugin } from '@graphql-hive/gateway';

/**
 * A second, independent gateway implementation in front of the real subgraphs: Hive Gateway
 * (The Guild), configured programmatically (`createGatewayRuntime`) and served over node:http on a
 * free loopback port. By default it plans with the router runtime (`@graphql-hive/router-runtime`:
 * the Rust query planner of Hive Router, a native addon); `planner: 'js'` selects Hive Gateway's
 * default JavaScript planner (`@graphql-tools/federation`).
 *
 * The committed supergraph is served as is, except for the subgraph URLs: the `url` of every
 * `@join__graph` is rewritten to the running subgraph's (the committed values are the 127.0.0.1
 * development defaults), as a deployment does. Header propagation forwards the caller's
 * `Authorization` (and `x-request-id`) to every subgraph, which verifies it. No usage reporting,
 * no GraphiQL or landing page, no logging (`HIVE_LOG_LEVEL=debug` to see it); every upstream fetch
 * is recorded and refused unless it targets loopback. A request can ask for its query plan
 * (QUERY_PLAN_HEADER).
 *
 * It runs in a child Node process of its own (this file is also that process's entry point):
 * Jest runs test code in a VM context where `import()` is unavailable without
 * `--experimental-vm-modules`, and Hive Gateway loads the router's planner
 * (`await import('@graphql-hive/router-query-planner')`) and its transports with `import()`.
 * A separate process is also how it runs in production.
 */
export type HivePlanner = 'router' | 'js';

/**
 * A request with this header set to `true` gets the router runtime's query plan (Hive Router's
 * format: `{ kind: 'QueryPlan', node }`) in `extensions.queryPlan`. Test-only; none with the JS planner.
 */
export const QUERY_PLAN_HEADER = 'x-hive-expose-query-plan';

export interface HiveGatewayOptions {
  supergraphSdl: string;
  /** URL of every subgraph, by its `@join__graph` name (`megalis`, `partnership`...). */
  subgraphUrls: Record<string, string>;
  planner?: HivePlanner;
}

export interface HiveGatewayStats {
  /** Query plans the router runtime produced (0 with the JS planner). */
  plans: number;
  /** Every upstream URL Hive Gateway fetched, in order. */
  fetchedUrls: string[];
  /** Upstream fetches refused because they did not target loopback. */
  refusedUrls: string[];
}

export interface RunningHiveGateway {
  readonly url: string;
  readonly planner: HivePlanner;
  readonly pid: number;
  stats(): Promise<HiveGatewayStats>;
  close(): Promise<void>;
}

const JOIN_GRAPH = /@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"([^"]*)"\s*\)/g;

/** The supergraph with each `@join__graph` URL replaced; every graph must be given a URL. */
export function withSubgraphUrls(supergraphSdl: string, subgraphUrls: Record<string, string>): string {
  const seen = new Set<string>();
  const sdl = supergraphSdl.replace(JOIN_GRAPH, (_match, name: string) => {
    const url = subgraphUrls[name];
    if (!url) throw new Error(`No URL given for the subgraph "${name}" of the supergraph`);
    seen.add(name);
    return `@join__graph(name: ${JSON.stringify(name)}, url: ${JSON.stringify(url)})`;
  });
  const unknown = Object.keys(subgraphUrls).filter((name) => !seen.has(name));
  if (unknown.length) throw new Error(`The supergraph has no subgraph named ${unknown.join(', ')}`);
  return sdl;
}

// ---- The test's side: starts the child process and talks to it over IPC. ----

type ToChild = { type: 'start'; options: HiveGatewayOptions } | { type: 'stats' } | { type: 'close' };
type FromChild = { type: 'ready'; url: string } | { type: 'stats'; stats: HiveGatewayStats } | { type: 'closed' } | { type: 'error'; message: string };

const START_TIMEOUT_MS = 60_000;

export async function startHiveGateway(options: HiveGatewayOptions): Promise<RunningHiveGateway> {
  const planner = options.planner ?? 'router';
  // tsx (a dependency) runs this TypeScript file; `execArgv` replaces Jest's worker flags.
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = fork(__filename, [], { execArgv: ['--import', tsx], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T extends FromChild['type']>(type: T, timeoutMs: number) => nextMessage(child, type, exited, timeoutMs);
  try {
    send(child, { type: 'start', options: { ...options, planner } });
    const { url } = await next('ready', START_TIMEOUT_MS);
    return {
      url,
      planner,
      pid: child.pid!,
      async stats() {
        send(child, { type: 'stats' });
        return (await next('stats', 10_000)).stats;
      },
      async close() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        send(child, { type: 'close' });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
    };
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
}

function send(child: ChildProcess, message: ToChild): void {
  child.send(message);
}

function nextMessage<T extends FromChild['type']>(child: ChildProcess, type: T, exited: Promise<void>, timeoutMs: number): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => done(new Error(`Hive Gateway: no "${type}" answer within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: FromChild) => {
      if (message.type === 'error') done(new Error(`Hive Gateway: ${message.message}`));
      else if (message.type === type) done(null, message as Extract<FromChild, { type: T }>);
    };
    const onExit = () => done(new Error(`Hive Gateway's process exited (code ${child.exitCode}, signal ${child.signalCode})`));
    void exited.then(onExit);
    child.on('message', onMessage);
    function done(error: Error | null, message?: Extract<FromChild, { type: T }>) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (error) reject(error);
      else resolve(message!);
    }
  });
}

// ---- The child's side: Hive Gateway itself. ----

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

async function serveHiveGateway(options: HiveGatewayOptions) {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway');
  const stats: HiveGatewayStats = { plans: 0, fetchedUrls: [], refusedUrls: [] };
  const loopbackOnly: GatewayPlugin = {
    onFetch({ url }) {
      stats.fetchedUrls.push(url);
      if (!LOOPBACK_HOSTS.has(new URL(url).hostname)) {
        stats.refusedUrls.push(url);
        throw new Error(`Hive Gateway tried to reach ${url}: only loopback is allowed here`);
      }
    },
  };
  const plugins: GatewayPlugin[] = [loopbackOnly];
  let unifiedGraphHandler: import('@graphql-hive/gateway').UnifiedGraphHandler | undefined;
  if (options.planner !== 'js') {
    const router = await import('@graphql-hive/router-runtime');
    unifiedGraphHandler = router.unifiedGraphHandler;
    // The router runtime's hook on its planner: counts the plans, proving which planner ran, and
    // returns the plan in `extensions.queryPlan` to a request that asks for it.
    plugins.push(
      router.useQueryPlan({
        onQueryPlan: () => void stats.plans++,
        expose: (request) => request.headers.get(QUERY_PLAN_HEADER) === 'true',
      }) as unknown as GatewayPlugin,
    );
  }
  const level = process.env.HIVE_LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined;
  const runtime = createGatewayRuntime({
    supergraph: withSubgraphUrls(options.supergraphSdl, options.subgraphUrls),
    ...(unifiedGraphHandler ? { unifiedGraphHandler } : {}),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => {
        const headers: Record<string, string> = {};
        const authorization = request.headers.get('authorization');
        if (authorization) headers.authorization = authorization;
        const requestId = request.headers.get('x-request-id');
        if (requestId) headers['x-request-id'] = requestId;
        return headers;
      },
    },
    plugins: () => plugins,
    logging: level ?? false,
    // Unmasked, like our gateway outside production: the test compares what each one says.
    maskedErrors: false,
    graphiql: false,
    landingPage: false,
    graphqlEndpoint: '/graphql',
  });
  const server: Server = createServer(runtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stats,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await runtime.dispose();
    },
  };
}

function runChild(): void {
  let served: Awaited<ReturnType<typeof serveHiveGateway>> | undefined;
  const reply = (message: FromChild) => process.send?.(message);
  const fail = (error: unknown) => reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.on('message', (message: ToChild) => {
    switch (message.type) {
      case 'start':
        serveHiveGateway(message.options).then((running) => {
          served = running;
          reply({ type: 'ready', url: running.url });
        }, fail);
        return;
      case 'stats':
        if (served) reply({ type: 'stats', stats: served.stats });
        else fail(new Error('not started'));
        return;
      case 'close':
        void (served?.close() ?? Promise.resolve())
          .catch(() => undefined)
          .then(() => {
            reply({ type: 'closed' });
            process.disconnect();
            process.exit(0);
          });
        return;
    }
  });
  // The test process went away without closing: do not outlive it.
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) runChild();
