import { GraphQLError } from 'graphql';
import { ErrorCode } from './error-code';

/**
 * A refusal of the caller's input: `BAD_USER_INPUT`, naming the argument or input field at fault
 * (`extensions.field`, e.g. `first`, `after`, `id`, `filter.minPopulation`).
 */
export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

/** An operator subgraph that could not be reached or answered garbage. */
export function operatorUnavailable(operatorCode: string, detail?: string): GraphQLError {
  return new GraphQLError(
    `Operator ${operatorCode} is unavailable${detail ? `: ${detail}` : ''}; its data is missing from this response.`,
    { extensions: { code: ErrorCode.OPERATOR_UNAVAILABLE, operator: operatorCode } },
  );
}
