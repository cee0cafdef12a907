import { getOperatorOrThrow } from '../../../shared/src/operators/operator-registry';
import { MAXIMILIEN_CATALOGUE } from './catalogue';
import type { OperatorModule } from '../../../shared/src/subgraph/operator-specifics';

/**
 * Maximilien: the kernel as it is. Its members are the public buyers of the Île-de-France
 * procurement portal and its catalogue is the procurement chain (see the seed catalogue).
 */
export const maximilienModule: OperatorModule = {
  operator: getOperatorOrThrow('MAXIMILIEN'),
  specifics: {
    sdl: '',
    catalogue: MAXIMILIEN_CATALOGUE,
    seedComposition: {
      foundedOn: '2013-01-01',
      synthetic: { SDIS: 4, GIP: 3, HOPITAL: 22, OPH: 14, EPLE: 24, SYNDICAT_MIXTE: 6, SIVU: 3, CCAS: 4 },
      remainderKind: 'CCAS',
    },
  },
};
