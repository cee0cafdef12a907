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
 * caller's `Authorization` forwarded (the subgraph verifies it), bounded by a timeout that covers
 * reading the answer too. A refusal
 * of the caller's request (`BAD_USER_INPUT`, `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`,
 * `CONFLICT`) is passed on as is; any other failure (refused, timed out, an answer that is not a
 * GraphQL response: HTML, `[]`, a 500) is an `OperatorUnavailableError`.
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
    const signal = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(context.authorization ? { authorization: context.authorization } : {}),
          ...(context.requestId ? { 'x-request-id': context.requestId } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch {
      throw new OperatorUnavailableError(operator, signal.aborted ? `no answer within ${options.timeoutMs} ms` : 'it could not be reached');
    }
    try {
      // The signal bounds reading the body too: a subgraph that trickles its answer times out.
      body = (await response.json()) as typeof body;
    } catch {
      throw new OperatorUnavailableError(
        operator,
        signal.aborted ? `no answer within ${options.timeoutMs} ms` : `it answered HTTP ${response.status} with something other than JSON`,
      );
    }
    if (!isGraphQLResponse(body)) throw new OperatorUnavailableError(operator, `it answered HTTP ${response.status} with something other than a GraphQL response`);
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

/** An object with `data` (an object or null) and/or `errors` (a list of objects). */
function isGraphQLResponse(body: unknown): body is { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (data === undefined && errors === undefined) return false;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return false;
  return errors === undefined || (Array.isArray(errors) && errors.every((error) => typeof error === 'object' && error !== null));
}

export type CallOperator = ReturnType<typeof createOperatorClient>;
