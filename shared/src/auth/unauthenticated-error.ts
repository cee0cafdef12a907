import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors/error-code';

/**
 * A refused credential: `UNAUTHENTICATED`. Thrown from a context function, Apollo Server answers
 * it before parsing or planning, with the HTTP status and headers of `extensions.http` (which it
 * removes from the body): 401 and an RFC 6750 `WWW-Authenticate` challenge.
 */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.UNAUTHENTICATED,
      // Apollo Server reads a Map here. The cast keeps this compiling where another package in the
      // program (graphql-yoga, under the Hive Gateway dev dependency) types `http.headers` as a record.
      http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]) as never },
    },
  });
}
