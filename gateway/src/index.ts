import { ConfigError } from '../../shared/src/config/env.util';
import { createLogger } from '../../shared/src/logging/logger';
import { OPERATORS } from '../../shared/src/operators/operator-registry';
import { readGatewayConfig } from './gateway-config';
import { createGatewayServer } from './gateway-server';
import { readSupergraphSdl } from './supergraph-file';

async function main(): Promise<void> {
  let config;
  try {
    config = readGatewayConfig(OPERATORS, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger('gateway', config.logLevel);
  const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, { ...config, logger });
  const http = await server.listen(config.port, process.env.HOST ?? '127.0.0.1');
  logger.info({ url: http.url, subgraphs: config.subgraphUrls }, 'gateway ready');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await http.close();
    await server.apollo.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
