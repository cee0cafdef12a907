import { prepareOperatorDatabase } from '../shared/src/database/prepare-operator-database';
import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { runCli, selectOperators } from './operator-cli';

/**
 * `npm run seed -- [--operator CODE]`: migrates, then writes the deterministic seed; only rows
 * missing by natural key are inserted, so it is safe to run again and never overwrites edits.
 */
runCli(async () => {
  for (const { operator, url } of selectOperators(process.argv.slice(2))) {
    const module = loadOperatorModule(operator);
    const dataSource = createOperatorDataSourceFor(module, url);
    await dataSource.initialize();
    try {
      const { seeded } = await prepareOperatorDatabase(dataSource, module, { seed: true });
      process.stdout.write(`${operator.code}: inserted ${JSON.stringify(seeded)}\n`);
    } finally {
      await dataSource.destroy();
    }
  }
});
