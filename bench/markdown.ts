import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { BenchOperation } from './operations';
import { FLOOR_TARGET, ratios, ratiosTable, reading, resultsTable, type Summary } from './report';
import type { Settings } from './settings';
import type { Stack } from './stack';

const ROOT = resolve(__dirname, '..');

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(resolve(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export interface RunContext {
  settings: Settings;
  command: string;
  date: string;
  stack: Stack;
  operations: BenchOperation[];
  summaries: Summary[];
  problems: string[];
  dedup: Record<string, number>;
  loadBefore: number[];
  loadAfter: number[];
  partnershipRss: number | null;
  elapsedSeconds: number;
}

/** BENCHMARKS.md: the run's figures, the machine, the command, the date and how it was measured. */
export function markdown(context: RunContext): string {
  const { settings, stack, operations, summaries } = context;
  const cpu = cpus();
  const mib = (bytes: number | null) => (bytes === null ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`);
  const members = Object.entries(stack.seededMembers).map(([code, count]) => `${code} ${count}`).join(', ');
  const notes = operations.filter((operation) => operation.note).map((operation) => `- **${operation.key}**: ${operation.note}`);
  const titles = operations.map((operation, index) => `${index + 1}. **${operation.key}** — ${operation.title} (${operation.variables.length} distinct variable set${operation.variables.length === 1 ? '' : 's'})`);
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); do not edit by hand: run it again.

- **Command:** \`${context.command}\`
- **Date:** ${context.date}
- **Machine:** ${cpu.length} cores (${cpu[0]?.model ?? 'unknown model'}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, Linux ${release()}, Node ${process.version}. Shared and noisy: load average ${context.loadBefore.map((value) => value.toFixed(2)).join(' / ')} before the run, ${context.loadAfter.map((value) => value.toFixed(2)).join(' / ')} after (1 / 5 / 15 min).
- **Load:** autocannon ${packageVersion('autocannon')}, ${settings.connections} keep-alive connections, ${settings.durationSeconds} s per cell, ${settings.rounds} rounds${settings.quick ? ' (`--quick`)' : ''}; ${settings.warmupSeconds} s of warm-up per cell before the first round. The whole run took ${context.elapsedSeconds.toFixed(0)} s (start-up and seeding: ${stack.startSeconds.toFixed(0)} s).
- **Versions:** @apollo/gateway ${packageVersion('@apollo/gateway')}, @graphql-hive/gateway ${packageVersion('@graphql-hive/gateway')}, @graphql-hive/router-runtime ${packageVersion('@graphql-hive/router-runtime')}.

## Results

Medians over the rounds (req/s, p50, p99, SQL/req); errors, non-2xx and responses are totals over the rounds; RSS is the gateway process's largest resident set seen after a cell. "errors" counts socket errors, time-outs and HTTP 2xx answers with GraphQL errors or no data.

${resultsTable(operations, summaries)}

Ratios (from the medians; req/s above 1× and p99 below 1× favour ours):

${ratiosTable(ratios(operations, summaries))}

## Reading

${reading(operations, summaries).join('\n')}
${context.problems.length ? `\nRequests that failed when checked one by one before the run:\n\n${context.problems.map((problem) => `- ${problem}`).join('\n')}\n` : ''}
## Operations

${titles.join('\n')}

${notes.join('\n')}

## How it is measured

- One run starts everything in separate processes on this machine: a fresh embedded PostgreSQL in a temporary directory (databases created, migrated and seeded as for the tests: ${members} members), the three operator subgraphs, our gateway, the partnership subgraph standalone, and two Hive Gateways — all with \`NODE_ENV=production\`, \`LOG_LEVEL=silent\` — and stops them all (and removes the directory) at the end, on failure and on Ctrl-C.
- **Alternation:** within a round, each operation is run against every target in turn (the order of the targets rotates from round to round), so that the machine's noise falls on all of them; the tables give the median of the rounds.
- **Varied requests:** every request of a cell takes the next variable set of the operation's pool, gathered from our gateway before the run (real cursors under several orders and filters, real member IDs, search texts from real names). \`operators-deep\` and \`statistics\` send identical requests: they show in-flight deduplication.
- **SQL/req:** the \`sql_statements_total\` of the three subgraphs (their \`/metrics\`) before and after the cell, divided by the responses.
- **Our gateway:** \`gateway/src/index.ts\`, partnership subgraph in-process (\`PARTNERSHIP_URL\` unset). \`RATE_LIMIT_PER_MINUTE=0\`: in production the gateway limits each client address to 600 requests a minute by default, which would turn this load into 429s. Its response cache is off (\`RESPONSE_CACHE_MIB=0\`), as the comparison requires; in-flight deduplication of identical subgraph reads and automatic persisted queries to the subgraphs are on (their defaults). **ours, response cache on** is a second gateway process with the defaults (\`RESPONSE_CACHE_MIB=64\`, subgraphs at \`CACHE_MAX_AGE=30\` under \`NODE_ENV=production\`): anonymous reads answered from the cache until a mutation or the max age; reported apart, not in the comparison.
- **Hive Gateway:** \`startHiveGateway\` (shared/src/testing/hive-gateway.ts) — \`createGatewayRuntime\` with the router runtime (Hive Router's Rust query planner), the same committed supergraph and subgraphs, \`Authorization\` and \`x-request-id\` propagated, logging off, no response cache. It reaches the partnership subgraph over HTTP (a separate process, ${mib(context.partnershipRss)} resident at the end): one more hop than ours, which runs it in-process. **Dedup on** is Hive's default in-flight deduplication of subgraph requests (\`deduplicateInflightRequests\`); **dedup off** sets it to false through \`@transport\` directives in the supergraph (bench/hive-options.ts). Hive's separate *inbound* request deduplication (\`inboundInflightRequestDeduplication\`, off by default, which shares whole responses) stays off in both. The harness records every upstream URL Hive fetches (its loopback guard): a little extra work and memory on Hive's side.
- **Deduplication check** (megalis subgraph requests for 20 identical concurrent \`operators-deep\` requests): ${Object.entries(context.dedup).map(([target, count]) => `${target} ${count}`).join(', ')}.
- The load generator runs in the benchmark's own process, on the same CPUs as everything it measures.
- **CPU placement** (bench/cpu-placement.ts, Linux \`taskset\`, set before each cell): every cell runs on **shared CPUs** (any process on any CPU, the scheduler's choice) except the **split CPUs** cells of ${operations.find((operation) => operation.targets.includes('oursSplit'))?.key ?? 'the single-operator page'}${stack.placement.unavailable ? ` — skipped in this run: ${stack.placement.unavailable}` : ''}: ${stack.placement.describe()}. **The floor target (a gateway within ${FLOOR_TARGET}× of the direct subgraph's p50) is judged on split CPUs.** In production the gateway and each operator's subgraph and database are different machines; with split CPUs the subgraph tier has the same CPUs whether it is reached directly or through a gateway, so the floor ratio shows the latency a gateway adds under load. On shared CPUs the ratio measures something else: reached directly, the subgraph is bounded by its own single thread while PostgreSQL and the load generator use the other CPU; through a gateway, the ${cpus().length} CPUs are shared by the gateway, the subgraph, PostgreSQL and the load generator, so the ratio is close to (gateway + subgraph + database + load generator CPU per request) ÷ (${cpus().length} × subgraph CPU per request). It grows as the subgraph gets faster (a subgraph 20% cheaper per request would raise it by about 0.15 with the gateway unchanged) and falls as the subgraph gets slower: a gateway is not judged by it. It is shown for information, as is the one-connection reading below. Under a closed load of ${settings.connections} connections, a gateway in front of a saturated subgraph tier does its work while requests wait in the subgraph's queue, so that work can hide in the p50; the **1 connection** cells (one request at a time, nothing queues) show it in full. The load generator sits with the gateway tier: it competes with the gateway, not with the subgraphs.
`;
}
