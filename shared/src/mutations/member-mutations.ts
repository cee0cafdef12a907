import type { EntityManager } from 'typeorm';
import type { MemberKind } from '../domain/member-kind';
import type { MembershipStatus } from '../domain/membership-status';
import { nameSortKey } from '../domain/sort-key.util';
import { badUserInput } from '../errors/user-input-error';
import { encodeGlobalId } from '../ids/global-id';
import type { SubgraphContext } from '../subgraph/subgraph-context';
import {
  MAX_CONTRIBUTION,
  MAX_POPULATION,
  departementInTerritoryOrThrow,
  emailOrThrow,
  inseeCodeOrThrow,
  integerInRangeOrThrow,
  legalCategoryOf,
  localIdOrThrow,
  sirenOrThrow,
  textOrThrow,
} from './input-validation';
import { conflict, isUniqueViolation, notFound, runMutation, type MutationResult } from './run-mutation';

interface MemberFieldsInput {
  name?: string | null;
  kind?: MemberKind | null;
  inseeCode?: string | null;
  population?: number | null;
  departement?: string | null;
  contactEmail?: string | null;
  annualContribution?: number | null;
  clientMutationId?: string | null;
}

/** Column → value of the fields given, validated; `null` clears a nullable field. */
function memberColumns(input: MemberFieldsInput, context: SubgraphContext): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (input.name != null) {
    columns.name = textOrThrow(input.name, 'input.name', 300);
    columns.sort_name = nameSortKey(columns.name as string);
    if (!columns.sort_name) throw badUserInput('input.name', 'input.name must contain a letter or digit.');
  }
  if (input.kind != null) {
    columns.kind = input.kind;
    columns.legal_category = legalCategoryOf(input.kind);
  }
  if (input.inseeCode !== undefined) columns.insee_code = input.inseeCode === null ? null : inseeCodeOrThrow(input.inseeCode);
  if (input.population !== undefined) {
    columns.population = input.population === null ? null : integerInRangeOrThrow(input.population, 'input.population', 0, MAX_POPULATION);
  }
  if (input.departement != null) columns.departement = departementInTerritoryOrThrow(input.departement, context.operator);
  if (input.contactEmail !== undefined) columns.contact_email = input.contactEmail === null ? null : emailOrThrow(input.contactEmail);
  if (input.annualContribution !== undefined) {
    columns.annual_contribution =
      input.annualContribution === null ? null : integerInRangeOrThrow(input.annualContribution, 'input.annualContribution', 0, MAX_CONTRIBUTION);
  }
  return columns;
}

const MEMBER_COLUMNS = `id, siren, name, kind, legal_category AS "legalCategory", insee_code AS "inseeCode", population,
  departement, status, joined_at AS "joinedAt", synthetic, contact_email AS "contactEmail",
  annual_contribution AS "annualContribution", version`;

async function lockedMember(manager: EntityManager, id: number) {
  const [row] = await manager.query(`SELECT ${MEMBER_COLUMNS} FROM member WHERE id = $1`, [id]);
  return row as ({ version: number; status: MembershipStatus; joinedAt: string | null } & Record<string, unknown>) | undefined;
}

/** Writes `columns` if the member is still at `expectedVersion`; CONFLICT otherwise. */
async function updateGuarded(manager: EntityManager, id: number, expectedVersion: number, columns: Record<string, unknown>) {
  const names = Object.keys(columns);
  const sets = names.map((name, index) => `${name} = $${index + 3}`);
  const [rows] = await manager.query(
    `UPDATE member SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
      WHERE id = $1 AND version = $2 RETURNING ${MEMBER_COLUMNS}`,
    [id, expectedVersion, ...names.map((name) => columns[name])],
  );
  if (!rows?.length) throw conflict('The member', expectedVersion);
  return rows[0];
}

function memberId(context: SubgraphContext, id: string): number {
  return localIdOrThrow(id, `${context.operator.typePrefix}Member`, 'input.id');
}

export function registerMember(context: SubgraphContext, input: MemberFieldsInput & { siren: string; name: string; kind: MemberKind; departement: string }): Promise<MutationResult> {
  return runMutation(context, 'registerMember', input.clientMutationId, async ({ manager, audit }) => {
    const siren = sirenOrThrow(input.siren);
    const columns = memberColumns(input, context);
    const [existing] = await manager.query('SELECT 1 FROM member WHERE siren = $1', [siren]);
    if (existing) throw badUserInput('input.siren', `A member with SIREN ${siren} is already in the directory of ${context.operator.name}.`);
    const all: Record<string, unknown> = { siren, ...columns, status: 'EN_COURS_D_ADHESION', synthetic: false };
    const names = Object.keys(all);
    let row;
    try {
      [row] = await manager.query(
        `INSERT INTO member (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${MEMBER_COLUMNS}`,
        names.map((name) => all[name]),
      );
    } catch (error) {
      // Two registrations of one SIREN at once: the unique index decides.
      if (isUniqueViolation(error)) {
        throw badUserInput('input.siren', `A member with SIREN ${siren} is already in the directory of ${context.operator.name}.`);
      }
      throw error;
    }
    await audit('Member', row.id, null, row);
    return { id: encodeGlobalId(`${context.operator.typePrefix}Member`, row.id) };
  });
}

export function updateMember(context: SubgraphContext, input: MemberFieldsInput & { id: string; expectedVersion: number }): Promise<MutationResult> {
  return runMutation(context, 'updateMember', input.clientMutationId, async ({ manager, audit }) => {
    const id = memberId(context, input.id);
    const columns = memberColumns(input, context);
    const before = await lockedMember(manager, id);
    if (!before) throw notFound('input.id', 'The member');
    if (before.version !== input.expectedVersion) throw conflict('The member', input.expectedVersion);
    const after = await updateGuarded(manager, id, input.expectedVersion, columns);
    await audit('Member', id, before, after);
    return { id: input.id };
  });
}

export function setMembershipStatus(
  context: SubgraphContext,
  input: { id: string; expectedVersion: number; status: MembershipStatus; reason: string; clientMutationId?: string | null },
): Promise<MutationResult> {
  return runMutation(context, 'setMembershipStatus', input.clientMutationId, async ({ manager, viewer, audit }) => {
    const id = memberId(context, input.id);
    const reason = textOrThrow(input.reason, 'input.reason', 500);
    const before = await lockedMember(manager, id);
    if (!before) throw notFound('input.id', 'The member');
    if (before.version !== input.expectedVersion) throw conflict('The member', input.expectedVersion);
    const columns: Record<string, unknown> = { status: input.status };
    if (input.status === 'ADHERENT' && before.joinedAt === null) columns.joined_at = new Date().toISOString().slice(0, 10);
    const after = await updateGuarded(manager, id, input.expectedVersion, columns);
    await manager.query(
      `INSERT INTO membership_status_change (member_id, from_status, to_status, reason, changed_by) VALUES ($1, $2, $3, $4, $5)`,
      [id, before.status, input.status, reason, viewer.subject],
    );
    await audit('Member', id, before, after);
    return { id: input.id };
  });
}
