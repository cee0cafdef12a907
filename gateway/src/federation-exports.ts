import { createRequire } from 'node:module';
import { flattenReexports } from '../../shared/src/runtime/module-substitution';
import { reuseOperations, type BuildOperation } from './operation-reuse';

/**
 * `@apollo/federation-internals`, as Apollo Gateway requires it, with its exports as plain
 * properties (see `flattenReexports`: Apollo Gateway's result shaping reads them per value), and
 * `operationFromDocument` reusing the operations it built (see `reuseOperations`). This module must
 * be loaded before `@apollo/gateway`: the gateway's entry point and server factory import it first.
 * Null where Node's module cache is not in use (under Jest).
 */
export const flattenedFederationInternals = flattenReexports('@apollo/federation-internals', createRequire(require.resolve('@apollo/gateway')), {
  operationFromDocument: (build) => reuseOperations(build as BuildOperation<object, unknown>),
});
