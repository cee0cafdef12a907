import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer';
import type { DirectoryLoaders } from '../loaders/directory-loaders';
import type { HistoryLoaders } from './write-resolvers';
import type { OperatorDefinition } from '../operators/operator-definition';

/** The per-request context of an operator subgraph. */
export interface SubgraphContext {
  operator: OperatorDefinition;
  /** The caller, from the bearer token this subgraph verified itself (never trusted from the gateway). */
  viewer: Viewer;
  /** The request id the gateway passed on (`x-request-id`), for logs and the audit trail. */
  requestId: string | null;
  dataSource: DataSource;
  loaders: DirectoryLoaders;
  /** Loaders of members' status history and audit trail. */
  history: HistoryLoaders;
  /** Loaders of the operator's specifics, created per request too. */
  specificLoaders: Record<string, unknown>;
}
