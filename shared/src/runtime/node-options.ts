/**
 * The Node.js runtime flags of each tier of services (`npm start`, docker-compose.yml, the
 * benchmark). A GraphQL request allocates many short-lived objects (parsed JSON, resolver results,
 * response trees); V8's young generation (semi-spaces of up to 16 MiB on 64-bit) is collected by
 * scavenges that pause the event loop, each for as long as it takes to copy what is still alive.
 *
 * - Subgraphs: `--max-semi-space-size=64` (MiB): scavenges four times rarer, for ~100 MiB more
 *   resident memory per process. Measured against 16 MiB (focused `npm run bench` on
 *   partnership-page and search, our gateway and Hive's, 3 rounds each, the subgraphs' scavenges
 *   timed with perf_hooks): 16 MiB pauses are shorter (4.1–4.4 ms median against 8.7–10.0 ms) but
 *   add up to more (3.9–5.9 s against 2.5–3.7 s per subgraph in the run), with fewer requests/s
 *   through both gateways (partnership-page 219 vs 235 for ours, 165 vs 184 for Hive).
 * - Gateway tier (our gateway; Hive Gateway in the benchmark): V8's default. A gateway keeps the
 *   subgraph answers of every request in flight until it has shaped the response, so each scavenge
 *   of a larger young generation copies more and pauses longer: measured on `operators-deep`
 *   (focused `npm run bench`, 3 rounds, our gateway's scavenges timed with perf_hooks): 64 MiB,
 *   13.1–15.4 ms per scavenge and p99 35.6–36.8 ms; 16 MiB (the default), 5.5–6.8 ms and p99 31.9–32.9 ms,
 *   for 2–4% fewer requests/s.
 *
 * Override with `NODE_OPTIONS`: the caller's flags come after ours, and win when they repeat one.
 */
export type ServiceTier = 'gateway' | 'subgraph';

export const SERVICE_NODE_OPTIONS: Readonly<Record<ServiceTier, string>> = {
  gateway: '',
  subgraph: '--max-semi-space-size=64',
};

/** `NODE_OPTIONS` for a service process of `tier`: ours first, then the caller's. */
export function serviceNodeOptions(tier: ServiceTier, existing: string | undefined): string {
  return [SERVICE_NODE_OPTIONS[tier], existing?.trim()].filter(Boolean).join(' ');
}
