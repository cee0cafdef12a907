import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuPlacement } from '../cpu-placement';

/**
 * The benchmark's "split CPUs" placement (bench/cpu-placement.ts) on real processes: a stand-in
 * gateway, a stand-in subgraph, and a stand-in postmaster (found through `postmaster.pid`, as
 * PostgreSQL writes it) with a backend it forked. Read back from /proc.
 */
const allowedCpus = (pid: number) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

const placement = cpuPlacement({ gatewayTier: [], subgraphTier: [], postgresDataDir: tmpdir() });

describe('bench CPU placement', () => {
  const children: ChildProcess[] = [];
  let dataDir: string;
  const idle = (script = 'setInterval(() => {}, 1000)') => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    return child;
  };
  const all = `0-${availableParallelism() - 1}`;
  const rest = availableParallelism() > 2 ? `1-${availableParallelism() - 1}` : '1';

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'alliance-graph-placement-'));
  });

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells why split cannot be applied where it cannot (not Linux, one CPU, no taskset)', () => {
    const expected = process.platform !== 'linux' || availableParallelism() < 2;
    if (placement.unavailable === null) expect(expected).toBe(false);
    else expect(() => placement.apply('split')).toThrow(placement.unavailable);
  });

  it('split puts the gateway tier and this process on CPU 0, subgraphs and PostgreSQL (backends included) on the others; shared gives every CPU back', async () => {
    // On a machine where split cannot be applied, the previous test checked the refusal.
    if (placement.unavailable !== null) return;
    const gateway = idle();
    const subgraph = idle();
    // The postmaster stand-in forks a backend and prints its pid.
    const postmaster = idle(
      "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000)",
    );
    const backendPid = await new Promise<number>((resolve) => postmaster.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
    mkdirSync(join(dataDir, 'postgres'), { recursive: true });
    writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), `${postmaster.pid}\n${dataDir}\n`);
    const placed = cpuPlacement({ gatewayTier: [gateway.pid!], subgraphTier: [subgraph.pid!], postgresDataDir: dataDir });
    try {
      placed.apply('split');
      expect(allowedCpus(gateway.pid!)).toBe('0');
      expect(allowedCpus(process.pid)).toBe('0');
      expect(allowedCpus(subgraph.pid!)).toBe(rest);
      expect(allowedCpus(postmaster.pid!)).toBe(rest);
      expect(allowedCpus(backendPid)).toBe(rest);
    } finally {
      placed.apply('shared');
    }
    for (const pid of [gateway.pid!, subgraph.pid!, postmaster.pid!, backendPid, process.pid]) expect(allowedCpus(pid)).toBe(all);
    process.kill(backendPid, 'SIGKILL');
  });

  it('a process that exited meanwhile is skipped, not an error', () => {
    if (placement.unavailable !== null) return;
    const placed = cpuPlacement({ gatewayTier: [2 ** 22 + 12345], subgraphTier: [], postgresDataDir: dataDir });
    try {
      expect(() => placed.apply('split')).not.toThrow();
    } finally {
      placed.apply('shared');
    }
  });
});
