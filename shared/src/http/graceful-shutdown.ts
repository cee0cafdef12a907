import { type Env, readPositiveInt } from '../config/env.util';
import type { Logger } from '../logging/logger';

/**
 * Graceful shutdown of a service process on SIGTERM or SIGINT: the steps run in order (first the
 * HTTP server's graceful close: in-flight requests finish, new connections are refused; then
 * Apollo Server; then the database pool), then the process exits 0. A shutdown that takes longer
 * than the grace period plus `SHUTDOWN_MARGIN_MS` exits 1.
 *
 * The process owns these signals: Apollo Server registers handlers of its own outside
 * `NODE_ENV=test` (`stopOnTerminationSignals`) that stop it and re-send the signal, which kills
 * the process while requests are still in flight; they are removed. Call this after
 * `apollo.start()` (which registers them). A second signal during the shutdown is logged only.
 */
export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/** Beyond the grace period, what the other steps (Apollo, the pool) may take. */
export const SHUTDOWN_MARGIN_MS = 5_000;

/** `SHUTDOWN_GRACE_MS`: how long in-flight requests may take to finish (10 s by default). */
export function readShutdownGraceMs(env: Env): number {
  return readPositiveInt(env, 'SHUTDOWN_GRACE_MS', 10_000);
}

export function handleTerminationSignals(
  logger: Logger,
  graceMs: number,
  steps: ShutdownStep[],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: finishing requests in flight');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: graceMs + SHUTDOWN_MARGIN_MS }, 'shutdown took too long; exiting');
      exit(1);
    }, graceMs + SHUTDOWN_MARGIN_MS);
    deadline.unref();
    let code = 0;
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        code = 1;
        logger.error({ step: step.name, err: error }, 'shutdown step failed');
      }
    }
    clearTimeout(deadline);
    logger.info({ code }, 'stopped');
    exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, (received) => void shutdown(received));
  }
}
