// Run by test/hot-path-substitutions.spec.ts in a Node process of its own: Node's module cache, as
// the services' entry points load it (Jest's module registry would make the substitutions no-ops).
// Argument: `gateway` (the gateway's server factory, as its entry point loads it), `subgraph` (the
// operator subgraphs' runner) or `partnership` (the remote partnership subgraph's server factory).
import { createRequire } from 'node:module';

const service = process.argv[2];

async function main(): Promise<Record<string, unknown>> {
  // The server factory first, as the entry point loads it: the substitutions must come from it.
  if (service === 'subgraph') {
    await import('../../shared/src/subgraph/run-operator-subgraph');
    return apolloServerReport();
  }
  if (service === 'partnership') {
    await import('../../gateway/partnership/partnership-server');
    return apolloServerReport();
  }
  if (service !== 'gateway') throw new Error(`unknown service ${service}`);
  const { createGatewayServer } = await import('../../gateway/src/gateway-server');
  const { flattenedFederationInternals: flattened, substitutedResultShaping: shaping } = await import('../../gateway/src/federation-exports');
  const { divergentExports } = await import('../../shared/src/runtime/module-substitution');
  const { readGatewayConfig } = await import('../../gateway/src/gateway-config');
  const { readSupergraphSdl } = await import('../../gateway/src/supergraph-file');
  const { OPERATORS } = await import('../../shared/src/operators/operator-registry');
  const { TEST_JWT_SECRET } = await import('../../shared/src/testing/test-auth');
  if (!flattened) throw new Error('@apollo/federation-internals was not flattened');
  // The copy Apollo Gateway's own modules were given.
  const gatewaysCopy = createRequire(require.resolve('@apollo/gateway'))('@apollo/federation-internals');
  // Nothing listens on port 9: every operator is unavailable; the registry's fields still answer.
  const env: Record<string, string> = { NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, SUBGRAPH_TIMEOUT_MS: '500' };
  for (const operator of OPERATORS) env[`${operator.code}_URL`] = 'http://127.0.0.1:9/graphql';
  const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, readGatewayConfig(OPERATORS, env));
  const context = () => ({ authorization: undefined, viewer: null, requestId: 'hot-path-substitutions-check', unavailableOperators: new Set<string>() }) as never;
  const answers = [];
  // Twice: the second time, the executor's operation is the one kept from the first.
  for (let run = 0; run < 2; run++) {
    const answer = await server.apollo.executeOperation({ query: 'query Codes($code: OperatorCode!) { operators { code } operator(code: $code) { name } }', variables: { code: 'MEGALIS' } }, { contextValue: context() });
    answers.push(answer.body.kind === 'single' ? answer.body.singleResult : null);
  }
  await server.apollo.stop();
  return {
    ...(await apolloServerReport()),
    gatewayReadsFlatCopy: gatewaysCopy === flattened.flat,
    federationEarlyReaders: flattened.earlyReaders,
    getters: Object.getOwnPropertyNames(flattened.flat).filter((name) => 'get' in Object.getOwnPropertyDescriptor(flattened.flat, name)!),
    exportCount: Object.getOwnPropertyNames(flattened.flat).length,
    divergent: divergentExports(flattened),
    replaced: flattened.replaced,
    operationFromDocumentReplaced: flattened.flat.operationFromDocument !== flattened.original.operationFromDocument,
    // The module Apollo Gateway's executor was given for result shaping: ours, read by no one before.
    gatewayReadsOurResultShaping:
      shaping !== null &&
      require.cache[require.resolve('@apollo/gateway/dist/executeQueryPlan')]!.children.some((child) => child.exports === shaping.substitute) &&
      shaping.substitute.computeResponse !== shaping.original.computeResponse,
    resultShapingEarlyReaders: shaping?.earlyReaders ?? null,
    answers,
  };
}

/**
 * Whether Apollo Server's `negotiator` is the remembering one, whether Apollo Server's and Apollo
 * Gateway's `@apollo/utils.createhash` are the substitutes, and who loaded any of them before.
 */
async function apolloServerReport(): Promise<Record<string, unknown>> {
  const { apolloHotPathSubstitutions: substitutions } = await import('../../shared/src/http/apollo-hot-path');
  const { negotiator, '@apollo/utils.createhash (Apollo Server)': serverHashing, '@apollo/utils.createhash (Apollo Gateway)': gatewayHashing } = substitutions;
  if (!negotiator || !serverHashing || !gatewayHashing) throw new Error('a dependency was not substituted');
  const fromServer = createRequire(require.resolve('@apollo/server'));
  const fromGateway = createRequire(require.resolve('@apollo/gateway'));
  const { earlyReadersOf } = await import('../../shared/src/runtime/module-substitution');
  return {
    apolloServerReadsRememberingNegotiator: fromServer('negotiator') === negotiator.substitute,
    apolloServerReadsSubstitutedHashing: fromServer('@apollo/utils.createhash') === serverHashing.substitute,
    apolloGatewayReadsSubstitutedHashing: fromGateway('@apollo/utils.createhash') === gatewayHashing.substitute,
    earlyReaders: earlyReadersOf(substitutions),
    negotiationEarlyReaders: negotiator.earlyReaders,
  };
}

main().then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
