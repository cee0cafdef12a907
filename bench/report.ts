import { type BenchOperation, TARGET_LABELS, type TargetKey } from './operations';
import { type LoadResult, median } from './load';

/** One measured cell: one operation against one target in one round. */
export interface CellResult extends LoadResult {
  round: number;
  /** SQL statements of all three subgraphs during the cell, per response. */
  sqlPerRequest: number | null;
  /** CPU time of the gateway's processes (Hive's: with its partnership subgraph) per response. */
  gatewayCpuMsPerRequest: number | null;
  /** CPU time of the three subgraph processes per response. */
  subgraphCpuMsPerRequest: number | null;
  /** Resident memory of the gateway process right after the cell. */
  rssBytes: number | null;
}

export interface Summary {
  operation: BenchOperation;
  target: TargetKey;
  rounds: CellResult[];
  requestsPerSecond: number;
  rpsMin: number;
  rpsMax: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  errors: number;
  partial: number;
  non2xx: number;
  sqlPerRequest: number;
  gatewayCpuMsPerRequest: number;
  subgraphCpuMsPerRequest: number;
  rssBytes: number;
}

/** Medians over rounds; errors, non-2xx and responses summed; RSS the largest seen. */
export function summarize(operation: BenchOperation, target: TargetKey, rounds: CellResult[]): Summary {
  const rps = rounds.map((round) => round.requestsPerSecond);
  const rss = rounds.map((round) => round.rssBytes).filter((value): value is number => value !== null);
  return {
    operation,
    target,
    rounds,
    requestsPerSecond: median(rps),
    rpsMin: Math.min(...rps),
    rpsMax: Math.max(...rps),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    responses: rounds.reduce((sum, round) => sum + round.responses, 0),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    partial: rounds.reduce((sum, round) => sum + round.partial, 0),
    non2xx: rounds.reduce((sum, round) => sum + round.non2xx, 0),
    sqlPerRequest: median(rounds.map((round) => round.sqlPerRequest ?? Number.NaN)),
    gatewayCpuMsPerRequest: median(rounds.map((round) => round.gatewayCpuMsPerRequest ?? Number.NaN)),
    subgraphCpuMsPerRequest: median(rounds.map((round) => round.subgraphCpuMsPerRequest ?? Number.NaN)),
    rssBytes: rss.length ? Math.max(...rss) : Number.NaN,
  };
}

/**
 * In how many rounds ours' p99 was at or below the other target's, rounds paired by number: a
 * median p99 sits on a few rounds' tails, and this says whether the verdict held round by round.
 */
function roundsNoWorse(ours: Summary, other: Summary): string {
  const others = new Map(other.rounds.map((round) => [round.round, round.p99Ms]));
  const paired = ours.rounds.filter((round) => others.has(round.round));
  if (paired.length < 2) return '';
  const noWorse = paired.filter((round) => round.p99Ms <= others.get(round.round)!).length;
  return `; at or below in ${noWorse} of ${paired.length} rounds`;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const mib = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(0) : '—');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

function find(summaries: Summary[], operation: BenchOperation, target: TargetKey): Summary | undefined {
  return summaries.find((summary) => summary.operation === operation && summary.target === target);
}

export function resultsTable(operations: BenchOperation[], summaries: Summary[]): string {
  const lines = [
    '| # | operation | target | req/s (median) | req/s min–max | p50 ms | p99 ms | errors (with data) | non-2xx | responses | SQL/req | gateway CPU ms/req | subgraphs CPU ms/req | RSS MiB |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  operations.forEach((operation, index) => {
    for (const target of operation.targets) {
      const summary = find(summaries, operation, target);
      if (!summary) continue;
      lines.push(
        `| ${index + 1} | ${operation.key} | ${TARGET_LABELS[target]} | ${fixed(summary.requestsPerSecond, 0)} | ${fixed(summary.rpsMin, 0)}–${fixed(summary.rpsMax, 0)} | ${fixed(summary.p50Ms, 1)} | ${fixed(summary.p99Ms, 1)} | ${summary.errors}${summary.errors ? ` (${summary.partial})` : ''} | ${summary.non2xx} | ${summary.responses} | ${fixed(summary.sqlPerRequest, 2)} | ${fixed(summary.gatewayCpuMsPerRequest, 2)} | ${fixed(summary.subgraphCpuMsPerRequest, 2)} | ${mib(summary.rssBytes)} |`,
      );
    }
  });
  return lines.join('\n');
}

