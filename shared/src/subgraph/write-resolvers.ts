import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { assertCanReadPrivateOrThrow } from '../auth/authorize';
import { createService, retireService, subscribe, unsubscribe, updateService } from '../mutations/catalogue-mutations';
import { registerMember, setMembershipStatus, updateMember } from '../mutations/member-mutations';
import type { OperatorDefinition } from '../operators/operator-definition';
import { mutationFieldNames } from '../schema/index-fields';
import type { MemberApi } from './member.mapper';
import type { SubgraphContext } from './subgraph-context';

/** Per-request loaders of the history and audit trail of members. */
export function createHistoryLoaders(dataSource: DataSource) {
  const byMember = <T>(sql: string) =>
    new DataLoader<number, T[]>(async (ids) => {
      const rows: (T & { memberId: number })[] = await dataSource.query(sql, [[...ids]]);
      return ids.map((id) => rows.filter((row) => row.memberId === id));
    });
  return {
    statusHistoryByMemberId: byMember(
      `SELECT member_id AS "memberId", from_status AS "from", to_status AS "to", reason, changed_by AS "changedBy",
              to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "changedAt"
         FROM membership_status_change WHERE member_id = ANY($1) ORDER BY id`,
    ),
    auditTrailByMemberId: byMember(
      `SELECT entity_id AS "memberId", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action,
              before::text AS before, after::text AS after
         FROM audit_log WHERE entity_type = 'Member' AND entity_id = ANY($1) ORDER BY id`,
    ),
  };
}
export type HistoryLoaders = ReturnType<typeof createHistoryLoaders>;

/** The operator-side mutation fields and the member fields that writes brought (history, private fields). */
export function createWriteResolvers(operator: OperatorDefinition) {
  const f = mutationFieldNames(operator);
  const privateField = <K extends keyof MemberApi>(field: K) => (member: MemberApi, _args: unknown, context: SubgraphContext) => {
    assertCanReadPrivateOrThrow(context.viewer, operator.code, field as string);
    return member[field];
  };
  type Input<T> = { input: T };
  return {
    Mutation: {
      [f.registerMember]: (_: unknown, { input }: Input<Parameters<typeof registerMember>[1]>, c: SubgraphContext) => registerMember(c, input),
      [f.updateMember]: (_: unknown, { input }: Input<Parameters<typeof updateMember>[1]>, c: SubgraphContext) => updateMember(c, input),
      [f.setMembershipStatus]: (_: unknown, { input }: Input<Parameters<typeof setMembershipStatus>[1]>, c: SubgraphContext) =>
        setMembershipStatus(c, input),
      [f.subscribe]: (_: unknown, { input }: Input<Parameters<typeof subscribe>[1]>, c: SubgraphContext) => subscribe(c, input),
      [f.unsubscribe]: (_: unknown, { input }: Input<Parameters<typeof unsubscribe>[1]>, c: SubgraphContext) => unsubscribe(c, input),
      [f.createService]: (_: unknown, { input }: Input<Parameters<typeof createService>[1]>, c: SubgraphContext) => createService(c, input),
      [f.updateService]: (_: unknown, { input }: Input<Parameters<typeof updateService>[1]>, c: SubgraphContext) => updateService(c, input),
      [f.retireService]: (_: unknown, { input }: Input<Parameters<typeof retireService>[1]>, c: SubgraphContext) => retireService(c, input),
    },
    memberFields: {
      statusHistory: (member: MemberApi, _args: unknown, context: SubgraphContext) => context.history.statusHistoryByMemberId.load(member.localId),
      contactEmail: privateField('contactEmail'),
      annualContribution: privateField('annualContribution'),
      auditTrail: (member: MemberApi, _args: unknown, context: SubgraphContext) => {
        assertCanReadPrivateOrThrow(context.viewer, operator.code, 'auditTrail');
        return context.history.auditTrailByMemberId.load(member.localId);
      },
    },
  };
}
