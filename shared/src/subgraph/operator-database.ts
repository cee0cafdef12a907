import type { DataSource } from 'typeorm';
import { createOperatorDataSource } from '../database/operator-data-source';
import type { ServiceMetrics } from '../metrics/service-metrics';
import type { OperatorModule } from './operator-specifics';

/** The DataSource of an operator's database: kernel + specifics, counting into `metrics`. */
export function createOperatorDataSourceFor(
  module: OperatorModule,
  url: string,
  metrics?: ServiceMetrics,
): DataSource {
  return createOperatorDataSource({
    url,
    entities: module.specifics.entities,
    migrations: module.specifics.migrations,
    onStatement: metrics ? () => metrics.sqlStatements.inc() : undefined,
    applicationName: `alliance-graph-${module.operator.slug}`,
  });
}
