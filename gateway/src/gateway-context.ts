import type { Viewer } from '../../shared/src/auth/viewer';

/** The gateway's per-request context. */
export interface GatewayContext {
  /**
   * The caller's `Authorization` header, forwarded as is to the subgraphs (each verifies it
   * again); set only when the gateway has verified it.
   */
  authorization?: string;
  /** The caller, from the token the gateway verified (the in-process partnership subgraph reads it). */
  viewer: Viewer;
  /** Follows the request into every subgraph (`x-request-id`). */
  requestId: string;
  /** Operators the partnership layer could not reach during this request. */
  unavailableOperators: Set<string>;
}
