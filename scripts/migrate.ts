import { createOperatorDataSourceFor } from '../shared/src/subgraph/operator-database';
import { loadOperatorModule } from '../subgraphs/operator-modules';
import { runCli, selectOperators } from './operator-cli';

/**
 * `npm run migrate -- [--operator CODE] [--revert] [--show]`: applies pending migrations (the kernel's
 * and the operator's own, in timestamp order) to each selected operator's database; `--revert` undoes the last one;
 * `--show` lists pending ones without applying them.
 */
runCli(async () => {
  const argv = process.argv.slice(2);
  for (const { operator, url } of selectOperators(argv)) {
    const dataSource = createOperatorDataSourceFor(loadOperatorModule(operator), url);
    await dataSource.initialize();
    try {
      if (argv.includes('--show')) {
        const pending = await dataSource.showMigrations();
        process.stdout.write(`${operator.code}: ${pending ? 'migrations pending' : 'up to date'}\n`);
      } else if (argv.includes('--revert')) {
        await dataSource.undoLastMigration({ transaction: 'each' });
        process.stdout.write(`${operator.code}: reverted the last migration\n`);
      } else {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        process.stdout.write(`${operator.code}: ${applied.length ? applied.map((m) => m.name).join(', ') : 'up to date'}\n`);
      }
    } finally {
      await dataSource.destroy();
    }
  }
});
