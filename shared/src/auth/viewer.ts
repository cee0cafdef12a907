import type { Role } from './role';

/**
 * Who is calling, as established from the bearer token by the gateway and again by every
 * subgraph. Authorization decisions read this, never a header.
 */
export type Viewer = AnonymousViewer | AuthenticatedViewer;

/** A caller without an `Authorization` header: reads the public directory and catalogue. */
export interface AnonymousViewer {
  readonly anonymous: true;
}

/** A caller with a verified token. */
export interface AuthenticatedViewer {
  readonly anonymous: false;
  /** The token's `sub`. */
  readonly subject: string;
  /** The operator code the caller acts for (claim `operator`), or null for a partnership-wide caller. */
  readonly operator: string | null;
  readonly roles: readonly Role[];
}

export const ANONYMOUS_VIEWER: AnonymousViewer = Object.freeze({ anonymous: true });

export function isAnonymous(viewer: Viewer): viewer is AnonymousViewer {
  return viewer.anonymous;
}

export function hasRole(viewer: Viewer, role: Role): viewer is AuthenticatedViewer {
  return !viewer.anonymous && viewer.roles.includes(role);
}
