import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../shared/src/errors/error-code';

/**
 * One `OPERATOR_UNAVAILABLE` error per missing operator: when an operator is down, every fetch
 * of the plan that goes to it fails; the client needs to be told once, by name.
 */
export function dedupeOperatorErrorsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const seen = new Set<string>();
          response.body.singleResult.errors = response.body.singleResult.errors.filter((error) => {
            if (error.extensions?.code !== ErrorCode.OPERATOR_UNAVAILABLE) return true;
            const key = String(error.extensions.operator);
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
        },
      };
    },
  };
}
