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
