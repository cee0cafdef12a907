/**
 * The roles a token can grant (claim `roles`), as data: the token script, the verifier and the
 * README's role table read this list. What each role may do is enforced by the operator
 * subgraphs (authorization); a role only names a set of permissions.
 */
export const ROLES = [
  {
    name: 'operator_admin',
    description:
      "Manages its own operator's directory and catalogue (the token's `operator` claim): writes its data and reads its private fields. Requires an `operator` claim.",
    requiresOperator: true,
  },
  {
    name: 'partnership_admin',
    description: 'Reads everything across the partnership, private fields included; writes nothing that an operator owns.',
    requiresOperator: false,
  },
] as const;

export type Role = (typeof ROLES)[number]['name'];

export const ROLE_NAMES: readonly Role[] = ROLES.map((role) => role.name);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

/** Whether a token granting this role must name the operator it acts for. */
export function roleRequiresOperator(role: Role): boolean {
  return ROLES.some((definition) => definition.name === role && definition.requiresOperator);
}
