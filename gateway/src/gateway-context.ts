/** The gateway's per-request context. */
export interface GatewayContext {
  /** The caller's `Authorization` header, forwarded to the subgraphs. */
  authorization?: string;
  /** Follows the request into every subgraph (`x-request-id`). */
  requestId: string;
}
