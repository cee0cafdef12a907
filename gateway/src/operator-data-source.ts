import type { Histogram } from 'prom-client';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { unauthenticated } from '../../shared/src/auth/unauthenticated-error';
import { operatorUnavailable } from '../../shared/src/errors/user-input-error';
import type { GatewayContext } from './gateway-context';

/**
 * The gateway's client of one operator subgraph: forwards the caller's `Authorization` header
 * (each subgraph verifies it again), bounds every call by a timeout, and turns a failed call
 * (refused, timed out, not GraphQL) into `OPERATOR_UNAVAILABLE` naming the operator, so the other
 * operators' data is still returned.
 */
export class OperatorDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly operatorCode: string,
    url: string,
    private readonly timeoutMs: number,
    private readonly fetchDuration?: Histogram<'subgraph' | 'outcome'>,
  ) {
    super({ url });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
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
