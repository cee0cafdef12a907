import type { MemberKind } from '../../../shared/src/domain/member-kind';

/**
 * Territoires Numériques Bourgogne-Franche-Comté offers its services free of charge to communes
 * under 500 inhabitants, since 2020. Whether a member is charged follows from its kind and
 * population; a commune whose population is unknown is charged.
 */
export const FREE_OF_CHARGE_POPULATION_LIMIT = 500;
export const FREE_OF_CHARGE_SINCE_YEAR = 2020;

export type FeeExemption = 'SMALL_COMMUNE';

export function feeExemptionOf(member: { kind: MemberKind; population: number | null }): FeeExemption | null {
  return member.kind === 'COMMUNE' && member.population !== null && member.population < FREE_OF_CHARGE_POPULATION_LIMIT
    ? 'SMALL_COMMUNE'
    : null;
}
