// First: Apollo Gateway and Apollo Server must find their dependencies substituted when they load
// (shared/src/runtime/module-substitution.ts).
import './federation-exports';
import '../../shared/src/http/apollo-hot-path';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled, ApolloServerPluginSchemaReportingDisabled } from '@apollo/server/plugin/disabled';
import { createTokenVerifier } from '../../shared/src/auth/token-verifier';
import { formatClientError } from '../../shared/src/errors/format-error';
import { listenHttp, type RunningHttpServer } from '../../shared/src/http/http-server';
import { createRateLimiter } from '../../shared/src/http/rate-limiter';
import { requestLimitsProtection } from '../../shared/src/http/request-limits';
import { requestSafetyPlugin } from '../../shared/src/http/request-safety.plugin';
import { createServiceMetrics, type ServiceMetrics } from '../../shared/src/metrics/service-metrics';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { buildPartnershipSchema } from '../partnership/partnership-subgraph';
import type { GatewayConfig } from './gateway-config';
import type { GatewayContext } from './gateway-context';
import { explorerRoutes } from './explorer/explorer';
import { OperatorDataSource } from './operator-data-source';
import { PartnershipDataSource } from './partnership-data-source';
import { createResponseCache, type ResponseCache } from './response-cache';
import { GraphQLHttpClient } from '../../shared/src/http/graphql-http-client';
import { operatorErrorsPlugin } from './operator-errors.plugin';
import type { Logger } from '../../shared/src/logging/logger';
import { requestLoggingPlugin } from '../../shared/src/logging/request-logging.plugin';
import type { ApolloServerPlugin } from '@apollo/server';

export const PARTNERSHIP_SUBGRAPH = 'partnership';

export interface GatewayServer {
  readonly apollo: ApolloServer<GatewayContext>;
  readonly gateway: ApolloGateway;
  readonly metrics: ServiceMetrics;
  /** The response cache for anonymous reads (null when `RESPONSE_CACHE_MIB=0`). */
  readonly responseCache: ResponseCache | null;
  listen(port: number, host?: string): Promise<RunningHttpServer>;
}

/**
 * The gateway's server factory: Apollo Gateway over the committed static supergraph, the
 * partnership subgraph in-process (or remote when configured), one `OperatorDataSource` per
 * operator. It starts whether or not the operator subgraphs are up.
 */
export async function createGatewayServer(
  supergraphSdl: string,
  operators: readonly OperatorDefinition[],
  config: Omit<GatewayConfig, 'port' | 'logLevel'> & { logger?: Logger },
): Promise<GatewayServer> {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const bySlug = new Map(operators.map((operator) => [operator.slug, operator]));
  const partnershipSchema = config.partnershipUrl
    ? null
    : buildPartnershipSchema(operators, { subgraphUrls: config.subgraphUrls, timeoutMs: config.subgraphTimeoutMs, apq: config.subgraphApq });
  const metrics = createServiceMetrics('gateway', { defaultMetrics: true });
  // One keep-alive pool for every subgraph call of this process.
  const client = new GraphQLHttpClient({ timeoutMs: config.subgraphTimeoutMs, apq: config.subgraphApq });
  const dataSourceOptions = {
    client,
    timeoutMs: config.subgraphTimeoutMs,
    fetchDuration: metrics.subgraphFetchDuration,
    deduplicate: config.deduplicateReads,
  };
  const gateway = new ApolloGateway({
    supergraphSdl,
    __exposeQueryPlanExperimental: config.exposeQueryPlans,
    experimental_approximateQueryPlanStoreMiB: config.queryPlanCacheMiB,
    buildService: ({ name, url }) => {
      if (name === PARTNERSHIP_SUBGRAPH) {
        return partnershipSchema
          ? new PartnershipDataSource(partnershipSchema, config.cacheMaxAgeSeconds, config.deduplicateReads)
          : new OperatorDataSource('PARTNERSHIP', config.partnershipUrl!, dataSourceOptions);
      }
      const operator = bySlug.get(name);
      if (!operator) throw new Error(`The supergraph names a subgraph "${name}" that no registered operator has`);
      return new OperatorDataSource(operator.code, config.subgraphUrls[operator.code] ?? url!, dataSourceOptions);
    },
  });
  const responseCache = createResponseCache(config.responseCacheMiB, metrics.responseCacheLookups);
  const maskInternal = config.nodeEnv === 'production';
  const limits = requestLimitsProtection<GatewayContext>(config.requestLimits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    // Explicit, although Apollo Server's defaults: a JSON array body is refused (400), and a GET
    // or a "simple" request without a preflight header cannot run an operation (CSRF).
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    validationRules: limits.validationRules,
    formatError: (formatted) => formatClientError(formatted, { maskInternal }),
    plugins: [
      metrics.plugin<GatewayContext>(),
      ...limits.plugins,
      ...(config.logger ? [requestLoggingPlugin<GatewayContext>(config.logger)] : []),
      requestIdHeaderPlugin(),
      operatorErrorsPlugin(),
      requestSafetyPlugin<GatewayContext>(),
      ...(responseCache?.plugins ?? []),
      // The subgraph connection pool closes with the server.
      { serverWillStart: async () => ({ serverWillStop: () => client.close() }) },
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...(config.introspection ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });
  await apollo.start();
  const verifier = createTokenVerifier(config.auth);
  // A bad token is refused here, before parsing and planning: no subgraph is called (HTTP 401).
  const context = async (request: IncomingMessage): Promise<GatewayContext> => {
    const authorization = request.headers.authorization;
    const viewer = await verifier.verifyAuthorization(authorization);
    return {
      authorization,
      viewer,
      requestId: headerValue(request, 'x-request-id') ?? randomUUID(),
    unavailableOperators: new Set<string>(),
    };
  };
  // One limiter for every listener of this server: a client's budget is the server's, not a port's.
  const rateLimiter = config.rateLimitPerMinute > 0 ? createRateLimiter({ perMinute: config.rateLimitPerMinute, burst: config.rateLimitBurst }) : null;
  return {
    apollo,
    gateway,
    metrics,
    responseCache,
    listen: (port, host) =>
      listenHttp(
        // The explorer only where introspection is on (development): production serves no UI.
        {
          apollo,
          context,
          // Ready once the gateway has loaded its schema (the subgraphs are called per request).
          ready: async () => gateway.schema !== undefined,
          metrics: () => metrics.exposition(),
          routes: config.introspection ? explorerRoutes() : undefined,
          maxBodyBytes: config.maxBodyBytes,
          rateLimit: rateLimiter ? { limiter: rateLimiter, trustProxyHops: config.trustProxyHops } : undefined,
          securityHeaders: { hstsMaxAgeSeconds: config.hstsMaxAgeSeconds },
        },
        port,
        host,
      ),
  };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : undefined;
}

/** Tells the caller the request id its request is logged under in every service. */
function requestIdHeaderPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
        },
      };
    },
  };
}
