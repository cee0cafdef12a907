import { ConfigError } from '../config/env.util';
import { readSubgraphConfig } from '../config/runtime-config';
import { createLogger } from '../logging/logger';
import { createServiceMetrics } from '../metrics/service-metrics';
import { redactUrl } from '../config/env.util';
import { usesDevelopmentSecret } from '../auth/auth-config';
import { createOperatorDataSourceFor } from './operator-database';
import { createOperatorSubgraph } from './operator-subgraph';
import type { OperatorModule } from './operator-specifics';
import { prepareOperatorDatabase } from '../database/prepare-operator-database';

/**
 * The listener of an operator subgraph process: reads and validates its configuration, connects
 * to its database (migrating first when `RUN_MIGRATIONS=true`), listens, and shuts down
 * gracefully on SIGTERM/SIGINT (in-flight requests finish, then the pool closes).
 */
export async function runOperatorSubgraph(module: OperatorModule, env = process.env): Promise<void> {
  let config;
  try {
    config = readSubgraphConfig(module.operator, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(module.operator.slug, config.logLevel);
  if (usesDevelopmentSecret(config.auth)) logger.warn('verifying tokens with the published development secret (JWT_SECRET unset)');
  const metrics = createServiceMetrics(module.operator.slug, { defaultMetrics: true });
  const dataSource = createOperatorDataSourceFor(module, config.databaseUrl, metrics);
  await dataSource.initialize();
  if (env.RUN_MIGRATIONS === 'true') {
    const { migrations, seeded } = await prepareOperatorDatabase(dataSource, module, { seed: env.SEED_ON_START === 'true' ? 'if-empty' : false });
    logger.info({ migrations, seeded }, 'database prepared');
  }
  const subgraph = await createOperatorSubgraph(module, dataSource, metrics, { ...config, logger });
  const http = await subgraph.listen(config.port, env.HOST ?? '127.0.0.1');
  logger.info({ url: http.url, database: redactUrl(config.databaseUrl) }, `${module.operator.name} subgraph ready`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await http.close();
    await subgraph.apollo.stop();
    await dataSource.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
