import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { metricValue, postGraphQL, readMetrics } from './graphql-client';
import { type LoadResult, runLoad } from './load';
import { type BenchOperation, buildOperations, connectionsOf, type ServiceKey, serviceOf, TARGET_LABELS, type TargetKey, topologyOf } from './operations';
import { markdown, type RunContext } from './markdown';
import { type CellResult, ratios, ratiosTable, reading, resultsTable, summarize } from './report';
import { readSettings, type Settings } from './settings';
import { Cleanup, cpuSeconds, residentBytes, type Stack, startStack, stopOnSignals } from './stack';

/**
 * `npm run bench [-- [--quick] [--rounds N] [--duration S] [--warmup S] [--connections N] [--out FILE]]`
 *
 * Starts everything (PostgreSQL, three operator subgraphs, our gateway, the partnership subgraph
 * standalone, Hive Gateway with deduplication on and off), measures every operation against every
 * target in alternation, round after round, stops everything, prints the table and writes
 * BENCHMARKS.md. See BENCHMARKS.md, "How it is measured".
 */
const started = Date.now();
const log = (message: string) => process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);

function targetUrl(stack: Stack, target: TargetKey): string {
  switch (serviceOf(target)) {
    case 'ours':
      return stack.ours.url;
    case 'oursCached':
      return stack.oursCached.url;
    case 'hiveDedupOn':
      return stack.hiveDedupOn.url;
    case 'hiveDedupOff':
      return stack.hiveDedupOff.url;
    case 'direct':
      return stack.subgraphs.MEGALIS.url;
  }
}

function bodiesFor(operation: BenchOperation, target: TargetKey): string[] {
  const query = serviceOf(target) === 'direct' ? operation.directQuery : operation.query;
  if (!query) throw new Error(`${operation.key} has no query for ${target}`);
  return operation.variables.map((variables) => JSON.stringify({ query, variables }));
}

async function sqlStatements(stack: Stack): Promise<number> {
  const counts = await Promise.all(Object.values(stack.subgraphs).map(async (subgraph) => metricValue(await readMetrics(subgraph.baseUrl), 'sql_statements_total') ?? 0));
  return counts.reduce((sum, count) => sum + count, 0);
}

async function gatewayRss(stack: Stack, target: TargetKey): Promise<number | null> {
  switch (serviceOf(target)) {
    case 'ours':
      return metricValue(await readMetrics(stack.ours.baseUrl), 'process_resident_memory_bytes');
    case 'oursCached':
      return metricValue(await readMetrics(stack.oursCached.baseUrl), 'process_resident_memory_bytes');
    case 'hiveDedupOn':
      return residentBytes(stack.hiveDedupOn.pid);
    case 'hiveDedupOff':
      return residentBytes(stack.hiveDedupOff.pid);
    case 'direct':
      return null;
  }
}

/** The processes doing a gateway's work: Hive Gateway's includes its standalone partnership subgraph. */
function gatewayPids(stack: Stack, target: TargetKey): number[] {
  switch (serviceOf(target)) {
    case 'ours':
      return [stack.ours.pid];
    case 'oursCached':
      return [stack.oursCached.pid];
    case 'hiveDedupOn':
      return [stack.hiveDedupOn.pid, stack.partnership.pid];
    case 'hiveDedupOff':
      return [stack.hiveDedupOff.pid, stack.partnership.pid];
    case 'direct':
      return [];
  }
}

function totalCpuSeconds(pids: number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const seconds = cpuSeconds(pid);
    if (seconds === null) return null;
    total += seconds;
  }
  return total;
}

