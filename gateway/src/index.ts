// First, and as a bare import (never elided): tracing patches http, pg and graphql as they are
// required. Off unless an OTLP endpoint is configured.
import '../../shared/src/tracing/register';
import { shutdownTracing } from '../../shared/src/tracing/register';
// Then, before anything loads Apollo Gateway or Apollo Server: their substituted dependencies
// (shared/src/runtime/module-substitution.ts).
import { flattenedFederationInternals } from './federation-exports';
import { apolloHotPathSubstitutions } from '../../shared/src/http/apollo-hot-path';
import { warnOfEarlyReaders } from '../../shared/src/runtime/module-substitution';
import cluster from 'node:cluster';
import { ConfigError } from '../../shared/src/config/env.util';
import { handleTerminationSignals, readShutdownGraceMs } from '../../shared/src/http/graceful-shutdown';
import { createLogger } from '../../shared/src/logging/logger';
import { OPERATORS } from '../../shared/src/operators/operator-registry';
import { readGatewayConfig } from './gateway-config';
import { createGatewayServer } from './gateway-server';
import { readSupergraphSdl } from './supergraph-file';

/**
 * The gateway process: reads and validates its configuration, starts over the committed
 * supergraph (whether or not the operator subgraphs are up: each is called per request, and one
 * that is down is `OPERATOR_UNAVAILABLE` until it is back), listens, and shuts down gracefully on
 * SIGTERM/SIGINT (in-flight requests finish within `SHUTDOWN_GRACE_MS`, then it exits).
 */
async function main(): Promise<void> {
  let config;
  let graceMs;
  try {
    config = readGatewayConfig(OPERATORS, process.env);
    graceMs = readShutdownGraceMs(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger('gateway', config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config.workers, logger);
  const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, { ...config, logger });
  const http = await server.listen(config.port, process.env.HOST ?? '127.0.0.1');
  handleTerminationSignals(logger, graceMs, [
    { name: 'http', run: () => http.close({ graceMs }) },
    { name: 'apollo', run: () => server.apollo.stop() },
    { name: 'tracing', run: shutdownTracing },
  ]);
  // Correct either way, only slower: a module that loaded Apollo Gateway or Apollo Server before this file's imports ran.
  warnOfEarlyReaders(logger, { '@apollo/federation-internals': flattenedFederationInternals, ...apolloHotPathSubstitutions });
  logger.info({ url: http.url, subgraphs: config.subgraphUrls }, 'gateway ready');
}

/**
 * Cluster mode (`GATEWAY_WORKERS` > 1): the primary forks the workers, which share the port
 * (node:cluster distributes the connections), restarts a worker that dies, and on SIGTERM/SIGINT
 * passes the signal on and exits once every worker has finished its requests.
 */
function superviseWorkers(count: number, logger: ReturnType<typeof createLogger>): void {
  let stopping = false;
  for (let i = 0; i < count; i += 1) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.warn({ pid: worker.process.pid, code, signal }, 'gateway worker exited; starting another');
    cluster.fork();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: count }, 'stopping gateway workers');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    });
  }
  logger.info({ workers: count }, 'gateway primary: workers started');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
