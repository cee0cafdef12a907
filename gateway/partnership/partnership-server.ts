// First: Apollo Server must find its per-request dependencies substituted when it loads.
import '../../shared/src/http/apollo-hot-path';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { formatClientError } from '../../shared/src/errors/format-error';
import { listenHttp, type RunningHttpServer } from '../../shared/src/http/http-server';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { operatorErrorsPlugin } from '../src/operator-errors.plugin';
import type { PartnershipContext } from './partnership-context';
import { CachePolicyAccumulator } from '../../shared/src/http/graphql-http-client';
import { cacheHintsPlugins } from '../../shared/src/http/cache-hints.plugin';
import type { ApolloServerPlugin } from '@apollo/server';
import { buildPartnershipSchema } from './partnership-subgraph';

export interface PartnershipServerOptions {
  /** Subgraph URL of each operator, by operator code. */
  subgraphUrls: Record<string, string>;
  /** Bound of every call to an operator subgraph. */
  timeoutMs: number;
  /** Introspection (and Apollo's landing page); off by default. */
  introspection?: boolean;
  /** Generic messages for internal errors (production). */
  maskInternal?: boolean;
  /** `CACHE_MAX_AGE`: how long anonymous answers may be cached (restricted by the operators' hints); 0 by default. */
  cacheMaxAgeSeconds?: number;
  /** Automatic persisted queries to the operator subgraphs (on by default). */
  apq?: boolean;
}

export interface PartnershipServer {
  readonly apollo: ApolloServer<PartnershipContext>;
  listen(port: number, host?: string): Promise<RunningHttpServer>;
}

/**
 * The partnership subgraph as a service of its own (it runs inside the gateway by default): the
 * factory behind `gateway/partnership/index.ts`'s shape, usable in-process by tests — e.g. the
 * portability test, where a second gateway implementation reaches it over HTTP like any subgraph.
 *
 * The caller's `Authorization` is forwarded to the operator subgraphs (each verifies it); an
 * operator that cannot be reached is recorded in `unavailableOperators`, and the gateway's
 * `operatorErrorsPlugin` turns it into an `OPERATOR_UNAVAILABLE` error beside the data.
 */
export async function createPartnershipServer(
  operators: readonly OperatorDefinition[],
  options: PartnershipServerOptions,
): Promise<PartnershipServer> {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const maxAge = options.cacheMaxAgeSeconds ?? 0;
  const apollo = new ApolloServer<PartnershipContext>({
    schema: buildPartnershipSchema(operators, { subgraphUrls: options.subgraphUrls, timeoutMs: options.timeoutMs, apq: options.apq }),
    introspection: options.introspection ?? false,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted) => formatClientError(formatted, { maskInternal: options.maskInternal ?? false }),
    plugins: [
      operatorErrorsPlugin<PartnershipContext>(),
      ...cacheHintsPlugins<PartnershipContext>(maxAge),
      operatorCacheHintsPlugin(),
      // No Apollo telemetry of any kind: no usage or schema reporting, no federated (ftv1) traces.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ...(options.introspection ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });
  await apollo.start();
  const context = async (request: IncomingMessage): Promise<PartnershipContext> => ({
    authorization: headerValue(request, 'authorization'),
    requestId: headerValue(request, 'x-request-id'),
    unavailableOperators: new Set<string>(),
    cachePolicy: new CachePolicyAccumulator(maxAge),
  });
  return {
    apollo,
    listen: (port, host) => listenHttp({ apollo, context }, port, host),
  };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The answer's cache policy is no looser than the operator answers it was built from. */
function operatorCacheHintsPlugin(): ApolloServerPlugin<PartnershipContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ contextValue, overallCachePolicy }) {
          return {
            async executionDidEnd() {
              if (contextValue.cachePolicy) overallCachePolicy.restrict(contextValue.cachePolicy.hint);
            },
          };
        },
      };
    },
  };
}
