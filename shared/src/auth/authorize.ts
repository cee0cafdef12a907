import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors/error-code';
import { hasRole, type AuthenticatedViewer, type Viewer } from './viewer';

/**
 * Authorization, decided in the operator subgraph that owns the data (never by the caller's
 * network position):
 *
 * | role              | public directory and catalogue | private fields of operator X | writes to operator X |
 * |-------------------|--------------------------------|------------------------------|----------------------|
 * | anonymous         | read                           | no (FORBIDDEN)               | no (UNAUTHENTICATED) |
 * | operator_admin(X) | read                           | read                         | yes                  |
 * | operator_admin(Y) | read                           | no (FORBIDDEN)               | no (FORBIDDEN)       |
 * | partnership_admin | read                           | read                         | no (FORBIDDEN)       |
 */
export function canWrite(viewer: Viewer, operatorCode: string): viewer is AuthenticatedViewer {
  return hasRole(viewer, 'operator_admin') && viewer.operator === operatorCode;
}

export function canReadPrivate(viewer: Viewer, operatorCode: string): boolean {
  if (viewer.anonymous) return false;
  return viewer.roles.includes('partnership_admin') || (viewer.roles.includes('operator_admin') && viewer.operator === operatorCode);
}

/** Throws UNAUTHENTICATED for an anonymous caller, FORBIDDEN for one who may not write here. */
export function assertCanWriteOrThrow(viewer: Viewer, operatorCode: string): asserts viewer is AuthenticatedViewer {
  if (viewer.anonymous) {
    throw new GraphQLError('Writing needs a bearer token.', { extensions: { code: ErrorCode.UNAUTHENTICATED } });
  }
  if (!canWrite(viewer, operatorCode)) {
    throw new GraphQLError(`Only an operator_admin of ${operatorCode} may change its data.`, { extensions: { code: ErrorCode.FORBIDDEN } });
  }
}

export function assertCanReadPrivateOrThrow(viewer: Viewer, operatorCode: string, field: string): void {
  if (!canReadPrivate(viewer, operatorCode)) {
    throw new GraphQLError(`${field} is private: it needs the operator_admin role of ${operatorCode} or partnership_admin.`, {
      extensions: { code: ErrorCode.FORBIDDEN, field },
    });
  }
}
