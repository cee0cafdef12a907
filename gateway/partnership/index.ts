// First, and as a bare import (never elided): tracing patches http, pg and graphql as they are
// required. Off unless an OTLP endpoint is configured.
import '../../shared/src/tracing/register';
import { shutdownTracing } from '../../shared/src/tracing/register';
import { apolloHotPathSubstitutions } from '../../shared/src/http/apollo-hot-path';
import { warnOfEarlyReaders } from '../../shared/src/runtime/module-substitution';
import { readCommonConfig } from '../../shared/src/config/runtime-config';
import { readPort } from '../../shared/src/config/env.util';
import { handleTerminationSignals, readShutdownGraceMs } from '../../shared/src/http/graceful-shutdown';
import { createLogger } from '../../shared/src/logging/logger';
import { OPERATORS } from '../../shared/src/operators/operator-registry';
import { readGatewayConfig } from '../src/gateway-config';
import { createPartnershipServer } from './partnership-server';

/**
 * The partnership subgraph on its own (it runs inside the gateway by default): for a deployment
 * where it scales apart, or behind another router (Apollo Router, Hive Gateway).
 * `PARTNERSHIP_PORT`, 4010 by default; the operator subgraphs' URLs as for the gateway.
 */
async function main(): Promise<void> {
  const config = readCommonConfig(process.env);
  const port = readPort(process.env, 'PARTNERSHIP_PORT', 4010);
  const { subgraphUrls, subgraphTimeoutMs, subgraphApq } = readGatewayConfig(OPERATORS, process.env);
  const logger = createLogger('partnership', config.logLevel);
  const server = await createPartnershipServer(OPERATORS, {
    subgraphUrls,
    timeoutMs: subgraphTimeoutMs,
    introspection: config.introspection,
    maskInternal: config.nodeEnv === 'production',
    cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
    apq: subgraphApq,
  });
  const http = await server.listen(port, process.env.HOST ?? '127.0.0.1');
  warnOfEarlyReaders(logger, apolloHotPathSubstitutions);
  logger.info({ url: http.url }, 'partnership subgraph ready');
  const graceMs = readShutdownGraceMs(process.env);
  handleTerminationSignals(logger, graceMs, [
    { name: 'http', run: () => http.close({ graceMs }) },
    { name: 'apollo', run: () => server.apollo.stop() },
    { name: 'tracing', run: shutdownTracing },
  ]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