/** The floor target: a gateway's p50 at most this many times the direct subgraph's. */
export const FLOOR_TARGET = 1.3;

/**
 * The floor comparisons: a gateway target over the direct subgraph measured the same way. Ours on
 * split CPUs (the target's reading: the gateway tier and the subgraph tier on CPUs of their own, as
 * they are different machines in production), on shared CPUs and one request at a time (both for
 * information: see "How it is measured" in bench/markdown.ts); Hive Gateway on split CPUs, for
 * reference.
 */
const FLOORS: { gateway: TargetKey; direct: TargetKey; column: string; reading: string; ours: boolean; judged: boolean }[] = [
  {
    gateway: 'oursSplit',
    direct: 'directSplit',
    column: 'ours/direct p50, split CPUs (the target)',
    reading: 'vs the subgraph directly, gateway tier and subgraph tier on CPUs of their own (the target\'s reading)',
    ours: true,
    judged: true,
  },
  { gateway: 'ours', direct: 'direct', column: 'ours/direct p50, shared CPUs', reading: 'vs the subgraph directly, all processes on shared CPUs', ours: true, judged: false },
  { gateway: 'hiveSplit', direct: 'directSplit', column: 'Hive (dedup on)/direct p50, split CPUs', reading: 'Hive Gateway (dedup on) on split CPUs', ours: false, judged: false },
  {
    gateway: 'oursAlone',
    direct: 'directAlone',
    column: 'ours/direct p50, split CPUs, 1 connection',
    reading: "one request at a time (split CPUs, 1 connection: nothing queues, so the gateway's own time shows in full)",
    ours: true,
    judged: false,
  },
];

export interface Ratios {
  operation: BenchOperation;
  rpsVsHiveOn: number;
  p99VsHiveOn: number;
  rpsVsHiveOff: number;
  p99VsHiveOff: number;
  /** Gateway p50 over the direct subgraph's, one per `FLOORS` entry (NaN when not measured). */
  floors: number[];
  /** Ours with the response cache on, over ours with it off (requests/s). */
  rpsCachedVsOurs: number;
}

export function ratios(operations: BenchOperation[], summaries: Summary[]): Ratios[] {
  return operations.map((operation) => {
    const ours = find(summaries, operation, 'ours');
    const on = find(summaries, operation, 'hiveDedupOn');
    const off = find(summaries, operation, 'hiveDedupOff');
    const cached = find(summaries, operation, 'oursCached');
    const divide = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : Number.NaN);
    return {
      operation,
      rpsVsHiveOn: divide(ours?.requestsPerSecond, on?.requestsPerSecond),
      p99VsHiveOn: divide(ours?.p99Ms, on?.p99Ms),
      rpsVsHiveOff: divide(ours?.requestsPerSecond, off?.requestsPerSecond),
      p99VsHiveOff: divide(ours?.p99Ms, off?.p99Ms),
      floors: FLOORS.map((floor) => divide(find(summaries, operation, floor.gateway)?.p50Ms, find(summaries, operation, floor.direct)?.p50Ms)),
      rpsCachedVsOurs: divide(cached?.requestsPerSecond, ours?.requestsPerSecond),
    };
  });
}

