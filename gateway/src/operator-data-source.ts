import type { Histogram } from 'prom-client';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { unauthenticated } from '../../shared/src/auth/unauthenticated-error';
import { operatorUnavailable } from '../../shared/src/errors/user-input-error';
import type { GatewayContext } from './gateway-context';

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * The gateway's client of one operator subgraph: forwards the caller's `Authorization` header
 * (each subgraph verifies it again), bounds every call by a timeout, and turns a failed call
 * (refused, timed out, not GraphQL) into `OPERATOR_UNAVAILABLE` naming the operator, so the other
 * operators' data is still returned.
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
    try {
      const response = await super.process(options);
      stop?.({ outcome: response.errors?.length ? 'error' : 'ok' });
      return response;
    } catch (error) {
      stop?.({ outcome: 'error' });
      throw error;
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const authorization = context?.authorization;
    if (authorization && request.http) request.http.headers.set('authorization', authorization);
    if (context?.requestId && request.http) request.http.headers.set('x-request-id', context.requestId);
    // `request.http` becomes the fetch's RequestInit: the signal bounds the whole call.
    if (request.http) (request.http as { signal?: AbortSignal }).signal = AbortSignal.timeout(this.timeoutMs);
  }

  override didEncounterError(error: Error, _request: unknown, response?: { status: number }): void {
    // The subgraph refused the caller's token (its key differs, or the token expired between the
    // gateway's check and this call): that is the caller's problem, not an outage.
    if (response?.status === 401) throw unauthenticated('The bearer token was refused by an operator subgraph.');
    throw operatorUnavailable(this.operatorCode, error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timed out' : undefined);
  }
}

/** The sharing key of a read (null for a mutation): operation, variables and credentials. */
function sharedReadKey(options: GraphQLDataSourceProcessOptions<GatewayContext>): string | null {
  const query = options.request.query ?? '';
  if (!/^\s*(query\b|\{)/.test(query)) return null;
  return JSON.stringify([query, options.request.variables ?? null, options.context?.authorization ?? null]);
}
