import { createRequire } from 'node:module';
import { flattenReexports, substituteModule } from '../../shared/src/runtime/module-substitution';
import { reuseOperations, type BuildOperation } from './operation-reuse';
import { createComputeResponse, type ComputeResponse, type ShapingInternals } from './result-shaping';

const requireFromGateway = createRequire(require.resolve('@apollo/gateway'));

/**
 * `@apollo/federation-internals`, as Apollo Gateway requires it, with its exports as plain
 * properties (see `flattenReexports`: Apollo Gateway's result shaping reads them per value), and
 * `operationFromDocument` reusing the operations it built (see `reuseOperations`). This module must
 * be loaded before `@apollo/gateway`: the gateway's entry point and server factory import it first.
 * Null where Node's module cache is not in use (under Jest).
 */
export const flattenedFederationInternals = flattenReexports('@apollo/federation-internals', requireFromGateway, {
  operationFromDocument: (build) => reuseOperations(build as BuildOperation<object, unknown>),
});

/**
 * Apollo Gateway's result shaping module (`./resultShaping`, required by its query-plan executor),
 * with `computeResponse` replaced by ours (gateway/src/result-shaping.ts: the same answers, without
 * the per-value allocation), on the flat copy above. Null where nothing was flattened (under Jest).
 */
export const substitutedResultShaping = flattenedFederationInternals ? substituteResultShaping(flattenedFederationInternals.flat) : null;

/** An @apollo/gateway upgrade that moves or changes the module stops the gateway here, saying so. */
function substituteResultShaping(internals: object) {
  const cannot = (why: string) => new Error(`@apollo/gateway/dist/resultShaping ${why}: gateway/src/result-shaping.ts cannot replace its computeResponse (see its test against Apollo's)`);
  try {
    requireFromGateway.resolve('./resultShaping');
  } catch {
    throw cannot('is missing');
  }
  return substituteModule<{ computeResponse: ComputeResponse }>('./resultShaping', requireFromGateway, (original) => {
    if (typeof original.computeResponse !== 'function') throw cannot('has no computeResponse');
    return Object.freeze({ ...original, computeResponse: createComputeResponse(internals as ShapingInternals) });
  });
}
