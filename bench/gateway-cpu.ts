import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serviceNodeOptions } from '../shared/src/runtime/node-options';
import { spawnCollected, type Spawned } from '../shared/src/testing/processes';
import { median, runLoad } from './load';
import { OPERATOR_PAGE } from './operations';
import { numberOption } from './settings';
import { Cleanup, cpuSeconds, stopOnSignals } from './stack';

/**
 * `npm run bench:gateway [-- --baseline REF] [--query page|typename] [--rounds N] [--duration S] [--connections N]`
 *
 * Our gateway's own CPU per request, with nothing else on the machine to blur it: the gateway in
 * front of a canned megalis subgraph (bench/gateway-cpu/canned-subgraph.ts: a fixed page, no
 * database), the CPU time the gateway process used (Linux /proc) divided by the responses, round
 * after round. With `--baseline REF` (a commit, a branch), the same gateway code at REF is built
 * in a temporary git worktree (sharing this checkout's node_modules) and measured in alternation
 * with this checkout's, in the same run: the tool to tell whether a change to the gateway's hot
 * path pays, which `npm run bench` (every process on the machine at once) is too noisy to show
 * below ~10%.
 */

const ROOT = resolve(__dirname, '..');

/** The operations it can send: the one-operator page (a partnership fetch, then the megalis fetch), or `{ __typename }` (no fetch). */
export const GATEWAY_CPU_QUERIES = {
  // Distinct `after` values: identical reads in flight would share one subgraph call and flatter the figure.
  page: Array.from({ length: 200 }, (_, index) => JSON.stringify({ query: OPERATOR_PAGE, variables: { after: `cursor-${index}` } })),
  typename: [JSON.stringify({ query: '{ __typename }' })],
} as const;

export interface GatewayCpuSettings {
  baseline: string | null;
  query: keyof typeof GATEWAY_CPU_QUERIES;
  rounds: number;
  durationSeconds: number;
  connections: number;
}

export function readGatewayCpuSettings(argv: string[]): GatewayCpuSettings {
  const { values } = parseArgs({
    args: argv,
    options: { baseline: { type: 'string' }, query: { type: 'string' }, rounds: { type: 'string' }, duration: { type: 'string' }, connections: { type: 'string' } },
    strict: true,
  });
  const query = values.query ?? 'page';
  if (!Object.hasOwn(GATEWAY_CPU_QUERIES, query)) throw new Error(`--query must be one of ${Object.keys(GATEWAY_CPU_QUERIES).join(', ')}; got ${JSON.stringify(query)}`);
  if (values.baseline !== undefined && !/^(?!-)[\w./~^@{}-]{1,200}$/.test(values.baseline)) throw new Error(`--baseline must be a git revision; got ${JSON.stringify(values.baseline)}`);
  return {
    baseline: values.baseline ?? null,
    query: query as GatewayCpuSettings['query'],
    rounds: Math.round(numberOption('rounds', values.rounds, 10, 1, 1000)),
    durationSeconds: numberOption('duration', values.duration, 3, 0.5, 600),
    connections: Math.round(numberOption('connections', values.connections, 10, 1, 1000)),
  };
}

const started = Date.now();
const log = (message: string) => process.stdout.write(`[bench:gateway ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);

interface Build {
  label: string;
  root: string;
  process?: Spawned;
  url?: string;
  microsecondsPerRequest: number[];
}

async function startChild(name: string, script: string, env: NodeJS.ProcessEnv, cleanup: Cleanup): Promise<{ spawned: Spawned; port: number }> {
  const spawned = spawnCollected(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_ENV: 'production', APOLLO_TELEMETRY_DISABLED: 'true', NODE_OPTIONS: serviceNodeOptions('gateway', process.env.NODE_OPTIONS) },
  });
  cleanup.add(name, () => spawned.stop(5_000));
  const [, port] = await spawned.waitForLine(/^listening (\d+)$/m, 60_000).catch((error: unknown) => {
    throw new Error(`${name} did not start: ${error instanceof Error ? error.message : String(error)}\n${spawned.output()}`);
  });
  return { spawned, port: Number(port) };
}

/** A worktree of `revision` in a temporary folder, with this checkout's node_modules. */
function baselineWorktree(revision: string, cleanup: Cleanup): string {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${revision}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const folder = mkdtempSync(join(tmpdir(), 'bench-gateway-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', folder, commit], { cwd: ROOT, stdio: 'ignore' });
  cleanup.add('baseline worktree', () => {
    execFileSync('git', ['worktree', 'remove', '--force', folder], { cwd: ROOT, stdio: 'ignore' });
    rmSync(folder, { recursive: true, force: true });
  });
  symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
  const lock = (dir: string) => (existsSync(join(dir, 'package-lock.json')) ? readFileSync(join(dir, 'package-lock.json'), 'utf8') : '');
  if (lock(folder) !== lock(ROOT)) log(`warning: ${revision}'s package-lock.json differs from this checkout's; the baseline runs on this checkout's node_modules`);
  return folder;
}

