import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The services substitute four modules of Apollo's dependencies before Apollo loads them
 * (shared/src/runtime/module-substitution.ts): the gateway flattens @apollo/federation-internals,
 * with `operationFromDocument` reusing the operations it built, and gives Apollo Gateway's executor
 * our result shaping (gateway/src/federation-exports.ts),
 * and every service gives Apollo Server a `negotiator` that remembers its answers
 * (shared/src/http/apollo-server-negotiation.ts) and Apollo Server and Apollo Gateway a
 * `@apollo/utils.createhash` that remembers query texts' hashes (shared/src/http/apollo-hashing.ts),
 * both through shared/src/http/apollo-hot-path.ts. Checked in Node processes of their own, loading
 * each server factory as its entry point does: Jest's module registry would bypass Node's module
 * cache and the substitutions with it.
 */
function check(service: 'gateway' | 'subgraph' | 'partnership'): Record<string, any> {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/hot-path-substitutions-check.ts', service], {
    cwd: resolve(__dirname, '..'),
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

describe('dependencies as the services load them', () => {
  it('gateway: Apollo Gateway reads the flat copy of @apollo/federation-internals and our result shaping, Apollo Server the remembering negotiator, and answers through them', () => {
    const report = check('gateway');
    expect(report.gatewayReadsFlatCopy).toBe(true);
    expect(report.federationEarlyReaders).toEqual([]);
    expect(report.getters).toEqual([]);
    expect(report.exportCount).toBeGreaterThan(100);
    // After planning and executing an operation twice, no export of the package has moved on;
    // only the replaced one differs from the package's own.
    expect(report.divergent).toEqual([]);
    expect(report.replaced).toEqual(['operationFromDocument']);
    expect(report.operationFromDocumentReplaced).toBe(true);
    // Result shaping: our computeResponse (gateway/src/result-shaping.ts) is the executor's.
    expect(report.gatewayReadsOurResultShaping).toBe(true);
    expect(report.resultShapingEarlyReaders).toEqual([]);
    expectApolloServerSubstitutions(report);
    // The second answer (the executor's operation reused) is the first one.
    const expected = { data: { operators: [{ code: 'MEGALIS' }, { code: 'TERNUM_BFC' }, { code: 'MAXIMILIEN' }], operator: { name: 'Mégalis Bretagne' } } };
    expect(report.answers).toEqual([expected, expected]);
  });

  it.each(['subgraph', 'partnership'] as const)('%s: Apollo Server reads the remembering negotiator and the substituted hashing', (service) => {
    expectApolloServerSubstitutions(check(service));
  });
});

function expectApolloServerSubstitutions(report: Record<string, any>): void {
  expect(report.apolloServerReadsRememberingNegotiator).toBe(true);
  expect(report.apolloServerReadsSubstitutedHashing).toBe(true);
  expect(report.apolloGatewayReadsSubstitutedHashing).toBe(true);
  expect(report.earlyReaders).toBeNull();
  expect(report.negotiationEarlyReaders).toEqual([]);
}
