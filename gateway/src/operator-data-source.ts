import { AsyncLocalStorage } from 'node:async_hooks';
import type { Histogram } from 'prom-client';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GraphQLError } from 'graphql';
import { unauthenticated } from '../../shared/src/auth/unauthenticated-error';
import { operatorUnavailable } from '../../shared/src/errors/user-input-error';
import type { GatewayContext } from './gateway-context';

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** The abort signal of the subgraph call being made (read by the fetcher). */
const callSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * The gateway's client of one operator subgraph: forwards the caller's `Authorization` header
 * (each subgraph verifies it again), bounds every call by a timeout, and turns a failed call
 * (refused, timed out, an HTTP error, a body that is not a GraphQL response) into
 * `OPERATOR_UNAVAILABLE` naming the operator, so the other operators' data is still returned.
 *
 * The timeout (`SUBGRAPH_TIMEOUT_MS`) covers the whole call: connecting, the subgraph's work and
 * reading its answer. Apollo Gateway builds the fetch's options itself (a signal set on
 * `request.http` is not passed on), so the signal reaches the fetcher through an async-local
 * store; a deadline on the whole call backs it.
 *
 * Identical reads in flight at the same time — same operation, same variables, same
 * `Authorization` — share one subgraph call (the others get a copy of its answer). Mutations are
 * never shared.
 */
export class OperatorDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly inFlight = new Map<string, Promise<SubgraphResponse>>();

  constructor(
    readonly operatorCode: string,
    url: string,
    private readonly timeoutMs: number,
    private readonly fetchDuration?: Histogram<'subgraph' | 'outcome'>,
    private readonly deduplicate = true,
  ) {
    super({ url });
    // Node's own fetch (undici): a keep-alive connection pool per subgraph origin, and cheaper per
    // call than the default fetcher (make-fetch-happen), which the benchmark profile showed.
    this.fetcher = (fetchUrl, init) =>
      fetch(fetchUrl, { ...(init as RequestInit), signal: callSignal.getStore() }) as unknown as ReturnType<typeof this.fetcher>;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const key = this.deduplicate ? sharedReadKey(options) : null;
    if (key === null) return this.timedProcess(options);
    const pending = this.inFlight.get(key);
    if (pending) return structuredClone(await pending);
    const call = this.timedProcess(options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
    return call;
  }

  private async timedProcess(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const stop = this.fetchDuration?.startTimer({ subgraph: this.operatorCode });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(operatorUnavailable(this.operatorCode, `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      const response = await Promise.race([callSignal.run(controller.signal, () => super.process(options)), deadline]);
      assertGraphQLResponse(response, this.operatorCode);
      stop?.({ outcome: response.errors?.length ? 'error' : 'ok' });
      return response;
    } catch (error) {
      stop?.({ outcome: 'error' });
      // The deadline's own error, rather than the aborted fetch's, when both fired.
      if (controller.signal.aborted && (error as GraphQLError).extensions?.code !== 'OPERATOR_UNAVAILABLE') {
        throw operatorUnavailable(this.operatorCode, `no answer within ${this.timeoutMs} ms`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const authorization = context?.authorization;
    if (authorization && request.http) request.http.headers.set('authorization', authorization);
    if (context?.requestId && request.http) request.http.headers.set('x-request-id', context.requestId);
  }

  override didEncounterError(error: Error, _request: unknown, response?: { status: number }): void {
    // The subgraph refused the caller's token (its key differs, or the token expired between the
    // gateway's check and this call): that is the caller's problem, not an outage.
    if (response?.status === 401) throw unauthenticated('The bearer token was refused by an operator subgraph.');
    throw operatorUnavailable(this.operatorCode, failureDetail(error, response, this.timeoutMs));
  }
}

/** Why a call failed, for the client: no address, no body, no stack. */
function failureDetail(error: Error, response: { status: number } | undefined, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (response && response.status >= 300) return `it answered HTTP ${response.status}`;
  if (response) return 'it answered something other than a GraphQL response';
  return 'it could not be reached';
}

/**
 * A subgraph's answer must be a GraphQL response: an object with `data` (an object or null)
 * and/or `errors` (a list). Anything else (`[]`, `{"data": 1}`, a JSON that is no response) is
 * garbage, told as `OPERATOR_UNAVAILABLE`.
 */
function assertGraphQLResponse(response: SubgraphResponse, operatorCode: string): void {
  const body = response as unknown as { data?: unknown; errors?: unknown };
  const dataOk = body.data === undefined || body.data === null || (typeof body.data === 'object' && !Array.isArray(body.data));
  const errorsOk = body.errors === undefined || (Array.isArray(body.errors) && body.errors.every((error) => typeof error === 'object' && error !== null));
  const some = body.data !== undefined || body.errors !== undefined;
  if (Array.isArray(response) || !dataOk || !errorsOk || !some) {
    throw operatorUnavailable(operatorCode, 'it answered something other than a GraphQL response');
  }
}

/** The sharing key of a read (null for a mutation): operation, variables and credentials. */
function sharedReadKey(options: GraphQLDataSourceProcessOptions<GatewayContext>): string | null {
  const query = options.request.query ?? '';
  if (!/^\s*(query\b|\{)/.test(query)) return null;
  return JSON.stringify([query, options.request.variables ?? null, options.context?.authorization ?? null]);
}
