import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { startEmbeddedCluster } from '../shared/src/postgres/embedded-cluster';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { TEST_DATABASE_URLS_ENV } from '../shared/src/testing/test-databases';
import { loadOperatorModule } from '../subgraphs/operator-modules';

/** Starts PostgreSQL for the test run: a fresh temporary cluster, one seeded database per operator. */
export default async function globalSetup(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-graph-test-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const cluster = await startEmbeddedCluster({ dataDir, port });
  (globalThis as Record<string, unknown>).__ALLIANCE_PG__ = { cluster, dataDir };
  const urls: Record<string, string> = {};
  for (const operator of OPERATORS) {
    await cluster.ensureDatabase(operator.databaseName);
    urls[operator.code] = cluster.url(operator.databaseName);
    const module = loadOperatorModule(operator);
    const dataSource = createOperatorDataSourceFor(module, urls[operator.code]);
    await dataSource.initialize();
    try {
      await prepareOperatorDatabase(dataSource, module, { seed: 'if-empty' });
    } finally {
      await dataSource.destroy();
    }
    // A pristine copy, never connected to: tests that write clone it (CREATE DATABASE … TEMPLATE).
    await cluster.ensureDatabaseFromTemplate(`${operator.databaseName}_template`, operator.databaseName);
  }
  process.env[TEST_DATABASE_URLS_ENV] = JSON.stringify(urls);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
