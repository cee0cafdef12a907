import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/runtime-config';

/** Structured JSON logs (pino), one logger per service, named after it. */
export function createLogger(service: string, level: LogLevel): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type { Logger };
