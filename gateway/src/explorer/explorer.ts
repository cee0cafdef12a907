import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The explorer's routes (GraphiQL served from npm assets, offline). Filled in by the explorer work;
 * the gateway mounts these routes in development only.
 */
export function explorerRoutes(): Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean> {
  return {};
}
