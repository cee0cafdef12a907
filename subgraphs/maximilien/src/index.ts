import { runOperatorSubgraph } from '../../../shared/src/subgraph/run-operator-subgraph';
import { maximilienModule } from './maximilien.module';

runOperatorSubgraph(maximilienModule).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
