import type { DataSource } from 'typeorm';
import type { Viewer } from '../auth/viewer';
import type { DirectoryLoaders } from '../loaders/directory-loaders';
import type { OperatorDefinition } from '../operators/operator-definition';

/** The per-request context of an operator subgraph. */
export interface SubgraphContext {
  operator: OperatorDefinition;
  /** The caller, from the bearer token this subgraph verified itself (never trusted from the gateway). */
  viewer: Viewer;
  dataSource: DataSource;
  loaders: DirectoryLoaders;
  /** Loaders of the operator's specifics, created per request too. */
  specificLoaders: Record<string, unknown>;
}
