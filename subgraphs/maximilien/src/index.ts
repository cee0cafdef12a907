// First, and as a bare import (never elided): tracing patches http, pg and graphql as they are
// required. Off unless an OTLP endpoint is configured.
import '../../../shared/src/tracing/register';
import { runOperatorSubgraph } from '../../../shared/src/subgraph/run-operator-subgraph';
import { maximilienModule } from './maximilien.module';

runOperatorSubgraph(maximilienModule).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
