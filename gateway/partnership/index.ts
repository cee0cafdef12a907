import { ApolloServer } from '@apollo/server';
import { readCommonConfig } from '../../shared/src/config/runtime-config';
import { readPort } from '../../shared/src/config/env.util';
import { formatClientError } from '../../shared/src/errors/format-error';
import { listenHttp } from '../../shared/src/http/http-server';
import { createLogger } from '../../shared/src/logging/logger';
import { OPERATORS } from '../../shared/src/operators/operator-registry';
import { buildPartnershipSchema } from './partnership-subgraph';
import type { IncomingMessage } from 'node:http';
import { readGatewayConfig } from '../src/gateway-config';
import { operatorErrorsPlugin } from '../src/operator-errors.plugin';
import type { PartnershipContext } from './partnership-context';

/**
 * The partnership subgraph on its own (it runs inside the gateway by default): for a deployment
 * where it scales apart, or for a production router. `PARTNERSHIP_PORT`, 4010 by default.
 */
async function main(): Promise<void> {
  const config = readCommonConfig(process.env);
  const port = readPort(process.env, 'PARTNERSHIP_PORT', 4010);
  const { subgraphUrls, subgraphTimeoutMs } = readGatewayConfig(OPERATORS, process.env);
  const logger = createLogger('partnership', config.logLevel);
  const apollo = new ApolloServer<PartnershipContext>({
    schema: buildPartnershipSchema(OPERATORS, { subgraphUrls, timeoutMs: subgraphTimeoutMs }),
    plugins: [operatorErrorsPlugin<PartnershipContext>()],
    introspection: config.introspection,
    formatError: (formatted) => formatClientError(formatted, { maskInternal: config.nodeEnv === 'production' }),
  });
  await apollo.start();
  const context = async (request: IncomingMessage): Promise<PartnershipContext> => ({
    authorization: typeof request.headers.authorization === 'string' ? request.headers.authorization : undefined,
    requestId: typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : undefined,
    unavailableOperators: new Set(),
  });
  const http = await listenHttp({ apollo, context }, port, process.env.HOST ?? '127.0.0.1');
  logger.info({ url: http.url }, 'partnership subgraph ready');
  const shutdown = async () => {
    await http.close();
    await apollo.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
