import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../shared/src/errors/error-code';
import { badUserInput, operatorUnavailable } from '../../shared/src/errors/user-input-error';
import { tryDecodeGlobalId } from '../../shared/src/ids/global-id';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { mutationFieldNames } from '../../shared/src/schema/index-fields';
import { OperatorUnavailableError, type CallOperator } from './operator-client';
import type { PartnershipContext } from './partnership-context';

type Input = Record<string, unknown> & { clientMutationId?: string | null };
interface MutationResult {
  id: string;
  relatedId: string | null;
  clientMutationId: string | null;
}

/**
 * The public mutations: each finds the owning operator (by `operator` or by the ID's type) and
 * forwards the input, with the caller's token, to that operator subgraph's `@inaccessible`
 * mutation field. The operator subgraph enforces everything; this layer only routes and shapes
 * the payload as entity references that the gateway hydrates.
 */
export function createPartnershipMutations(operators: readonly OperatorDefinition[], callOperator: CallOperator) {
  const byCode = new Map(operators.map((operator) => [operator.code, operator]));

  const ownerOf = (id: unknown, field: string, suffix: 'Member' | 'Service'): OperatorDefinition => {
    const decoded = typeof id === 'string' ? tryDecodeGlobalId(id) : null;
    const owner = decoded && operators.find((operator) => decoded.typeName === `${operator.typePrefix}${suffix}`);
    if (!owner) throw badUserInput(field, `${field} is not the ID of a ${suffix.toLowerCase()}.`);
    return owner;
  };

  const forward = async (
    operator: OperatorDefinition,
    field: keyof ReturnType<typeof mutationFieldNames>,
    inputType: string,
    input: Input,
    context: PartnershipContext,
  ): Promise<MutationResult> => {
    const name = mutationFieldNames(operator)[field];
    try {
      const data = await callOperator<{ result: MutationResult }>(
        operator,
        `mutation PartnershipWrite($input: ${inputType}!) { result: ${name}(input: $input) { id relatedId clientMutationId } }`,
        { input },
        context,
      );
      return data.result;
    } catch (error) {
      // A write cannot be partial: an unreachable owner fails the mutation, naming it. A timed-out
      // call may still commit: a retry with the same clientMutationId is safe either way.
      if (error instanceof OperatorUnavailableError) {
        throw operatorUnavailable(operator.code, 'the change may not have been made; retry with the same clientMutationId');
      }
      throw error;
    }
  };

  const memberPayload = (operator: OperatorDefinition, result: MutationResult) => ({
    member: { __typename: `${operator.typePrefix}Member`, id: result.id },
    clientMutationId: result.clientMutationId,
  });
  const servicePayload = (operator: OperatorDefinition, result: MutationResult) => ({
    service: { __typename: `${operator.typePrefix}Service`, id: result.id },
    clientMutationId: result.clientMutationId,
  });
  const subscriptionPayload = (operator: OperatorDefinition, result: MutationResult) => ({
    member: { __typename: `${operator.typePrefix}Member`, id: result.id },
    service: result.relatedId ? { __typename: `${operator.typePrefix}Service`, id: result.relatedId } : null,
    clientMutationId: result.clientMutationId,
  });
  const operatorOf = (code: unknown): OperatorDefinition => {
    const operator = byCode.get(String(code));
    if (!operator) throw new GraphQLError('Unknown operator.', { extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.operator' } });
    return operator;
  };
  const withoutOperator = ({ operator: _operator, ...rest }: Input) => rest;

  type Resolver = (root: unknown, args: { input: Input }, context: PartnershipContext) => Promise<unknown>;
  const resolvers: Record<string, Resolver> = {
    registerMember: async (_root, { input }, context) => {
      const operator = operatorOf(input.operator);
      return memberPayload(operator, await forward(operator, 'registerMember', 'MemberRegistration', withoutOperator(input), context));
    },
    updateMember: async (_root, { input }, context) => {
      const operator = ownerOf(input.id, 'input.id', 'Member');
      return memberPayload(operator, await forward(operator, 'updateMember', 'MemberUpdate', input, context));
    },
    setMembershipStatus: async (_root, { input }, context) => {
      const operator = ownerOf(input.id, 'input.id', 'Member');
      return memberPayload(operator, await forward(operator, 'setMembershipStatus', 'MembershipStatusUpdate', input, context));
    },
    subscribe: async (_root, { input }, context) => {
      const operator = ownerOf(input.memberId, 'input.memberId', 'Member');
      return subscriptionPayload(operator, await forward(operator, 'subscribe', 'SubscriptionChange', input, context));
    },
    unsubscribe: async (_root, { input }, context) => {
      const operator = ownerOf(input.memberId, 'input.memberId', 'Member');
      return subscriptionPayload(operator, await forward(operator, 'unsubscribe', 'SubscriptionChange', input, context));
    },
    createService: async (_root, { input }, context) => {
      const operator = operatorOf(input.operator);
      return servicePayload(operator, await forward(operator, 'createService', 'ServiceCreation', withoutOperator(input), context));
    },
    updateService: async (_root, { input }, context) => {
      const operator = ownerOf(input.id, 'input.id', 'Service');
      return servicePayload(operator, await forward(operator, 'updateService', 'ServiceUpdate', input, context));
    },
    retireService: async (_root, { input }, context) => {
      const operator = ownerOf(input.id, 'input.id', 'Service');
      return servicePayload(operator, await forward(operator, 'retireService', 'ServiceRetirement', input, context));
    },
  };
  return resolvers;
}
