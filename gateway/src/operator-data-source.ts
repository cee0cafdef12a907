import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Histogram } from 'prom-client';
import { unauthenticated } from '../../shared/src/auth/unauthenticated-error';
import { operatorUnavailable } from '../../shared/src/errors/user-input-error';
import { type CacheHint, cacheHintOf, GraphQLCallFailure, type GraphQLHttpClient, isGraphQLResponse } from '../../shared/src/http/graphql-http-client';
import { readSharingKey, SharedReads } from '../../shared/src/http/shared-reads';
import type { GatewayContext } from './gateway-context';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** A subgraph's answer: the parsed response, its JSON text, and its cache hint. */
interface SubgraphAnswer {
  response: SubgraphResponse;
  text: string;
  hint: CacheHint;
}

export interface OperatorDataSourceOptions {
  /** The kernel's HTTP client (keep-alive pool, timeout, APQ), shared by every data source. */
  client: GraphQLHttpClient;
  timeoutMs: number;
  fetchDuration?: Histogram<'subgraph' | 'outcome'>;
  /** Identical reads in flight share one call (on unless turned off, for the benchmark's control). */
  deduplicate?: boolean;
}

/**
 * The gateway's client of one operator subgraph (Apollo Gateway's `GraphQLDataSource`): forwards
 * the caller's `Authorization` (each subgraph verifies it again) and request id, bounds every call
 * by `SUBGRAPH_TIMEOUT_MS` (connecting, the subgraph's work and reading its answer), and turns a
 * failed call (refused, timed out, an HTTP error, a body that is not a GraphQL response) into
 * `OPERATOR_UNAVAILABLE` naming the operator, so the other operators' data is still returned.
 *
 * Calls go through the kernel's `GraphQLHttpClient` (undici keep-alive pool, automatic persisted
 * queries). The subgraph's `Cache-Control` header restricts the response's cache policy, for the
 * gateway's response cache and its own `Cache-Control` header.
 *
 * Identical reads in flight at the same time — same operation, same variables, same
 * `Authorization` — share one subgraph call (the others get a copy of its answer and its cache
 * hint). Mutations are never shared.
 */
export class OperatorDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly shared = new SharedReads<SubgraphAnswer>();

  constructor(
    readonly operatorCode: string,
    readonly url: string,
    private readonly options: OperatorDataSourceOptions,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const { request } = options;
    const context = options.context as GatewayContext | undefined;
    if (!request.query) throw new Error('Missing query');
    const authorization = context?.authorization ?? null;
    const key =
      this.options.deduplicate === false
        ? null
        : readSharingKey({ query: request.query, variables: request.variables, operationName: request.operationName, authorization });
    // A sharer's copy is parsed from the subgraph's own text.
    const { response, hint } = await this.shared.run(
      key,
      () => this.call(request.query!, request.variables, request.operationName, context),
      (answer) => () => ({ ...answer, response: JSON.parse(answer.text) as SubgraphResponse }),
    );
    restrictCachePolicy(options, hint);
    return response;
  }

  private async call(
    query: string,
    variables: Record<string, unknown> | undefined,
    operationName: string | undefined,
    context: GatewayContext | undefined,
  ): Promise<SubgraphAnswer> {
    const stop = this.options.fetchDuration?.startTimer({ subgraph: this.operatorCode });
    const headers: Record<string, string> = {};
    if (context?.authorization) headers.authorization = context.authorization;
    if (context?.requestId) headers['x-request-id'] = context.requestId;
    try {
      const answer = await this.options.client.post(this.url, { query, variables, operationName, headers });
      // The subgraph refused the caller's token (its key differs, or the token expired between the
      // gateway's check and this call): that is the caller's problem, not an outage.
      if (answer.status === 401) throw tokenRefused();
      if (answer.status < 200 || answer.status >= 300) throw operatorUnavailable(this.operatorCode, `it answered HTTP ${answer.status}`);
      // Anything else (`[]`, `{"data": 1}`, a JSON that is no response) is garbage.
      if (!isGraphQLResponse(answer.body)) throw operatorUnavailable(this.operatorCode, 'it answered something other than a GraphQL response');
      const response = answer.body as SubgraphResponse;
      stop?.({ outcome: response.errors?.length ? 'error' : 'ok' });
      return { response, text: answer.text, hint: cacheHintOf(answer.cacheControl) };
    } catch (error) {
      stop?.({ outcome: 'error' });
      if (!(error instanceof GraphQLCallFailure)) throw error;
      if (error.status === 401) throw tokenRefused();
      if (error.status === undefined) throw operatorUnavailable(this.operatorCode, error.reason);
      throw operatorUnavailable(this.operatorCode, error.status >= 300 ? `it answered HTTP ${error.status}` : 'it answered something other than a GraphQL response');
    }
  }
}

/**
 * Restricts the incoming request's cache policy by a subgraph call's hint (Apollo Gateway's own
 * data sources do the same with `honorSubgraphCacheControlHeader`). Calls made outside a client's
 * request (health checks) have no policy.
 */
export function restrictCachePolicy(options: GraphQLDataSourceProcessOptions<GatewayContext>, hint: CacheHint): void {
  if (!('incomingRequestContext' in options)) return;
  const policy = options.incomingRequestContext.overallCachePolicy as { restrict?: (hint: CacheHint) => void } | undefined;
  policy?.restrict?.(hint);
}

const tokenRefused = () => unauthenticated('The bearer token was refused by an operator subgraph.');
