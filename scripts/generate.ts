import { relative, resolve } from 'node:path';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { renderDockerCompose } from './compose-file';
import { ROOT, subgraphSchemaFiles, writeIfChanged } from './schema-files';

/**
 * `npm run generate`: writes every subgraph's schema.graphql from the template and the registry,
 * then the docker-compose.yml at the repository root.
 */
const files = [
  ...subgraphSchemaFiles(),
  { path: resolve(ROOT, 'docker-compose.yml'), render: () => renderDockerCompose(OPERATORS) },
];
for (const file of files) {
  const changed = writeIfChanged(file.path, file.render());
  process.stdout.write(`${changed ? 'wrote    ' : 'unchanged'} ${relative(ROOT, file.path)}\n`);
}
