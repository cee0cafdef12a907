import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../shared/src/errors/error-code';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import type { PartnershipContext } from './partnership-context';

/** An operator could not answer: down, too slow, or not speaking GraphQL. */
export class OperatorUnavailableError extends Error {
  constructor(
    readonly operator: OperatorDefinition,
    reason: string,
  ) {
    super(`${operator.code} unavailable: ${reason}`);
  }
}

export interface OperatorClientOptions {
  /** Subgraph URL by operator code. */
  subgraphUrls: Record<string, string>;
  timeoutMs: number;
}

/**
 * The partnership layer's calls to the operator subgraphs' index fields: one HTTP request, the
 * caller's `Authorization` forwarded (the subgraph verifies it), bounded by a timeout. A refusal
 * of the caller's request (`BAD_USER_INPUT`, `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`,
 * `CONFLICT`) is passed on as is; any other failure is an `OperatorUnavailableError`.
 */
export function createOperatorClient(options: OperatorClientOptions) {
  return async function callOperator<T>(
    operator: OperatorDefinition,
    query: string,
    variables: Record<string, unknown>,
    context: PartnershipContext,
  ): Promise<T> {
    const url = options.subgraphUrls[operator.code];
    if (!url) throw new OperatorUnavailableError(operator, 'no URL configured');
    let body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(context.authorization ? { authorization: context.authorization } : {}),
          ...(context.requestId ? { 'x-request-id': context.requestId } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new OperatorUnavailableError(operator, (error as Error).name === 'TimeoutError' ? 'timed out' : 'not reachable');
    }
    const refusal = body.errors?.find((error) =>
      [ErrorCode.BAD_USER_INPUT, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND, ErrorCode.CONFLICT].includes(
        error.extensions?.code as ErrorCode,
      ),
    );
    if (refusal) {
      const { http: _http, ...extensions } = refusal.extensions ?? {};
      throw new GraphQLError(refusal.message, { extensions });
    }
    if (body.errors?.length || !body.data) throw new OperatorUnavailableError(operator, 'answered with an error');
    return body.data;
  };
}
export type CallOperator = ReturnType<typeof createOperatorClient>;
