import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './error-code';

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));
// Apollo Server's own codes for malformed requests are client errors too and keep their message.
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one place where errors are shaped for clients. Known client errors pass through; anything
 * else (a driver error, a bug) becomes `INTERNAL_SERVER_ERROR` with a generic message when
 * `maskInternal` is set (production), and never carries a stack trace or SQL.
 */
export function formatClientError(
  formatted: GraphQLFormattedError,
  options: { maskInternal: boolean },
): GraphQLFormattedError {
  const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
  // Stack traces and the gateway's internal subgraph names are not for clients.
  const { stacktrace: _stack, exception: _exception, serviceName: _serviceName, ...extensions } = formatted.extensions ?? {};
  if (CLIENT_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return { ...formatted, extensions: { ...extensions, code } };
  }
  if (REQUEST_CODES.has(code)) return { ...formatted, extensions: { ...extensions, code } };
  if (!options.maskInternal) return { ...formatted, extensions: { ...extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
