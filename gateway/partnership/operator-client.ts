import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../shared/src/errors/error-code';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { cacheHintOf, GraphQLCallFailure, GraphQLHttpClient, isGraphQLResponse } from '../../shared/src/http/graphql-http-client';
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
  /** Automatic persisted queries to the operator subgraphs (default on). */
  apq?: boolean;
}

/**
 * The partnership layer's calls to the operator subgraphs' index fields: one HTTP request through
 * the kernel's `GraphQLHttpClient` (keep-alive pool, automatic persisted queries), the caller's
 * `Authorization` forwarded (the subgraph verifies it), bounded by a timeout that covers reading
 * the answer too. A refusal of the caller's request (`BAD_USER_INPUT`, `UNAUTHENTICATED`,
 * `FORBIDDEN`, `NOT_FOUND`, `CONFLICT`) is passed on as is; any other failure (refused, timed out,
 * an answer that is not a GraphQL response: HTML, `[]`, a 500) is an `OperatorUnavailableError`.
 * Each answer's `Cache-Control` hint restricts the request's cache policy (`context.cachePolicy`).
 */
export function createOperatorClient(options: OperatorClientOptions) {
  const client = new GraphQLHttpClient({ timeoutMs: options.timeoutMs, apq: options.apq ?? true });
  return async function callOperator<T>(
    operator: OperatorDefinition,
    query: string,
    variables: Record<string, unknown>,
    context: PartnershipContext,
  ): Promise<T> {
    const url = options.subgraphUrls[operator.code];
    if (!url) throw new OperatorUnavailableError(operator, 'no URL configured');
    const headers: Record<string, string> = {};
    if (context.authorization) headers.authorization = context.authorization;
    if (context.requestId) headers['x-request-id'] = context.requestId;
    let answer;
    try {
      answer = await client.post(url, { query, variables, headers });
    } catch (error) {
      if (error instanceof GraphQLCallFailure) throw new OperatorUnavailableError(operator, error.reason);
      throw error;
    }
    const body = answer.body;
    if (!isGraphQLResponse(body)) throw new OperatorUnavailableError(operator, `it answered HTTP ${answer.status} with something other than a GraphQL response`);
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
    context.cachePolicy?.restrict(cacheHintOf(answer.cacheControl));
    return body.data as T;
  };
}

export type CallOperator = ReturnType<typeof createOperatorClient>;
