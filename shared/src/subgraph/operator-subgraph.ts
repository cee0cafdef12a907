// First: Apollo Server must find its per-request dependencies substituted when it loads.
import '../http/apollo-hot-path';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse } from 'graphql';
import type { DataSource } from 'typeorm';
import type { AuthConfig } from '../auth/auth-config';
import { createTokenVerifier } from '../auth/token-verifier';
import type { CommonConfig } from '../config/runtime-config';
import { formatClientError } from '../errors/format-error';
import { listenHttp, type RunningHttpServer } from '../http/http-server';
import { requestLimitsProtection, SUBGRAPH_REQUEST_LIMITS, type RequestLimits } from '../http/request-limits';
import { requestSafetyPlugin } from '../http/request-safety.plugin';
import { cacheHintsPlugins } from '../http/cache-hints.plugin';
import { createDirectoryLoaders } from '../loaders/directory-loaders';
import { enablePreparedStatements } from '../database/prepared-statements';
import { within } from '../runtime/within';
import { createHistoryLoaders } from './write-resolvers';
import type { ServiceMetrics } from '../metrics/service-metrics';
import type { Logger } from '../logging/logger';
import { requestLoggingPlugin } from '../logging/request-logging.plugin';
import { renderOperatorSchema } from '../schema/operator-schema.template';
import { createOperatorResolvers } from './operator-resolvers';
import type { OperatorModule } from './operator-specifics';
import type { SubgraphContext } from './subgraph-context';

export interface OperatorSubgraph {
  readonly apollo: ApolloServer<SubgraphContext>;
  readonly metrics: ServiceMetrics;
  readonly dataSource: DataSource;
  /** Starts the HTTP server (port 0: any free port). */
  listen(port: number, host?: string): Promise<RunningHttpServer>;
}

/**
 * The server factory of every operator subgraph: the template's schema and resolvers, the
 * operator's specifics, per-request loaders, metrics. Listening is separate (`listen`), so tests
 * start subgraphs in-process on port 0 and the listener script only calls it.
 *
 * The data source's statement counter must feed `metrics.sqlStatements`: create it with
 * `onStatement: () => metrics.sqlStatements.inc()` (see `createOperatorDataSourceFor`).
 */
export async function createOperatorSubgraph(
  module: OperatorModule,
  dataSource: DataSource,
  metrics: ServiceMetrics,
  config: Pick<CommonConfig, 'nodeEnv' | 'introspection'> & Partial<Pick<CommonConfig, 'cacheMaxAgeSeconds'>> & { auth: AuthConfig; logger?: Logger; requestLimits?: RequestLimits; preparedStatements?: boolean },
): Promise<OperatorSubgraph> {
  const { operator, specifics } = module;
  // The schema is in place (migrations run before the server is made): plans may be kept.
  if (config.preparedStatements !== false) enablePreparedStatements(dataSource);
  const schema = buildSubgraphSchema({
    typeDefs: parse(renderOperatorSchema(operator, specifics.sdl)),
    resolvers: mergeResolvers(createOperatorResolvers(operator), specifics.resolvers ?? {}),
  });
  const maskInternal = config.nodeEnv === 'production';
  // The same limits as the gateway's, wider (SUBGRAPH_REQUEST_LIMITS), for requests sent straight here.
  const limits = requestLimitsProtection<SubgraphContext>(
    config.requestLimits ?? { ...SUBGRAPH_REQUEST_LIMITS, fieldSuggestions: config.nodeEnv !== 'production' },
  );
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    validationRules: limits.validationRules,
    formatError: (formatted) => formatClientError(formatted, { maskInternal }),
    plugins: [metrics.plugin<SubgraphContext>(), ...cacheHintsPlugins<SubgraphContext>(config.cacheMaxAgeSeconds ?? 0), ...limits.plugins, requestSafetyPlugin<SubgraphContext>(), ...(config.logger ? [requestLoggingPlugin<SubgraphContext>(config.logger)] : []), ApolloServerPluginInlineTraceDisabled(), ...(config.introspection ? [] : [ApolloServerPluginLandingPageDisabled()])],
  });
  await apollo.start();
  metrics.observePool(() => {
    // TypeORM's postgres driver keeps its pg.Pool as `master`.
    const pool = (dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
  });

  const verifier = createTokenVerifier(config.auth);
  // Every request is verified here, the gateway's included: a subgraph never trusts its caller's
  // network position. A bad token is answered 401 before anything runs.
  const context = async (request: IncomingMessage): Promise<SubgraphContext> => ({
    viewer: await verifier.verifyAuthorization(request.headers.authorization),
    requestId: requestIdOf(request),
    operator,
    dataSource,
    loaders: createDirectoryLoaders(dataSource),
    history: createHistoryLoaders(dataSource),
    specificLoaders: specifics.createLoaders?.(dataSource) ?? {},
  });
  return {
    apollo,
    metrics,
    dataSource,
    listen: async (port, host) => {
      const http = await listenHttp(
        {
          apollo,
          context,
          // Ready when the database answers, within READINESS_TIMEOUT_MS: a database that is down,
          // hung or out of pooled connections makes the probe say 503 quickly, never hang.
          ready: () => databaseAnswers(dataSource, READINESS_TIMEOUT_MS),
          metrics: () => metrics.exposition(),
        },
        port,
        host,
      );
      return {
        ...http,
        close: async (options) => {
          await http.close(options);
        },
      };
    },
  };
}

/** The bound of the readiness probe's database check. */
export const READINESS_TIMEOUT_MS = 2_000;

/** Whether `SELECT 1` succeeds within `timeoutMs` (false on an error or past it). */
export function databaseAnswers(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  return within(
    dataSource.query('SELECT 1').then(() => true, () => false),
    timeoutMs,
    false,
  );
}

function mergeResolvers<T>(base: GraphQLResolverMap<T>, extra: GraphQLResolverMap<T>): GraphQLResolverMap<T> {
  const merged: GraphQLResolverMap<T> = { ...base };
  for (const [typeName, fields] of Object.entries(extra)) {
    merged[typeName] = { ...(base[typeName] as object), ...(fields as object) } as never;
  }
  return merged;
}

function requestIdOf(request: IncomingMessage): string | null {
  const value = request.headers['x-request-id'];
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : null;
}
