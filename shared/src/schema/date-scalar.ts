import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function parseDateOrThrow(value: unknown): string {
  if (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new GraphQLError('A Date must be an ISO 8601 calendar date (YYYY-MM-DD).', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

/** `Date`: an ISO 8601 calendar date. The database returns dates as `YYYY-MM-DD` strings. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'Calendar date, ISO 8601 (`2021-05-05`).',
  serialize: (value) => parseDateOrThrow(value),
  parseValue: (value) => parseDateOrThrow(value),
  parseLiteral: (ast) => parseDateOrThrow(ast.kind === Kind.STRING ? ast.value : null),
});
