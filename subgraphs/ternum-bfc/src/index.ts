import { runOperatorSubgraph } from '../../../shared/src/subgraph/run-operator-subgraph';
import { ternumBfcModule } from './ternum-bfc.module';

runOperatorSubgraph(ternumBfcModule).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
