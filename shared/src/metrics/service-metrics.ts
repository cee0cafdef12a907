import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * Prometheus metrics of one service (the gateway or a subgraph), in a registry of its own so that
 * several services can run in one process (as the tests do) without mixing their figures.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly sqlStatements: Counter;
  readonly requests: Counter<'operation_type'>;
  readonly errors: Counter<'code'>;
  readonly requestDuration: Histogram;
  /** The gateway's calls to each subgraph, by subgraph and outcome. */
  readonly subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  /** The gateway's response cache: anonymous queries answered from it (hit) or computed (miss). */
  readonly responseCacheLookups: Counter<'outcome'>;
  /** Exposes a connection pool's figures (total, idle, waiting) read at each scrape. */
  observePool(read: () => { total: number; idle: number; waiting: number } | null): void;
  /** Total SQL statements sent so far (read by tests and the benchmark). */
  sqlStatementCount(): Promise<number>;
  exposition(): Promise<{ contentType: string; body: string }>;
  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext>;
}

export function createServiceMetrics(service: string, options: { defaultMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const sqlStatements = new Counter({ name: 'sql_statements_total', help: 'SQL statements sent to the database.', registers: [registry] });
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests executed, by operation type.',
    labelNames: ['operation_type'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors returned, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request duration.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const subgraphFetchDuration = new Histogram({
    name: 'subgraph_fetch_duration_seconds',
    help: "Duration of the gateway's calls to a subgraph, by subgraph and outcome (ok, error).",
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const responseCacheLookups = new Counter({
    name: 'response_cache_lookups_total',
    help: "Anonymous queries answered from the gateway's response cache (hit) or computed (miss).",
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    registry,
    sqlStatements,
    subgraphFetchDuration,
    responseCacheLookups,
    observePool(read) {
      new Gauge({
        name: 'db_pool_connections',
        help: 'Database pool connections, by state (total, idle, waiting clients).',
        labelNames: ['state'] as const,
        registers: [registry],
        collect() {
          const figures = read();
          if (!figures) return;
          this.set({ state: 'total' }, figures.total);
          this.set({ state: 'idle' }, figures.idle);
          this.set({ state: 'waiting' }, figures.waiting);
        },
      });
    },
    requests,
    errors,
    requestDuration,
    async sqlStatementCount() {
      return (await sqlStatements.get()).values[0]?.value ?? 0;
    },
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    plugin() {
      return {
        async requestDidStart() {
          const stopTimer = requestDuration.startTimer();
          return {
            async willSendResponse({ operation, errors: requestErrors, response }) {
              stopTimer();
              requests.inc({ operation_type: operation?.operation ?? 'unknown' });
              const sent = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
              for (const error of sent ?? requestErrors ?? []) {
                errors.inc({ code: String((error as { extensions?: { code?: unknown } }).extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
              }
            },
          };
        },
      };
    },
  };
}
