import type { MemberKind } from '../domain/member-kind';
import type { SeedService } from './seed-types';
export { VENDOR_KEYS } from './vendors';

/**
 * Helpers for the operators' seed catalogues (each operator's catalogue lives in its own folder:
 * subgraphs/<slug>/src/catalogue.ts).
 *
 * Public facts (DOMAIN.md, "What each operator is known to run"):
 * - All three run a procurement platform on Atexo "Local Trust MPE".
 * - Mégalis Bretagne: transmission of acts and accounting flows, parapheur and convocations on
 *   Libriciel software (Pastell, S²LOW, i-Parapheur, idelibre); electronic archiving (as@lae,
 *   hosted by GIP SIB); automatic open data of deliberations, budgets and procurement data; GDPR.
 * - Territoires Numériques BFC: procurement platform with a signature tool; dematerialisation pack
 *   (parapheur, transmission); about 650 municipal websites; open data and GIS (IDéO BFC); shared
 *   DPO; digital inclusion (#MedNumBFC).
 * - Maximilien: buyer profile and the whole procurement chain (Atexo MPE, Redac, Exec), sourcing
 *   (Nukema), social and environmental clause support; transmission of acts and accounting flows.
 *
 * Where the product behind a service is not publicly established (e.g. which transmission software
 * Territoires Numériques BFC or Maximilien run), `product` and `vendorKey` are null rather than
 * guessed. Service codes are shared across operators for the same kind of service (`MPE`,
 * `TDT_ACTES`, …). Adoption rates are plausible estimates, not published figures.
 */

export type Adoption = SeedService['adoption'];

/** The same rate for every intercommunalité kind (EPCI à fiscalité propre and EPT). */
export function epciRate(rate: number): Adoption {
  return {
    COMMUNAUTE_DE_COMMUNES: rate,
    COMMUNAUTE_D_AGGLOMERATION: rate,
    COMMUNAUTE_URBAINE: rate,
    METROPOLE: rate,
    EPT: rate,
  };
}

/** The same rate for every kind of syndicat. */
export function syndicatRate(rate: number): Adoption {
  const kinds: MemberKind[] = ['SIVU', 'SIVOM', 'SYNDICAT_MIXTE'];
  return Object.fromEntries(kinds.map((kind) => [kind, rate]));
}

export const ATEXO_MPE = 'Local Trust MPE';
export const S2LOW = 'S²LOW';
