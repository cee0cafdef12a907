// First: Apollo Server must find its per-request dependencies substituted when it loads.
import { apolloHotPathSubstitutions } from '../http/apollo-hot-path';
import { warnOfEarlyReaders } from '../runtime/module-substitution';
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
import { readDatabaseTimeouts } from '../database/operator-data-source';
import { handleTerminationSignals, readShutdownGraceMs } from '../http/graceful-shutdown';
import { shutdownTracing } from '../tracing/register';

/**
 * The listener of an operator subgraph process: reads and validates its configuration, connects
 * to its database (migrating first when `RUN_MIGRATIONS=true`), listens, and shuts down
 * gracefully on SIGTERM/SIGINT (in-flight requests finish within `SHUTDOWN_GRACE_MS`, new
 * connections are refused, then Apollo Server stops and the pool closes).
 *
 * Every SQL statement is bounded by `DB_STATEMENT_TIMEOUT_MS` (10 s), every connection attempt by
 * `DB_CONNECT_TIMEOUT_MS` (5 s); `/health/ready` says 503 while the database does not answer.
 */
export async function runOperatorSubgraph(module: OperatorModule, env = process.env): Promise<void> {
  let config;
  let graceMs;
  try {
    config = readSubgraphConfig(module.operator, env);
    graceMs = readShutdownGraceMs(env);
    // Read again by the data source; validated here so that a bad value stops the process at once.
    readDatabaseTimeouts(env);
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
  handleTerminationSignals(logger, graceMs, [
    { name: 'http', run: () => http.close({ graceMs }) },
    { name: 'apollo', run: () => subgraph.apollo.stop() },
    { name: 'database', run: () => dataSource.destroy() },
    { name: 'tracing', run: shutdownTracing },
  ]);
  warnOfEarlyReaders(logger, apolloHotPathSubstitutions);
  logger.info({ url: http.url, database: redactUrl(config.databaseUrl) }, `${module.operator.name} subgraph ready`);
}