export function ratiosTable(rows: Ratios[]): string {
  const lines = [
    `| # | operation | ours/Hive (dedup on) req/s | ours/Hive (dedup on) p99 | ours/Hive (dedup off) req/s | ours/Hive (dedup off) p99 | ${FLOORS.map((floor) => floor.column).join(' | ')} | response cache on/off req/s (ours, apart) |`,
    `|---|---|--:|--:|--:|--:|${FLOORS.map(() => '--:|').join('')}--:|`,
  ];
  rows.forEach((row, index) => {
    lines.push(
      `| ${index + 1} | ${row.operation.key} | ${ratio(row.rpsVsHiveOn)} | ${ratio(row.p99VsHiveOn)} | ${ratio(row.rpsVsHiveOff)} | ${ratio(row.p99VsHiveOff)} | ${row.floors.map(ratio).join(' | ')} | ${ratio(row.rpsCachedVsOurs)} |`,
    );
  });
  return lines.join('\n');
}

/**
 * The plain reading of the figures, written from them: where ours is faster or slower than Hive
 * Gateway (and whether the difference is larger than the round-to-round spread), errors, the
 * floor ratio and memory.
 */
export function reading(operations: BenchOperation[], summaries: Summary[]): string[] {
  const lines: string[] = [];
  let compared = 0;
  let fasterOrEqual = 0;
  let p99NoWorse = 0;
  const slower: string[] = [];
  const slowerWithinNoise: string[] = [];
  const notComparable: string[] = [];
  const partialOnly: string[] = [];
  const floorVerdicts: string[] = [];
  const failing = (summary: Summary) => summary.errors + summary.non2xx > 0.5 * Math.max(1, summary.responses);
  for (const operation of operations) {
    const ours = find(summaries, operation, 'ours');
    if (!ours) continue;
    const parts: string[] = [];
    for (const target of ['hiveDedupOn', 'hiveDedupOff'] as const) {
      const hive = find(summaries, operation, target);
      if (!hive) continue;
      if (failing(hive) && hive.partial < 0.5 * hive.responses) {
        parts.push(`vs ${TARGET_LABELS[target]}: **not comparable**, ${hive.errors + hive.non2xx} of ${hive.responses} of its responses failed without data`);
        if (target === 'hiveDedupOn') notComparable.push(operation.key);
        continue;
      }
      const caveat = failing(hive) ? ` (**with care**: ${hive.partial} of its ${hive.responses} responses had the data but also errors)` : '';
      const rps = ours.requestsPerSecond / hive.requestsPerSecond;
      const overlap = ours.rpsMin <= hive.rpsMax && hive.rpsMin <= ours.rpsMax;
      const verdict = rps >= 1 ? 'faster' : 'slower';
      const noise = overlap ? ' (the rounds overlap: within noise)' : '';
      const p99 = `${ours.p99Ms <= hive.p99Ms ? 'no worse' : 'worse'}, ${(ours.p99Ms / hive.p99Ms).toFixed(2)}×${roundsNoWorse(ours, hive)}`;
      const sqlRatio = ours.sqlPerRequest / hive.sqlPerRequest;
      const sql = Number.isFinite(sqlRatio) && Math.abs(sqlRatio - 1) > 0.2 ? `; SQL statements per request ${ours.sqlPerRequest.toFixed(2)} vs ${hive.sqlPerRequest.toFixed(2)}` : '';
      const cpu =
        Number.isFinite(ours.gatewayCpuMsPerRequest) && Number.isFinite(hive.gatewayCpuMsPerRequest)
          ? `; gateway CPU ${ours.gatewayCpuMsPerRequest.toFixed(2)} vs ${hive.gatewayCpuMsPerRequest.toFixed(2)} ms per request`
          : '';
      parts.push(
        `vs ${TARGET_LABELS[target]}${caveat}: **${verdict}**, ${rps.toFixed(2)}× its requests/s${noise}; p99 ${ours.p99Ms.toFixed(1)} ms vs ${hive.p99Ms.toFixed(1)} ms (**${p99}**)${cpu}${sql}`,
      );
      if (target === 'hiveDedupOn' && failing(hive)) partialOnly.push(operation.key);
      if (target === 'hiveDedupOn') {
        compared++;
        if (rps >= 1) fasterOrEqual++;
        else if (overlap) slowerWithinNoise.push(operation.key);
        else slower.push(operation.key);
        if (ours.p99Ms <= hive.p99Ms) p99NoWorse++;
      }
    }
    for (const floor of FLOORS) {
      const gateway = find(summaries, operation, floor.gateway);
      const direct = find(summaries, operation, floor.direct);
      if (!gateway || !direct) continue;
      const times = gateway.p50Ms / direct.p50Ms;
      const within = times <= FLOOR_TARGET;
      const target = floor.judged
        ? ` (${within ? 'within' : '**not** within'} the ${FLOOR_TARGET}× target)`
        : floor.ours
          ? ` (${within ? 'within' : 'above'} ${FLOOR_TARGET}×; for information, not the target's reading)`
          : '';
      if (floor.judged) floorVerdicts.push(`${operation.key} ${times.toFixed(2)}× (${within ? 'within' : '**not** within'})`);
      const added = floor.gateway === 'oursAlone' ? `: the gateway adds ${(gateway.p50Ms - direct.p50Ms).toFixed(2)} ms to a request` : '';
      parts.push(`${floor.reading}: p50 ${gateway.p50Ms.toFixed(2)} ms vs ${direct.p50Ms.toFixed(2)} ms, **${times.toFixed(2)}×**${target}${added}`);
    }
    if (!parts.length) parts.push('ours only');
    const errorTargets = operation.targets
      .map((target) => find(summaries, operation, target))
      .filter((summary): summary is Summary => Boolean(summary && (summary.errors || summary.non2xx)))
      .map((summary) => `${TARGET_LABELS[summary.target]} ${summary.errors} errors, ${summary.non2xx} non-2xx`);
    if (errorTargets.length) parts.push(`failures: ${errorTargets.join('; ')}`);
    lines.push(`- **${operation.key}** — ${parts.join('; ')}.`);
  }
  const summaryLines = [
    `- Ours has at least Hive Gateway's (dedup on) requests/s on **${fasterOrEqual} of ${compared}** operations compared, with p99 no worse on **${p99NoWorse} of ${compared}**.`,
  ];
  if (slower.length) summaryLines.push(`- Ours is **slower** than Hive Gateway (dedup on), beyond the round-to-round spread, on: ${slower.join(', ')}.`);
  if (slowerWithinNoise.length) summaryLines.push(`- Ours is slower than Hive Gateway (dedup on), but within the round-to-round spread, on: ${slowerWithinNoise.join(', ')}.`);
  if (partialOnly.length) {
    summaryLines.push(`- Counted, but Hive Gateway's answers carried errors beside complete data on: ${partialOnly.join(', ')} (see the notes on the operations).`);
  }
  if (notComparable.length) summaryLines.push(`- Not comparable (most of Hive's responses failed): ${notComparable.join(', ')}.`);
  if (floorVerdicts.length) {
    summaryLines.push(
      `- Floor, ours over the subgraph directly, p50, gateway tier and subgraph tier on CPUs of their own (the ${FLOOR_TARGET}× target's reading; the shared-CPU and one-connection readings are on each operation's line, for information): ${floorVerdicts.join('; ')}.`,
    );
  }
  lines.unshift(...summaryLines);
  const oursRss = Math.max(...summaries.filter((summary) => summary.target === 'ours').map((summary) => summary.rssBytes));
  const hiveRss = Math.max(...summaries.filter((summary) => summary.target === 'hiveDedupOn').map((summary) => summary.rssBytes));
  if (Number.isFinite(oursRss) && Number.isFinite(hiveRss)) {
    lines.push(
      `- Memory: our gateway peaked at ${mib(oursRss)} MiB resident (partnership subgraph included), Hive Gateway (dedup on) at ${mib(hiveRss)} MiB (its partnership subgraph is another process, not counted).`,
    );
  }
  return lines;
}
