// Run by test/federation-exports.spec.ts in a Node process of its own: Node's module cache, as
// the gateway's entry point loads it (Jest's module registry would make the flattening a no-op).
// The server factory first, as the gateway's entry point loads it: the flattening must come from it.
import { createGatewayServer } from '../../gateway/src/gateway-server';
import { createRequire } from 'node:module';
import { flattenedFederationInternals } from '../../gateway/src/federation-exports';
import { divergentExports } from '../../shared/src/runtime/flat-exports';
import { readGatewayConfig } from '../../gateway/src/gateway-config';
import { readSupergraphSdl } from '../../gateway/src/supergraph-file';
import { OPERATORS } from '../../shared/src/operators/operator-registry';
import { TEST_JWT_SECRET } from '../../shared/src/testing/test-auth';

async function main(): Promise<void> {
  const flattened = flattenedFederationInternals;
  if (!flattened) throw new Error('@apollo/federation-internals was not flattened');
  // The copy Apollo Gateway's own modules were given.
  const gatewaysCopy = createRequire(require.resolve('@apollo/gateway'))('@apollo/federation-internals');
  // Nothing listens on port 9: every operator is unavailable; the registry's fields still answer.
  const env: Record<string, string> = { NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, SUBGRAPH_TIMEOUT_MS: '500' };
  for (const operator of OPERATORS) env[`${operator.code}_URL`] = 'http://127.0.0.1:9/graphql';
  const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, readGatewayConfig(OPERATORS, env));
  const context = { authorization: undefined, viewer: null, requestId: 'federation-exports-check', unavailableOperators: new Set<string>() };
  const answer = await server.apollo.executeOperation({ query: '{ operators { code } }' }, { contextValue: context as never });
  await server.apollo.stop();
  const body = answer.body.kind === 'single' ? answer.body.singleResult : null;
  process.stdout.write(
    `${JSON.stringify({
      gatewayReadsFlatCopy: gatewaysCopy === flattened.flat,
      earlyReaders: flattened.earlyReaders,
      getters: Object.getOwnPropertyNames(flattened.flat).filter((name) => 'get' in Object.getOwnPropertyDescriptor(flattened.flat, name)!),
      exportCount: Object.getOwnPropertyNames(flattened.flat).length,
      divergent: divergentExports(flattened),
      data: body?.data ?? null,
      errors: body?.errors ?? null,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
