import type { DataSource } from 'typeorm';
import type { AuthConfig } from '../auth/auth-config';
import type { RunningHttpServer } from '../http/http-server';
import { createServiceMetrics, type ServiceMetrics } from '../metrics/service-metrics';
import { createOperatorDataSourceFor } from '../subgraph/operator-database';
import { createOperatorSubgraph, type OperatorSubgraph } from '../subgraph/operator-subgraph';
import type { OperatorModule } from '../subgraph/operator-specifics';
import { TEST_AUTH_CONFIG } from './test-auth';

/** An operator subgraph started in-process on a free port, against a real database. */
export interface RunningOperatorSubgraph {
  readonly module: OperatorModule;
  readonly subgraph: OperatorSubgraph;
  readonly dataSource: DataSource;
  readonly metrics: ServiceMetrics;
  /** The HTTP server; null while stopped. */
  http: RunningHttpServer | null;
  readonly url: string;
  /** Stops listening (the subgraph is then "down"); `start` brings it back on the same port. */
  stopListening(): Promise<void>;
  startListening(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `auth` defaults to the test secret that `test/support/alliance.ts` gives the gateway too;
 * `cacheMaxAgeSeconds` (`CACHE_MAX_AGE`) to 0, as under NODE_ENV=test.
 */
export async function startOperatorSubgraph(
  module: OperatorModule,
  databaseUrl: string,
  options: { auth?: AuthConfig; cacheMaxAgeSeconds?: number; preparedStatements?: boolean } = {},
): Promise<RunningOperatorSubgraph> {
  const metrics = createServiceMetrics(module.operator.slug);
  const dataSource = createOperatorDataSourceFor(module, databaseUrl, metrics);
  await dataSource.initialize();
  const subgraph = await createOperatorSubgraph(module, dataSource, metrics, {
    nodeEnv: 'test',
    introspection: true,
    auth: options.auth ?? TEST_AUTH_CONFIG,
    cacheMaxAgeSeconds: options.cacheMaxAgeSeconds ?? 0,
    preparedStatements: options.preparedStatements,
  });
  let http: RunningHttpServer | null = await subgraph.listen(0);
  const port = http.port;
  const running: RunningOperatorSubgraph = {
    module,
    subgraph,
    dataSource,
    metrics,
    get http() {
      return http;
    },
    url: http.url,
    async stopListening() {
      if (!http) return;
      http.server.closeAllConnections();
      await http.close();
      http = null;
    },
    async startListening() {
      if (!http) http = await subgraph.listen(port);
    },
    async close() {
      await running.stopListening();
      await subgraph.apollo.stop();
      await dataSource.destroy();
    },
  };
  return running;
}