async function main(): Promise<void> {
  const settings = readGatewayCpuSettings(process.argv.slice(2));
  if (!existsSync('/proc/self/stat')) throw new Error('bench:gateway reads CPU times from /proc: Linux only');
  const cleanup = new Cleanup(log);
  stopOnSignals(log, () => cleanup.run());
  try {
    const builds: Build[] = [{ label: 'this checkout', root: ROOT, microsecondsPerRequest: [] }];
    if (settings.baseline) builds.push({ label: `baseline ${settings.baseline}`, root: baselineWorktree(settings.baseline, cleanup), microsecondsPerRequest: [] });
    const canned = await startChild('canned subgraph', 'bench/gateway-cpu/canned-subgraph.ts', {}, cleanup);
    const gatewayEnv = {
      LOG_LEVEL: 'silent',
      JWT_SECRET: randomBytes(32).toString('hex'),
      RESPONSE_CACHE_MIB: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      MEGALIS_URL: `http://127.0.0.1:${canned.port}/graphql`,
    };
    for (const build of builds) {
      const gateway = await startChild(`gateway (${build.label})`, join(ROOT, 'bench/gateway-cpu/gateway-child.ts'), { ...gatewayEnv, GATEWAY_ROOT: build.root }, cleanup);
      build.process = gateway.spawned;
      build.url = `http://127.0.0.1:${gateway.port}/graphql`;
    }
    const bodies = [...GATEWAY_CPU_QUERIES[settings.query]];
    log(`${builds.length} gateway(s), query ${settings.query}, ${settings.rounds} rounds × ${settings.durationSeconds} s, ${settings.connections} connections; load average ${loadavg().map((value) => value.toFixed(2)).join(' / ')}`);
    for (const build of builds) {
      const check = await fetch(build.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] }).then((response) => response.json());
      if (!check || typeof check !== 'object' || 'errors' in check) throw new Error(`${build.label} answered ${JSON.stringify(check)}`);
      await runLoad({ url: build.url!, bodies, connections: settings.connections, durationSeconds: Math.min(3, settings.durationSeconds) });
    }
    for (let round = 0; round < settings.rounds; round++) {
      // The order alternates from round to round, so that a trend in the machine's load falls on both.
      for (const build of round % 2 ? [...builds].reverse() : builds) {
        const pid = build.process!.child.pid!;
        const before = cpuSeconds(pid)!;
        const load = await runLoad({ url: build.url!, bodies, connections: settings.connections, durationSeconds: settings.durationSeconds });
        if (load.errors || load.non2xx || !load.responses) throw new Error(`${build.label}: ${load.errors} errors, ${load.non2xx} non-2xx in ${load.responses} responses`);
        build.microsecondsPerRequest.push(((cpuSeconds(pid)! - before) * 1e6) / load.responses);
      }
      log(`round ${round + 1}/${settings.rounds}: ${builds.map((build) => `${build.label} ${build.microsecondsPerRequest.at(-1)!.toFixed(0)} µs`).join(', ')}`);
    }
    process.stdout.write('\n| gateway | CPU µs per request (median) | min | max | rounds |\n|---|--:|--:|--:|--:|\n');
    for (const build of builds) {
      const values = build.microsecondsPerRequest;
      process.stdout.write(`| ${build.label} | ${median(values).toFixed(0)} | ${Math.min(...values).toFixed(0)} | ${Math.max(...values).toFixed(0)} | ${values.length} |\n`);
    }
    if (builds.length === 2) {
      const [current, baseline] = builds;
      const ratio = median(current.microsecondsPerRequest) / median(baseline.microsecondsPerRequest);
      const lower = current.microsecondsPerRequest.filter((value, round) => value < baseline.microsecondsPerRequest[round]).length;
      process.stdout.write(`\nthis checkout / baseline: ${ratio.toFixed(3)}× (medians); lower in ${lower} of ${settings.rounds} rounds\n`);
    }
  } finally {
    await cleanup.run();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
