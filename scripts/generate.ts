import { relative } from 'node:path';
import { ROOT, subgraphSchemaFiles, writeIfChanged } from './schema-files';

/** `npm run generate`: writes every subgraph's schema.graphql from the template and the registry. */
for (const file of subgraphSchemaFiles()) {
  const changed = writeIfChanged(file.path, file.render());
  process.stdout.write(`${changed ? 'wrote    ' : 'unchanged'} ${relative(ROOT, file.path)}\n`);
}
