import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * Where the benchmark's processes run.
 *
 * - `shared`: every process may run on every CPU (the scheduler's choice): the gateway takes its
 *   CPU time from the same cores as the subgraphs and PostgreSQL it waits for.
 * - `split`: the gateway tier (the gateways, the standalone partnership subgraph, and the load
 *   generator, which stands for the clients) on CPU 0; the subgraphs and PostgreSQL on the other
 *   CPUs. In production they are different machines: each operator runs its subgraph and database
 *   itself, the partnership runs the gateway. The subgraph tier has the same CPUs whether it is
 *   reached through a gateway or directly, so that what a gateway adds to a request shows, not
 *   what it takes from the subgraph's CPU.
 */
export type Topology = 'shared' | 'split';

export interface CpuPlacement {
  /** Null when `split` can be applied here; otherwise why not (one CPU, no `taskset`, not Linux). */
  readonly unavailable: string | null;
  /** Moves every process (and all its threads) to the topology's CPUs; `shared` always works. */
  apply(topology: Topology): void;
  /** What `split` puts where, for the report. */
  describe(): string;
}

export interface PlacedProcesses {
  /** Gateways and the partnership subgraph: the gateway tier. */
  gatewayTier: number[];
  /** Operator subgraphs: the subgraph tier. */
  subgraphTier: number[];
  /** The PostgreSQL data directory: its postmaster and every backend go with the subgraph tier. */
  postgresDataDir: string;
}

export function cpuPlacement(processes: PlacedProcesses): CpuPlacement {
  const cpus = availableParallelism();
  const all = `0-${cpus - 1}`;
  const rest = cpus > 2 ? `1-${cpus - 1}` : '1';
  const unavailable =
    process.platform !== 'linux'
      ? `CPU placement needs Linux's taskset (this is ${process.platform})`
      : cpus < 2
        ? 'CPU placement needs at least 2 CPUs'
        : hasTaskset()
          ? null
          : 'taskset (util-linux) is not installed';
  let current: Topology = 'shared';
  return {
    unavailable,
    apply(topology) {
      if (topology === current && topology === 'shared') return;
      if (topology === 'split' && unavailable) throw new Error(unavailable);
      const gatewayCpus = topology === 'split' ? '0' : all;
      const subgraphCpus = topology === 'split' ? rest : all;
      // Backends come and go (one per pooled connection): they inherit the postmaster's CPUs when
      // forked, and the ones running now are moved with it.
      const postmaster = postmasterPid(processes.postgresDataDir);
      const backendTier = [...processes.subgraphTier, ...(postmaster ? [postmaster] : [])];
      for (const pid of [...withDescendants(processes.gatewayTier), process.pid]) pin(pid, gatewayCpus);
      for (const pid of withDescendants(backendTier)) pin(pid, subgraphCpus);
      current = topology;
    },
    describe() {
      return `CPU 0: the gateway tier (our gateway, Hive Gateway, the standalone partnership subgraph) and the load generator; CPU ${rest}: the three operator subgraphs and PostgreSQL`;
    },
  };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Every thread of the process (`-a`); a process that has just exited is skipped. */
function pin(pid: number, cpus: string): void {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' });
  } catch (error) {
    if (existsSync(`/proc/${pid}`)) throw new Error(`taskset could not move process ${pid} to CPUs ${cpus}: ${(error as Error).message}`);
  }
}

function postmasterPid(dataDir: string): number | null {
  for (const file of [join(dataDir, 'postgres', 'postmaster.pid'), join(dataDir, 'postmaster.pid')]) {
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0) return pid;
  }
  return null;
}

/** The processes and all their descendants, from /proc's parent links. */
function withDescendants(roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found = new Set<number>();
  const visit = (pid: number) => {
    if (found.has(pid)) return;
    found.add(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  roots.forEach(visit);
  return [...found];
}
