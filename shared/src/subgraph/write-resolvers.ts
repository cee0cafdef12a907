import DataLoader from 'dataloader';
import { groupBy } from '../loaders/directory-loaders';
import type { DataSource } from 'typeorm';
import { assertCanReadPrivateOrThrow } from '../auth/authorize';
import { createService, retireService, subscribe, unsubscribe, updateService } from '../mutations/catalogue-mutations';
import { registerMember, setMembershipStatus, updateMember } from '../mutations/member-mutations';
import type { AuditRecord, MembershipStatusChange, MutationResolvers, TemplateMemberResolvers } from '../generated/operator-resolvers.generated';
import type { OperatorDefinition } from '../operators/operator-definition';
import type { MemberApi } from './member.mapper';
import type { SubgraphContext } from './subgraph-context';

/** Per-request loaders of the history and audit trail of members. */
export function createHistoryLoaders(dataSource: DataSource) {
  const byMember = <T>(sql: string) =>
    new DataLoader<number, T[]>(async (ids) => {
      const rows: (T & { memberId: number })[] = await dataSource.query(sql, [[...ids]]);
      const grouped = groupBy(rows, (row) => row.memberId);
      return ids.map((id) => grouped.get(id) ?? []);
    });
  return {
    statusHistoryByMemberId: byMember<MembershipStatusChange>(
      `SELECT member_id AS "memberId", from_status AS "from", to_status AS "to", reason, changed_by AS "changedBy",
              to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "changedAt"
         FROM membership_status_change WHERE member_id = ANY($1) ORDER BY id`,
    ),
    auditTrailByMemberId: byMember<AuditRecord>(
      `SELECT entity_id AS "memberId", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action,
              before::text AS before, after::text AS after
         FROM audit_log WHERE entity_type = 'Member' AND entity_id = ANY($1) ORDER BY id`,
    ),
  };
}
export type HistoryLoaders = ReturnType<typeof createHistoryLoaders>;

/**
 * The operator-side mutation fields and the member fields that writes brought (history, private
 * fields). Named for the stand-in operator: `withOperatorNames` renames them.
 */
export function createWriteResolvers(operator: OperatorDefinition): { Mutation: MutationResolvers; memberFields: TemplateMemberResolvers } {
  const privateField =
    <K extends 'contactEmail' | 'annualContribution'>(field: K) =>
    (member: MemberApi, _args: unknown, context: SubgraphContext): MemberApi[K] => {
      assertCanReadPrivateOrThrow(context.viewer, operator.code, field);
      return member[field];
    };
  return {
    Mutation: {
      templateRegisterMember: (_, { input }, c) => registerMember(c, input),
      templateUpdateMember: (_, { input }, c) => updateMember(c, input),
      templateSetMembershipStatus: (_, { input }, c) => setMembershipStatus(c, input),
      templateSubscribe: (_, { input }, c) => subscribe(c, input),
      templateUnsubscribe: (_, { input }, c) => unsubscribe(c, input),
      templateCreateService: (_, { input }, c) => createService(c, input),
      templateUpdateService: (_, { input }, c) => updateService(c, input),
      templateRetireService: (_, { input }, c) => retireService(c, input),
    },
    memberFields: {
      statusHistory: (member, _args, context) => context.history.statusHistoryByMemberId.load(member.localId),
      contactEmail: privateField('contactEmail'),
      annualContribution: privateField('annualContribution'),
      auditTrail: (member, _args, context) => {
        assertCanReadPrivateOrThrow(context.viewer, operator.code, 'auditTrail');
        return context.history.auditTrailByMemberId.load(member.localId);
      },
    },
  };
}
