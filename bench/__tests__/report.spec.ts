import type { BenchOperation, TargetKey } from '../operations';
import { type CellResult, reading, summarize } from '../report';

const operation: BenchOperation = {
  key: 'operator-page',
  title: 'Operator page',
  query: '{ __typename }',
  variables: [{}],
  targets: ['ours', 'hiveDedupOn', 'direct', 'oursSplit', 'directSplit', 'oursAlone', 'directAlone'],
};

/** One round of a target at the given p50 (ms) and requests/s. */
function cell(p50Ms: number, requestsPerSecond = 1000): CellResult {
  return {
    round: 0,
    responses: 10_000,
    durationSeconds: 10,
    requestsPerSecond,
    p50Ms,
    p99Ms: p50Ms * 3,
    errors: 0,
    partial: 0,
    non2xx: 0,
    sqlPerRequest: 1,
    gatewayCpuMsPerRequest: 0.5,
    subgraphCpuMsPerRequest: 0.8,
    rssBytes: 1,
  };
}

function readingOf(p50: Partial<Record<TargetKey, number>>): string {
  const summaries = (Object.entries(p50) as [TargetKey, number][]).map(([target, ms]) => summarize(operation, target, [cell(ms)]));
  return reading([operation], summaries).join('\n');
}

describe('the benchmark reading: the floor', () => {
  it('judges the 1.3× target on split CPUs, and gives the shared-CPU and one-connection ratios for information', () => {
    const text = readingOf({ ours: 10, hiveDedupOn: 20, direct: 5, oursSplit: 11, directSplit: 10, oursAlone: 2, directAlone: 1 });
    expect(text).toContain('operator-page 1.10× (within)');
    expect(text).toMatch(/CPUs of their own \(the target's reading\): p50 11\.00 ms vs 10\.00 ms, \*\*1\.10×\*\* \(within the 1\.3× target\)/);
    expect(text).toMatch(/shared CPUs: p50 10\.00 ms vs 5\.00 ms, \*\*2\.00×\*\* \(above 1\.3×; for information, not the target's reading\)/);
    expect(text).toMatch(/\*\*2\.00×\*\* \(above 1\.3×; for information, not the target's reading\): the gateway adds 1\.00 ms/);
    expect(text).not.toMatch(/\*\*not\*\* within/);
  });

  it('says when the split-CPU ratio misses the target', () => {
    const text = readingOf({ ours: 10, direct: 9, oursSplit: 14, directSplit: 10 });
    expect(text).toContain('operator-page 1.40× (**not** within)');
    expect(text).toMatch(/\*\*1\.40×\*\* \(\*\*not\*\* within the 1\.3× target\)/);
    expect(text).toMatch(/\*\*1\.11×\*\* \(within 1\.3×; for information/);
  });

  it('gives no floor verdict without the split-CPU cells', () => {
    expect(readingOf({ ours: 10, direct: 5 })).not.toContain('Floor, ours over the subgraph directly');
  });
});

describe('the benchmark reading: p99 round by round', () => {
  const operation2: BenchOperation = { ...operation, targets: ['ours', 'hiveDedupOn'] };
  const rounds = (p99s: number[]): CellResult[] => p99s.map((p99Ms, round) => ({ ...cell(p99Ms / 3), round, p99Ms }));

  it('says in how many rounds ours was at or below Hive, rounds paired by number', () => {
    const ours = summarize(operation2, 'ours', rounds([90, 120, 91, 90, 80]));
    const hive = summarize(operation2, 'hiveDedupOn', rounds([100, 100, 95, 90, 95]));
    // Medians 90 vs 95: no worse, but only in 4 of the 5 rounds (90 ≤ 100, 91 ≤ 95, 90 = 90 counts, 80 ≤ 95).
    expect(reading([operation2], [ours, hive]).join('\n')).toContain('(**no worse, 0.95×; at or below in 4 of 5 rounds**)');
  });

  it('compares only the rounds both targets ran (a cell missing from one round is left out, not shifted)', () => {
    const ours = summarize(operation2, 'ours', rounds([90, 120, 91, 92, 80]));
    // Hive's round 1 is missing: its rounds 0, 2, 3, 4 are compared with ours' 0, 2, 3, 4.
    const hive = summarize(operation2, 'hiveDedupOn', rounds([100, 100, 95, 90, 95]).filter((cell) => cell.round !== 1));
    expect(reading([operation2], [ours, hive]).join('\n')).toContain('at or below in 3 of 4 rounds');
  });

  it('says nothing round by round for a single round', () => {
    const ours = summarize(operation2, 'ours', rounds([90]));
    const hive = summarize(operation2, 'hiveDedupOn', rounds([100]));
    expect(reading([operation2], [ours, hive]).join('\n')).toContain('(**no worse, 0.90×**)');
  });
});
