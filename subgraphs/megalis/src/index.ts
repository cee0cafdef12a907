import { runOperatorSubgraph } from '../../../shared/src/subgraph/run-operator-subgraph';
import { megalisModule } from './megalis.module';

runOperatorSubgraph(megalisModule).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