/** `--only` and `--targets`: a focused run (an unknown key is an error, not an empty table). */
function selectOperations(all: BenchOperation[], settings: Settings, canSplit: boolean): BenchOperation[] {
  const knownTargets = Object.keys(TARGET_LABELS);
  for (const key of settings.only) if (!all.some((operation) => operation.key === key)) throw new Error(`--only: no operation ${JSON.stringify(key)}; known: ${all.map((operation) => operation.key).join(', ')}`);
  for (const key of settings.targets) if (!knownTargets.includes(key)) throw new Error(`--targets: no target ${JSON.stringify(key)}; known: ${knownTargets.join(', ')}`);
  return all
    .filter((operation) => !settings.only.length || settings.only.includes(operation.key))
    .map((operation) => ({
      ...operation,
      targets: operation.targets.filter((target) => (!settings.targets.length || settings.targets.includes(target)) && (canSplit || topologyOf(target) === 'shared')),
    }))
    .filter((operation) => operation.targets.length > 0);
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function measureCell(stack: Stack, settings: Settings, operation: BenchOperation, target: TargetKey, round: number): Promise<CellResult> {
  stack.placement.apply(topologyOf(target));
  const before = await sqlStatements(stack);
  const gatewayProcesses = gatewayPids(stack, target);
  const subgraphProcesses = Object.values(stack.subgraphs).map((subgraph) => subgraph.pid);
  const gatewayCpuBefore = totalCpuSeconds(gatewayProcesses);
  const subgraphCpuBefore = totalCpuSeconds(subgraphProcesses);
  const load: LoadResult = await runLoad({
    url: targetUrl(stack, target),
    bodies: bodiesFor(operation, target),
    connections: connectionsOf(target, settings.connections),
    durationSeconds: settings.durationSeconds,
  });
  // Requests cut off at the end of the run may still be finishing: let them, before counting.
  await pause(100);
  const after = await sqlStatements(stack);
  const gatewayCpuAfter = totalCpuSeconds(gatewayProcesses);
  const subgraphCpuAfter = totalCpuSeconds(subgraphProcesses);
  const perResponseMs = (from: number | null, to: number | null) =>
    from !== null && to !== null && load.responses ? ((to - from) * 1000) / load.responses : null;
  return {
    ...load,
    round,
    sqlPerRequest: load.responses ? (after - before) / load.responses : null,
    gatewayCpuMsPerRequest: gatewayProcesses.length ? perResponseMs(gatewayCpuBefore, gatewayCpuAfter) : null,
    subgraphCpuMsPerRequest: perResponseMs(subgraphCpuBefore, subgraphCpuAfter),
    rssBytes: await gatewayRss(stack, target),
  };
}

/**
 * A few requests of each cell, one at a time (cells in parallel): the first failure of each is
 * reported, and a gateway whose data differs from ours on the same request.
 */
async function validate(stack: Stack, operations: BenchOperation[]): Promise<string[]> {
  const checks = operations.flatMap((operation) =>
    operation.targets.map(async (target) => {
      const problems: string[] = [];
      const bodies = bodiesFor(operation, target);
      for (const index of new Set([0, Math.floor(bodies.length / 2), bodies.length - 1])) {
        const { query, variables } = JSON.parse(bodies[index]) as { query: string; variables: Record<string, unknown> };
        const { status, body } = await postGraphQL(targetUrl(stack, target), query, variables);
        if (status !== 200 || body.errors?.length || !body.data) {
          const error = body.errors?.[0];
          const where = error?.extensions?.serviceName ? ` (from the ${String(error.extensions.serviceName)} subgraph)` : '';
          problems.push(`${operation.key} on ${TARGET_LABELS[target]}: HTTP ${status}, ${body.errors?.length ?? 0} error(s), ${body.data ? 'with' : 'without'} data; first: ${JSON.stringify(error?.message ?? body).slice(0, 300)}${where}`);
        }
        const service: ServiceKey = serviceOf(target);
        if (service !== 'ours' && service !== 'direct' && body.data) {
          const ours = await postGraphQL(stack.ours.url, query, variables);
          if (JSON.stringify(ours.body.data) !== JSON.stringify(body.data)) problems.push(`${operation.key} on ${TARGET_LABELS[target]}: its data differs from ours`);
        }
        if (problems.length) break;
      }
      return problems;
    }),
  );
  return (await Promise.all(checks)).flat();
}

/** Subgraph requests for 20 identical concurrent requests, per gateway: shows each one's deduplication. */
async function deduplicationCheck(stack: Stack, operation: BenchOperation): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const body = bodiesFor(operation, 'ours')[0];
  const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
  for (const target of ['ours', 'hiveDedupOn', 'hiveDedupOff'] as const) {
    const subgraphRequests = async () => metricValue(await readMetrics(stack.subgraphs.MEGALIS.baseUrl), 'graphql_requests_total') ?? 0;
    const before = await subgraphRequests();
    await Promise.all(Array.from({ length: 20 }, () => postGraphQL(targetUrl(stack, target), query, variables)));
    counts[TARGET_LABELS[target]] = (await subgraphRequests()) - before;
  }
  return counts;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const settings = readSettings(argv);
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const loadBefore = loadavg();
  const cleanup = new Cleanup(log);
  let stopping = false;
  stopOnSignals(log, () => cleanup.run().finally(() => log('stopped')), () => {
    stopping = true;
    interrupted = true;
  });
  try {
    const stack = await startStack(cleanup, log);
    log(`everything ready in ${stack.startSeconds.toFixed(1)} s`);
    const allOperations = await buildOperations(stack.ours.url);
    if (stack.placement.unavailable) log(`the "split CPUs" targets are skipped: ${stack.placement.unavailable}`);
    const operations = selectOperations(allOperations, settings, stack.placement.unavailable === null);
    log(`variable pools: ${operations.map((operation) => `${operation.key} ${operation.variables.length}`).join(', ')}`);
    const problems = await validate(stack, operations);
    for (const problem of problems) log(`check failed: ${problem}`);
    const dedup = await deduplicationCheck(stack, allOperations.find((operation) => operation.key === 'operators-deep')!);
    log(`deduplication check (megalis requests for 20 identical): ${JSON.stringify(dedup)}`);
    if ((dedup[TARGET_LABELS.hiveDedupOff] ?? 0) < 20) log('warning: Hive Gateway (dedup off) still deduplicated: the @transport option did not take effect');

    const cells = operations.flatMap((operation) => operation.targets.map((target) => ({ operation, target })));
    if (settings.warmupSeconds > 0) {
      log(`warm-up: ${cells.length} cells × ${settings.warmupSeconds} s`);
      for (const { operation, target } of cells) {
        if (stopping) return;
        stack.placement.apply(topologyOf(target));
        await runLoad({ url: targetUrl(stack, target), bodies: bodiesFor(operation, target), connections: connectionsOf(target, settings.connections), durationSeconds: settings.warmupSeconds });
      }
    }
    const results = new Map<string, CellResult[]>();
    for (let round = 0; round < settings.rounds; round++) {
      log(`round ${round + 1}/${settings.rounds}: ${cells.length} cells × ${settings.durationSeconds} s`);
      for (const operation of operations) {
        const offset = round % operation.targets.length;
        const order = [...operation.targets.slice(offset), ...operation.targets.slice(0, offset)];
        for (const target of order) {
          if (stopping) return;
          const cell = await measureCell(stack, settings, operation, target, round);
          const key = `${operation.key}\u0000${target}`;
          results.set(key, [...(results.get(key) ?? []), cell]);
          log(
            `  ${operation.key.padEnd(22)} ${TARGET_LABELS[target].padEnd(26)} ${cell.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${cell.p50Ms.toFixed(1).padStart(6)} ms  p99 ${cell.p99Ms.toFixed(1).padStart(6)} ms  errors ${cell.errors}  non-2xx ${cell.non2xx}  SQL/req ${cell.sqlPerRequest?.toFixed(2) ?? '—'}  CPU ms/req ${cell.gatewayCpuMsPerRequest?.toFixed(2) ?? '—'}`,
          );
        }
      }
    }
    const summaries = cells.map(({ operation, target }) => summarize(operation, target, results.get(`${operation.key}\u0000${target}`) ?? []));
    const partnershipRss = residentBytes(stack.partnership.pid);
    const context: RunContext = {
      settings,
      command,
      date: new Date().toISOString(),
      stack,
      operations,
      summaries,
      problems,
      dedup,
      loadBefore,
      loadAfter: loadavg(),
      partnershipRss,
      elapsedSeconds: (Date.now() - started) / 1000,
    };
    process.stdout.write(`\n${resultsTable(operations, summaries)}\n\n${ratiosTable(ratios(operations, summaries))}\n\n${reading(operations, summaries).join('\n')}\n\n`);
    if ((settings.only.length || settings.targets.length) && !settings.outGiven) {
      log(`a focused run (--only/--targets): ${settings.out} left as it is; give --out FILE to write its figures`);
      return;
    }
    // `npm run bench:scale` and `npm run soak` write their own sections after this run's: keep them.
    const previous = existsSync(settings.out) ? readFileSync(settings.out, 'utf8') : '';
    const kept = ['\n## Scale', '\n## Soak'].map((heading) => previous.indexOf(heading)).filter((at) => at >= 0);
    writeFileSync(settings.out, markdown(context) + (kept.length ? previous.slice(Math.min(...kept)) : ''));
    log(`wrote ${settings.out}`);
  } finally {
    if (!stopping) log('stopping everything');
    stopping = true;
    await cleanup.run();
    log(`stopped; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  }
}

let interrupted = false;
main().then(
  () => process.exit(interrupted ? 130 : 0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
