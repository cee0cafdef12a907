import { ConfigError } from '../config/env.util';
import { readTracingConfig, serviceNameOfEntryPoint } from './tracing-config';
import type { TracingHandle } from './tracing-sdk';

/**
 * OpenTelemetry tracing for this process, registered on import: the FIRST import of every service
 * entry point (gateway, partnership, each operator subgraph), because the instrumentations patch
 * `pg` and `graphql` when they are required, and this project is CommonJS (import order is require
 * order).
 *
 * Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (and not
 * empty): then nothing else happens, and the SDK is not even loaded. A bad value stops the process
 * with status 2 and a message naming the variable, like any other configuration error.
 */
let active: TracingHandle | null = null;

function register(): void {
  try {
    const config = readTracingConfig(process.env, serviceNameOfEntryPoint(process.argv[1]));
    if (!config.enabled) return;
    // Required here, not imported: with tracing off the SDK and its instrumentations never load.
    const { startTracing } = require('./tracing-sdk') as typeof import('./tracing-sdk');
    active = startTracing(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

register();

/** Whether this process exports spans. */
export function tracingEnabled(): boolean {
  return active !== null;
}

/**
 * Exports the spans still queued, then stops tracing: the last step of a graceful shutdown
 * (`handleTerminationSignals`), after the HTTP server has let its requests finish. Bounded (3 s)
 * and never rejects; does nothing when tracing is off.
 */
export async function shutdownTracing(): Promise<void> {
  await active?.shutdown();
}
