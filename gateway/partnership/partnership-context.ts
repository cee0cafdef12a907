import type { CachePolicyAccumulator } from '../../shared/src/http/graphql-http-client';

/**
 * What the partnership layer needs of the request context: the caller's credentials to forward,
 * the request id, and where to record operators that could not be reached (the gateway's
 * `operatorErrorsPlugin` turns them into `OPERATOR_UNAVAILABLE` errors beside the data).
 */
export interface PartnershipContext {
  authorization?: string;
  requestId?: string;
  unavailableOperators?: Set<string>;
  /** Collects the operators' cache hints for the answer's own. */
  cachePolicy?: CachePolicyAccumulator;
}
