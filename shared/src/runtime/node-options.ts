/**
 * The Node.js runtime flags every service runs with (`npm start`, the Docker image, the benchmark):
 *
 * `--max-semi-space-size=64` (MiB): a GraphQL request allocates many short-lived objects (parsed
 * JSON, resolver results, response trees). V8's default young generation (16 MiB semi-spaces on
 * 64-bit) fills every few hundred requests under load, and each scavenge pauses the event loop;
 * 64 MiB makes them rarer at the cost of ~100 MiB more resident memory per process. Measured with
 * `npm run bench` (BENCHMARKS.md): higher requests/s and a lower p99 for the gateway and the
 * subgraphs alike. Override with `NODE_OPTIONS`.
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=64';

/** `NODE_OPTIONS` for a service process: ours first, then the caller's (which win when they repeat a flag). */
export function serviceNodeOptions(existing: string | undefined): string {
  return [SERVICE_NODE_OPTIONS, existing?.trim()].filter(Boolean).join(' ');
}
