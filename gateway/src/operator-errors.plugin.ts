import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../shared/src/errors/error-code';
import { operatorUnavailable } from '../../shared/src/errors/user-input-error';

/**
 * Partial failure, told once per operator: appends an `OPERATOR_UNAVAILABLE` error for every
 * operator the partnership layer recorded as unreachable (a resolver cannot return both data and
 * an error for one field), and keeps one such error per operator when several fetches of the plan
 * failed on the same one.
 */
export function operatorErrorsPlugin<T extends { unavailableOperators?: Set<string> }>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const seen = new Set<string>();
          const errors = (result.errors ?? []).filter((error) => {
            if (error.extensions?.code !== ErrorCode.OPERATOR_UNAVAILABLE) return true;
            const operator = String(error.extensions.operator);
            if (seen.has(operator)) return false;
            seen.add(operator);
            return true;
          });
          for (const operator of contextValue.unavailableOperators ?? []) {
            if (seen.has(operator)) continue;
            seen.add(operator);
            const { message, extensions } = operatorUnavailable(operator);
            errors.push({ message, extensions });
          }
          if (errors.length) result.errors = errors;
        },
      };
    },
  };
}
