import type { OperatorDefinition } from '../shared/src/operators/operator-definition';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import type { OperatorModule } from '../shared/src/subgraph/operator-specifics';

/**
 * Finds each registered operator's module by convention: `subgraphs/<slug>/src/<slug>.module.ts`
 * exports one `OperatorModule`. Adding an operator adds a folder; nothing here changes.
 */
export function loadOperatorModule(operator: OperatorDefinition): OperatorModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(`./${operator.slug}/src/${operator.slug}.module`) as Record<string, unknown>;
  const module = Object.values(exports).find(
    (value): value is OperatorModule => (value as OperatorModule | undefined)?.operator?.code === operator.code,
  );
  if (!module) throw new Error(`subgraphs/${operator.slug}/src/${operator.slug}.module.ts exports no module of ${operator.code}`);
  return module;
}

export function loadOperatorModules(): OperatorModule[] {
  return OPERATORS.map(loadOperatorModule);
}
