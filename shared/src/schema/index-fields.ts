import type { OperatorDefinition } from '../operators/operator-definition';

/**
 * The names of an operator subgraph's `@inaccessible` index fields: the entry points the
 * partnership layer calls directly (DESIGN.md §4), hidden from the public schema. Prefixed with the
 * operator so that no two subgraphs declare the same root field.
 */
export function indexFieldNames(operator: OperatorDefinition) {
  const p = operator.typePrefix.charAt(0).toLowerCase() + operator.typePrefix.slice(1);
  return {
    operator: `${p}Operator`,
    memberIndex: `${p}MemberIndex`,
    serviceIndex: `${p}ServiceIndex`,
    searchIndex: `${p}SearchIndex`,
    membersBySiren: `${p}MembersBySiren`,
    statistics: `${p}Statistics`,
    vendorUsage: `${p}VendorUsage`,
  };
}

/** The names of an operator subgraph's `@inaccessible` mutation fields. */
export function mutationFieldNames(operator: OperatorDefinition) {
  const p = operator.typePrefix.charAt(0).toLowerCase() + operator.typePrefix.slice(1);
  return {
    registerMember: `${p}RegisterMember`,
    updateMember: `${p}UpdateMember`,
    setMembershipStatus: `${p}SetMembershipStatus`,
    subscribe: `${p}Subscribe`,
    unsubscribe: `${p}Unsubscribe`,
    createService: `${p}CreateService`,
    updateService: `${p}UpdateService`,
    retireService: `${p}RetireService`,
  };
}
