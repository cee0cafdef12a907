import { join } from 'node:path';

/**
 * Our gateway from one source tree (`GATEWAY_ROOT`: this checkout, or a baseline's worktree), in a
 * process of its own, loaded as its entry point loads it (tracing registration, then the server
 * factory, which imports the dependency substitutions first), with only `MEGALIS_URL` pointing at
 * the canned subgraph. Run by bench/gateway-cpu.ts; prints `listening <port>` when ready.
 */
async function main(): Promise<void> {
  const root = process.env.GATEWAY_ROOT;
  if (!root) throw new Error('GATEWAY_ROOT is not set');
  const load = (path: string) => require(join(root, path));
  load('shared/src/tracing/register');
  const { createGatewayServer } = load('gateway/src/gateway-server');
  const { OPERATORS } = load('shared/src/operators/operator-registry');
  const { readGatewayConfig } = load('gateway/src/gateway-config');
  const { readSupergraphSdl } = load('gateway/src/supergraph-file');
  const { createLogger } = load('shared/src/logging/logger');
  const config = readGatewayConfig(OPERATORS, process.env);
  const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, { ...config, logger: createLogger('gateway', 'silent') });
  const http = await server.listen(0, '127.0.0.1');
  process.stdout.write(`listening ${http.port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
