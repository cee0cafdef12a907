import { relative } from 'node:path';
import { composeCommittedFiles, CompositionError, ROOT, SUPERGRAPH_FILE, subgraphSchemaFiles, writeIfChanged } from './schema-files';

/**
 * `npm run compose`: regenerates the subgraphs' SDL files, composes them with @apollo/composition
 * and writes the static supergraph the gateway loads. Fails (exit 1) on a composition error.
 */
try {
  for (const file of subgraphSchemaFiles()) writeIfChanged(file.path, file.render());
  const { supergraphSdl, hints } = composeCommittedFiles();
  for (const hint of hints) process.stdout.write(`hint: ${hint}\n`);
  const changed = writeIfChanged(SUPERGRAPH_FILE, supergraphSdl);
  process.stdout.write(`${changed ? 'wrote    ' : 'unchanged'} ${relative(ROOT, SUPERGRAPH_FILE)}\n`);
} catch (error) {
  if (!(error instanceof CompositionError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
