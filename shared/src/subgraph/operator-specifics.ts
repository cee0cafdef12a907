import type { DataSource, EntitySchema } from 'typeorm';
import type { OperatorDefinition } from '../operators/operator-definition';
import type { SeedComposition } from '../seed/build-operator-seed';
import type { OperatorSeed, SeedService } from '../seed/seed-types';
import type { SubgraphResolverMap } from './template-operator';

/**
 * What an operator adds to the kernel: its own SDL (types and fields named with its prefix), their
 * resolvers and per-request loaders, its own tables (entities and migrations, run with the
 * kernel's in timestamp order) and the seed of those tables. Everything generic comes from the kernel.
 */
export interface OperatorSpecifics {
  sdl: string;
  /**
   * Resolvers of the types and fields `sdl` adds, typed by the operator's own generated types
   * (`subgraphs/<slug>/src/generated/`, `npm run codegen`), whose context is `SubgraphContext`.
   */
  resolvers?: SubgraphResolverMap;
  createLoaders?: (dataSource: DataSource) => Record<string, unknown>;
  entities?: EntitySchema[];
  migrations?: Function[];
  /** The operator's service catalogue, for the seed. */
  catalogue?: readonly SeedService[];
  /** How the operator's seeded directory is composed beyond the INSEE reference. */
  seedComposition?: SeedComposition;
  /** Fills the operator's own tables from the seed, after the kernel's seed; idempotent. */
  seed?: (dataSource: DataSource, seed: OperatorSeed) => Promise<void>;
}

/** An operator subgraph's module: its registry entry and its specifics. */
export interface OperatorModule {
  operator: OperatorDefinition;
  specifics: OperatorSpecifics;
}
