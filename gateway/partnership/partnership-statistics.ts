import type { OperatorStatistics } from '../../shared/src/directory/statistics';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { departementNameOrThrow } from '../../shared/src/reference/insee-reference';
import { indexFieldNames } from '../../shared/src/schema/index-fields';
import { fanOut } from './fan-out';
import type { CallOperator } from './operator-client';
import type { PartnershipContext } from './partnership-context';

type KeyCounts = { key: string; count: number }[];
type RemoteStatistics = Omit<OperatorStatistics, 'servicesByCategory'> & { servicesByCategory: { key: string; ids: string[] }[] };

const STATISTICS_FIELDS = `memberCount populationCovered subscriptionCount
  membersByKind { key count } membersByDepartement { key count } membersByStatus { key count }
  subscriptionsByCategory { key count } servicesByCategory { key ids }`;

/** Sums counts by key over operators, in key order. */
function sumByKey(lists: KeyCounts[]): KeyCounts {
  const totals = new Map<string, number>();
  for (const list of lists) for (const { key, count } of list) totals.set(key, (totals.get(key) ?? 0) + count);
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, count]) => ({ key, count }));
}

/** Statistics and vendor use: each operator computes its own in SQL; they are summed here. */
export function createPartnershipStatistics(operators: readonly OperatorDefinition[], callOperator: CallOperator, toOperatorApi: (o: OperatorDefinition) => unknown) {
  return {
    async statistics(context: PartnershipContext) {
      const { results, unavailable } = await fanOut(
        operators,
        async (operator) =>
          (await callOperator<{ statistics: RemoteStatistics }>(operator, `{ statistics: ${indexFieldNames(operator).statistics} { ${STATISTICS_FIELDS} } }`, {}, context)).statistics,
        context,
      );
      const all = results.map((result) => result.value);
      const categories = sumByKey(all.map((s) => s.servicesByCategory.map(({ key }) => ({ key, count: 0 })))).map(({ key }) => key);
      return {
        memberCount: all.reduce((sum, s) => sum + s.memberCount, 0),
        populationCovered: all.reduce((sum, s) => sum + s.populationCovered, 0),
        subscriptionCount: all.reduce((sum, s) => sum + s.subscriptionCount, 0),
        membersByOperator: results.map(({ operator, value }) => ({ operator: toOperatorApi(operator), count: value.memberCount })),
        subscriptionsByOperator: results.map(({ operator, value }) => ({ operator: toOperatorApi(operator), count: value.subscriptionCount })),
        membersByKind: sumByKey(all.map((s) => s.membersByKind)).map(({ key, count }) => ({ kind: key, count })),
        membersByStatus: sumByKey(all.map((s) => s.membersByStatus)).map(({ key, count }) => ({ status: key, count })),
        membersByDepartement: sumByKey(all.map((s) => s.membersByDepartement)).map(({ key, count }) => ({
          departement: { code: key, name: departementNameOrThrow(key) },
          count,
        })),
        subscriptionsByCategory: sumByKey(all.map((s) => s.subscriptionsByCategory)).map(({ key, count }) => ({ category: key, count })),
        catalogueComparison: categories.map((category) => ({
          category,
          offers: results.flatMap(({ operator, value }) => {
            const ids = value.servicesByCategory.find((entry) => entry.key === category)?.ids ?? [];
            const typename = `${operator.typePrefix}Service`;
            return ids.length ? [{ operator: toOperatorApi(operator), services: ids.map((id) => ({ __typename: typename, id })) }] : [];
          }),
        })),
        unavailableOperators: unavailable.map(toOperatorApi),
      };
    },

    async vendors(context: PartnershipContext) {
      type Usage = { name: string; siren: string | null; serviceIds: string[]; memberCount: number };
      const { results } = await fanOut(
        operators,
        async (operator) =>
          (await callOperator<{ usage: Usage[] }>(operator, `{ usage: ${indexFieldNames(operator).vendorUsage} { name siren serviceIds memberCount } }`, {}, context)).usage,
        context,
      );
      const byName = new Map<string, { vendor: { name: string; siren: string | null }; operators: unknown[]; services: unknown[]; memberCount: number }>();
      for (const { operator, value } of results) {
        for (const usage of value) {
          const entry = byName.get(usage.name) ?? { vendor: { name: usage.name, siren: usage.siren }, operators: [], services: [], memberCount: 0 };
          entry.vendor.siren ??= usage.siren;
          entry.operators.push(toOperatorApi(operator));
          entry.services.push(...usage.serviceIds.map((id) => ({ __typename: `${operator.typePrefix}Service`, id })));
          entry.memberCount += usage.memberCount;
          byName.set(usage.name, entry);
        }
      }
      return [...byName.values()].sort((a, b) => (a.vendor.name < b.vendor.name ? -1 : a.vendor.name > b.vendor.name ? 1 : 0));
    },
  };
}
