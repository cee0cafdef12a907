import { getOperatorOrThrow } from '../../../shared/src/operators/operator-registry';
import type { OperatorModule } from '../../../shared/src/subgraph/operator-specifics';

/**
 * Maximilien: the kernel as it is. Its members are the public buyers of the Île-de-France
 * procurement portal and its catalogue is the procurement chain (see the seed catalogue).
 */
export const maximilienModule: OperatorModule = {
  operator: getOperatorOrThrow('MAXIMILIEN'),
  specifics: { sdl: '' },
};
