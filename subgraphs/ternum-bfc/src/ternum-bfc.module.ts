import { getOperatorOrThrow } from '../../../shared/src/operators/operator-registry';
import { TERNUM_BFC_CATALOGUE } from './catalogue';
import type { OperatorModule } from '../../../shared/src/subgraph/operator-specifics';
import type { Resolvers } from './generated/ternum-bfc-resolvers.generated';
import { FREE_OF_CHARGE_POPULATION_LIMIT, FREE_OF_CHARGE_SINCE_YEAR, feeExemptionOf } from './ternum-pricing';

const sdl = `
"""
Why a member of Territoires Numériques Bourgogne-Franche-Comté uses its services free of charge.
"""
enum TernumFeeExemption {
  "A commune under ${FREE_OF_CHARGE_POPULATION_LIMIT} inhabitants: free of charge since ${FREE_OF_CHARGE_SINCE_YEAR}."
  SMALL_COMMUNE
}

extend type TernumMember {
  "Whether the member pays for the services it uses (false for communes under ${FREE_OF_CHARGE_POPULATION_LIMIT} inhabitants since ${FREE_OF_CHARGE_SINCE_YEAR})."
  chargedForServices: Boolean!
  "Why the member is not charged; null when it is."
  feeExemption: TernumFeeExemption
}
`;

const resolvers: Resolvers = {
  TernumMember: {
    chargedForServices: (member) => feeExemptionOf(member) === null,
    feeExemption: (member) => feeExemptionOf(member),
  },
};

/** Territoires Numériques BFC: the kernel, plus its free-of-charge rule for small communes. */
export const ternumBfcModule: OperatorModule = {
  operator: getOperatorOrThrow('TERNUM_BFC'),
  specifics: {
    sdl,
    catalogue: TERNUM_BFC_CATALOGUE,
    seedComposition: {
      foundedOn: '2003-01-01',
      synthetic: { SDIS: 8, SIVU: 14, SIVOM: 6, SYNDICAT_MIXTE: 6, CCAS: 6 },
      remainderKind: 'CCAS',
      // Small communes mostly joined once the services became free for them (2020).
      smallCommunes: { populationBelow: FREE_OF_CHARGE_POPULATION_LIMIT, mostlyJoinedFrom: `${FREE_OF_CHARGE_SINCE_YEAR}-01-01`, share: 0.7 },
    },
    resolvers,
  },
};
