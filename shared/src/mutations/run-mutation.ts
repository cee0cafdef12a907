import { GraphQLError } from 'graphql';
import type { EntityManager } from 'typeorm';
import { assertCanWriteOrThrow } from '../auth/authorize';
import type { AuthenticatedViewer } from '../auth/viewer';
import { ErrorCode } from '../errors/error-code';
import { badUserInput } from '../errors/user-input-error';
import type { SubgraphContext } from '../subgraph/subgraph-context';

/** What every operator-side mutation returns: the changed object's global ID. */
export interface MutationResult {
  id: string;
  relatedId?: string | null;
  clientMutationId: string | null;
}

export interface MutationScope {
  manager: EntityManager;
  viewer: AuthenticatedViewer;
  /** Records one change in the audit log, in the mutation's transaction. */
  audit(entityType: 'Member' | 'Service' | 'Subscription', entityId: number, before: unknown, after: unknown): Promise<void>;
}

const MAX_CLIENT_MUTATION_ID = 100;

/**
 * The frame of every write, in the operator subgraph that owns the data:
 * 1. authorization (an operator_admin of this operator; UNAUTHENTICATED / FORBIDDEN otherwise);
 * 2. one transaction for everything the mutation writes, its audit records included;
 * 3. idempotent retries: the first call with a (caller, clientMutationId) pair stores its result
 *    in the same transaction; a retry — even a concurrent one, which waits on the key's row —
 *    returns that result and writes nothing.
 * Input validation happens inside `work`, before any write; a refusal rolls everything back.
 */
export async function runMutation(
  context: SubgraphContext,
  name: string,
  clientMutationId: string | null | undefined,
  work: (scope: MutationScope) => Promise<Omit<MutationResult, 'clientMutationId'>>,
): Promise<MutationResult> {
  const viewer = context.viewer;
  assertCanWriteOrThrow(viewer, context.operator.code);
  if (clientMutationId != null && (clientMutationId.length < 1 || clientMutationId.length > MAX_CLIENT_MUTATION_ID)) {
    throw badUserInput('input.clientMutationId', `input.clientMutationId must be 1 to ${MAX_CLIENT_MUTATION_ID} characters long.`);
  }
  return context.dataSource.transaction(async (manager) => {
    if (clientMutationId != null) {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO idempotency_key (actor, client_mutation_id, mutation) VALUES ($1, $2, $3)
         ON CONFLICT (actor, client_mutation_id) DO NOTHING RETURNING 1`,
        [viewer.subject, clientMutationId, name],
      );
      if (claimed.length === 0) {
        const [stored] = await manager.query(
          'SELECT mutation, result FROM idempotency_key WHERE actor = $1 AND client_mutation_id = $2',
          [viewer.subject, clientMutationId],
        );
        if (stored.mutation !== name) {
          throw badUserInput('input.clientMutationId', `input.clientMutationId was already used for ${stored.mutation}.`);
        }
        return stored.result as MutationResult;
      }
    }
    const scope: MutationScope = {
      manager,
      viewer,
      audit: async (entityType, entityId, before, after) => {
        await manager.query(
          `INSERT INTO audit_log (actor, action, entity_type, entity_id, before, after, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [viewer.subject, name, entityType, entityId, before === null ? null : JSON.stringify(before), JSON.stringify(after), context.requestId],
        );
      },
    };
    const result: MutationResult = { ...(await work(scope)), clientMutationId: clientMutationId ?? null };
    if (clientMutationId != null) {
      await manager.query('UPDATE idempotency_key SET result = $3 WHERE actor = $1 AND client_mutation_id = $2', [
        viewer.subject,
        clientMutationId,
        JSON.stringify(result),
      ]);
    }
    return result;
  });
}

export function notFound(field: string, what: string): GraphQLError {
  return new GraphQLError(`${what} does not exist.`, { extensions: { code: ErrorCode.NOT_FOUND, field } });
}

export function conflict(what: string, expectedVersion: number): GraphQLError {
  return new GraphQLError(`${what} was changed since version ${expectedVersion}: read it again and retry.`, {
    extensions: { code: ErrorCode.CONFLICT, field: 'input.expectedVersion' },
  });
}

/** Whether a database error is a unique-constraint violation (two concurrent creations). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { driverError?: { code?: string } }).driverError?.code === '23505';
}
