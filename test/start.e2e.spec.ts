import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import { SERVICE_NODE_OPTIONS } from '../shared/src/runtime/node-options';

/**
 * End to end, `npm start` as an operator runs it (DESIGN §7): an embedded PostgreSQL under a fresh
 * DATA_DIR, one process per subgraph and one for the gateway. First start (create, migrate, seed),
 * SIGINT, a second start on the same data (no seeding), then recovery from two kinds of crash: the
 * whole process group SIGKILLed (stale postmaster.pid), and everything but PostgreSQL SIGKILLed
 * (an orphaned postmaster still running on the data directory).
 *
 * Linux only: processes, listening sockets and working directories are read from /proc.
 */

const ROOT = resolve(__dirname, '..');
const EXPECTED_COUNTS = { MEGALIS: 2250, TERNUM_BFC: 1750, MAXIMILIEN: 370 };
const SUBGRAPH_PORT_VARS = ['MEGALIS_PORT', 'TERNUM_BFC_PORT', 'MAXIMILIEN_PORT'] as const;
const READY_LINE = /\[alliance\] gateway ready: http:\/\/127\.0\.0\.1:(\d+)\/graphql/;

// ---------------------------------------------------------------------------------------------
// /proc

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  argv: string[];
  cwd: string | null;
}

function processes(): Proc[] {
  const list: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // a zombie holds nothing
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      let cwd: string | null = null;
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // exiting
      }
      list.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]), argv, cwd });
    } catch {
      // exited while we looked
    }
  }
  return list;
}

const isInside = (path: string | null, dir: string) => !!path && (path === dir || path.startsWith(dir + sep));

/** Every live process using the data directory: named on its command line, or working in it (PostgreSQL's helpers chdir there). */
function processesOn(dataDir: string): Proc[] {
  return processes().filter((p) => p.argv.some((arg) => arg.includes(dataDir)) || isInside(p.cwd, dataDir));
}

const describeProcs = (procs: Proc[]) => procs.map((p) => `${p.pid} (ppid ${p.ppid}, pgid ${p.pgid}): ${p.argv.join(' ')}`).join('\n') || '(none)';

/** Pids of the processes holding a listening TCP socket on `port`. */
function listeningPids(port: number): number[] {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && parseInt(cols[1].split(':').pop()!, 16) === port) inodes.add(cols[9]);
    }
  }
  const pids = new Set<number>();
  if (!inodes.size) return [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${name}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${name}/fd/${fd}`));
        if (match && inodes.has(match[1])) pids.add(Number(name));
      } catch {
        // closed meanwhile
      }
    }
  }
  return [...pids];
}

/** True while the process runs (a zombie, dead but not yet reaped, does not count). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------------------------------------
// network

async function freePorts(count: number): Promise<number[]> {
  // All bound at once, so they differ; closed before use.
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((done, fail) => {
        server.once('error', fail);
        server.listen(0, '127.0.0.1', () => done());
      });
      servers.push(server);
    }
    return servers.map((server) => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  }
}

/** 'refused' when nothing listens on 127.0.0.1:port, 'open' when something does. */
function probe(port: number): Promise<'open' | 'refused' | string> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      done('open');
    });
    socket.once('timeout', () => {
      socket.destroy();
      done('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? error.message)));
  });
}

async function getStatus(url: string): Promise<number> {
  return (await fetch(url, { signal: AbortSignal.timeout(10_000) })).status;
}

async function postGraphQL(url: string, query: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: await response.json() };
}

async function memberCounts(gatewayPort: number): Promise<Record<string, number>> {
  const { status, body } = await postGraphQL(`http://127.0.0.1:${gatewayPort}/graphql`, '{ operators { code memberCount } }');
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return Object.fromEntries((body.data.operators as { code: string; memberCount: number }[]).map((o) => [o.code, o.memberCount]));
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Retries `check` (which throws until it holds) for up to `timeoutMs`; rethrows its last failure. */
async function eventually(check: () => void | Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// `npm start` runs

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One `npm start`: its own process group, its output collected with timestamps. */
class StartRun {
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  readonly stdoutLines: string[] = [];
  /** When each stdout line arrived. */
  private readonly stdoutTimes: number[] = [];
  private readonly transcript: string[] = [];
  /** When the supervisor spawned its first subgraph, i.e. the databases were ready. */
  childrenAt: number | null = null;
  readyAt: number | null = null;
  exitInfo: Exit | null = null;
  readonly exited: Promise<Exit>;

  constructor(
    readonly label: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((done) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.note('exit', `code ${code}, signal ${signal}`);
        done(this.exitInfo);
      });
      this.child.once('error', (error) => {
        this.exitInfo = { code: null, signal: null };
        this.note('spawn error', error.message);
        done(this.exitInfo);
      });
    });
    this.collect(this.child.stdout!, 'out', (line) => {
      this.stdoutLines.push(line);
      this.stdoutTimes.push(Date.now());
    });
    this.collect(this.child.stderr!, 'err');
  }

  get pgid(): number {
    return this.child.pid!;
  }

  private note(stream: string, line: string): void {
    this.transcript.push(`+${((Date.now() - this.startedAt) / 1000).toFixed(2)}s ${stream} | ${line}`);
  }

  private collect(stream: NodeJS.ReadableStream, name: string, onLine?: (line: string) => void): void {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        this.note(name, line);
        onLine?.(line);
      }
    });
    stream.on('end', () => {
      if (pending) {
        this.note(name, pending);
        onLine?.(pending);
      }
    });
  }

  output(): string {
    return `--- ${this.label}: npm start (pgid ${this.child.pid}) ---\n${this.transcript.join('\n')}`;
  }

  /** When the first stdout line matching `pattern` arrived. */
  lineAt(pattern: RegExp): number | null {
    const index = this.stdoutLines.findIndex((line) => pattern.test(line));
    return index < 0 ? null : this.stdoutTimes[index];
  }

  /** From "starting embedded PostgreSQL" to the first subgraph spawned: PostgreSQL up, databases prepared. */
  databasePhaseMs(): number {
    const from = this.lineAt(/\[alliance\] starting embedded PostgreSQL/);
    if (from === null || this.childrenAt === null) throw new Error(`${this.label}: no database phase seen`);
    return this.childrenAt - from;
  }

  /** Live processes of this run's process group. */
  members(): Proc[] {
    return processes().filter((p) => p.pgid === this.pgid);
  }

  /** The node process running scripts/start.ts (under npm → sh → tsx). */
  supervisor(): Proc {
    const candidates = this.members().filter((p) => /^node/.test(basename(p.argv[0] ?? '')) && p.argv.includes('scripts/start.ts'));
    const leaf = candidates.filter((p) => !candidates.some((q) => q.ppid === p.pid));
    if (leaf.length !== 1) throw new Error(`expected one supervisor process, found:\n${describeProcs(candidates)}`);
    return leaf[0];
  }

  /** Waits for the "gateway ready" line; fails early when npm exits. Returns the gateway port it names. */
  async waitUntilReady(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.childrenAt === null && this.members().some((p) => p.argv.some((arg) => arg.startsWith('subgraphs/')))) this.childrenAt = Date.now();
      const ready = this.stdoutLines.map((line) => READY_LINE.exec(line)).find(Boolean);
      if (ready) {
        this.readyAt ??= this.lineAt(READY_LINE);
        this.childrenAt ??= this.readyAt;
        return Number(ready[1]);
      }
      if (this.exitInfo) throw new Error(`${this.label}: npm start exited (${JSON.stringify(this.exitInfo)}) before the gateway was ready`);
      if (Date.now() > deadline) throw new Error(`${this.label}: no "gateway ready" line within ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  }

  /** Resolves with the exit, or null when it did not come within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<Exit | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([this.exited, new Promise<null>((done) => (timer = setTimeout(() => done(null), timeoutMs)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  startTimings(): string {
    return `gateway ready after ${this.seconds(this.readyAt)} (database phase ${(this.databasePhaseMs() / 1000).toFixed(1)} s, subgraphs spawned at ${this.seconds(this.childrenAt)})`;
  }

  seconds(at: number | null): string {
    return at === null ? '?' : `${((at - this.startedAt) / 1000).toFixed(1)} s`;
  }
}

// ---------------------------------------------------------------------------------------------
// the spec

let dataDir: string;
let ports: { gateway: number; pg: number; subgraphs: Record<(typeof SUBGRAPH_PORT_VARS)[number], number> };
const runs: StartRun[] = [];
const timings: string[] = [];
let brokenBy: string | null = null;

function startEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    // No external database, no test database, no subgraph URL from the outside: the run must use its own.
    if (/DATABASE_URLS?$/.test(key) || /^(MEGALIS|TERNUM_BFC|MAXIMILIEN)_URL$/.test(key) || key === 'HOST') delete env[key];
  }
  return {
    ...env,
    PORT: String(ports.gateway),
    MEGALIS_PORT: String(ports.subgraphs.MEGALIS_PORT),
    TERNUM_BFC_PORT: String(ports.subgraphs.TERNUM_BFC_PORT),
    MAXIMILIEN_PORT: String(ports.subgraphs.MAXIMILIEN_PORT),
    EMBEDDED_PG_PORT: String(ports.pg),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    APOLLO_TELEMETRY_DISABLED: 'true',
    NODE_ENV: 'development',
    npm_config_update_notifier: 'false',
  };
}

function startRun(label: string): StartRun {
  const run = new StartRun(label, startEnv());
  runs.push(run);
  return run;
}

/**
 * Runs one phase within `budgetMs` (below the jest timeout, so that a slow phase still reports);
 * when it fails, adds the output of the runs involved to the error and marks the spec broken, so
 * that the following phases fail at once instead of waiting on a broken state.
 */
async function phase(name: string, budgetMs: number, involved: () => (StartRun | undefined)[], body: () => Promise<void>): Promise<void> {
  if (brokenBy) throw new Error(`not run: the phase "${brokenBy}" failed`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const overrun = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`phase "${name}" did not finish within ${budgetMs / 1000} s`)), budgetMs);
    });
    await Promise.race([body(), overrun]);
  } catch (error) {
    brokenBy = name;
    const logs = involved()
      .filter((run): run is StartRun => !!run)
      .map((run) => run.output())
      .join('\n\n');
    const extra = `\n\n${logs}\n\n--- processes on ${dataDir} ---\n${describeProcs(processesOn(dataDir))}`;
    if (error instanceof Error) {
      error.message += extra; // jest prints the message, then the stack frames
      throw error;
    }
    throw new Error(String(error) + extra);
  } finally {
    clearTimeout(timer);
  }
}

const allPorts = () => [ports.gateway, ...Object.values(ports.subgraphs), ports.pg];
const postmasterPidFile = () => join(dataDir, 'postgres', 'postmaster.pid');
const postmasterPid = () => Number(readFileSync(postmasterPidFile(), 'utf8').split('\n')[0]);

/** Ports closed, nothing left on the data directory, PostgreSQL shut down cleanly (no pid file). */
async function expectAllStopped(): Promise<void> {
  const states = await Promise.all(allPorts().map(async (port) => [port, await probe(port)] as const));
  expect(states.filter(([, state]) => state !== 'refused')).toEqual([]);
  expect(describeProcs(processesOn(dataDir))).toBe('(none)');
  expect(existsSync(postmasterPidFile())).toBe(false);
}

let first: StartRun;
let second: StartRun;
let third: StartRun;
let fourth: StartRun;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'alliance-start-e2e-'));
  chmodSync(dataDir, 0o755); // the postgres system user must traverse it
  const [gateway, megalis, ternum, maximilien, pg] = await freePorts(5);
  ports = { gateway, pg, subgraphs: { MEGALIS_PORT: megalis, TERNUM_BFC_PORT: ternum, MAXIMILIEN_PORT: maximilien } };
});

afterAll(async () => {
  // Whatever is left. First the processes of the groups we started (npm, tsx, the supervisor, its
  // children), except PostgreSQL; then anything on the data directory: SIGINT (PostgreSQL's fast
  // shutdown), then SIGKILL.
  const groups = new Set(runs.map((run) => run.pgid));
  const onDataDir = () => (dataDir ? processesOn(dataDir) : []);
  for (let sweep = 0; sweep < 2; sweep++) {
    const spared = new Set(onDataDir().map((p) => p.pid));
    for (const p of processes()) if (groups.has(p.pgid) && isInside(p.cwd, ROOT) && !spared.has(p.pid)) signalQuietly(p.pid, 'SIGKILL');
    await sleep(100);
  }
  for (const p of onDataDir()) signalQuietly(p.pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && onDataDir().length; waited += 200) await sleep(200);
  for (const p of onDataDir()) signalQuietly(p.pid, 'SIGKILL');
  for (let waited = 0; waited < 5_000 && onDataDir().length; waited += 200) await sleep(200);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (timings.length) process.stdout.write(`[start.e2e] timings:\n  ${timings.join('\n  ')}\n`);
}, 30_000);

describe('npm start: the whole alliance graph on one machine', () => {
  it('first start: creates, migrates and seeds the embedded databases, then serves the gateway', async () => {
    first = startRun('first start');
    await phase('first start', 90_000, () => [first], async () => {
      const gatewayPort = await first.waitUntilReady(75_000);
      timings.push(`first start: ${first.startTimings()}`);
      expect(gatewayPort).toBe(ports.gateway);
      const out = first.stdoutLines.join('\n');
      for (const database of ['megalis', 'ternum_bfc', 'maximilien']) expect(out).toContain(`created database ${database}`);
      for (const code of Object.keys(EXPECTED_COUNTS)) expect(out).toMatch(new RegExp(`\\[alliance\\] ${code}: seeded `));
      expect(await memberCounts(ports.gateway)).toEqual(EXPECTED_COUNTS);
    });
  }, 100_000);

  it('runs each subgraph, the gateway and PostgreSQL as processes of their own', async () => {
    await phase('separate processes', 20_000, () => [first], async () => {
      const supervisor = first.supervisor();
      const named: [string, number][] = [['gateway', ports.gateway], ...Object.entries(ports.subgraphs), ['postgres', ports.pg]];
      const listeners = Object.fromEntries(named.map(([name, port]) => [name, listeningPids(port)]));
      const owners = Object.values(listeners).flat();
      // One listener per port, five different processes, none of them the supervisor, all its children.
      expect(Object.values(listeners).map((pids) => pids.length)).toEqual([1, 1, 1, 1, 1]);
      expect(new Set(owners).size).toBe(5);
      expect(owners).not.toContain(supervisor.pid);
      const byPid = new Map(processes().map((p) => [p.pid, p]));
      expect(owners.map((pid) => byPid.get(pid)?.ppid)).toEqual(owners.map(() => supervisor.pid));
      expect(byPid.get(listeners.gateway[0])!.argv).toContain('gateway/src/index.ts');
      // Each with its tier's runtime flags (shared/src/runtime/node-options.ts): the gateway V8's defaults.
      const nodeOptions = (pid: number) => /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1] ?? '';
      expect(nodeOptions(listeners.gateway[0])).not.toContain('--max-semi-space-size');
      for (const [portVar] of Object.entries(ports.subgraphs)) expect(nodeOptions(listeners[portVar][0])).toContain(SERVICE_NODE_OPTIONS.subgraph);
      expect(basename(byPid.get(listeners.postgres[0])!.argv[0])).toBe('postgres');

      // Each subgraph answers on its own port, with its own schema.
      for (const [portVar, operatorType] of [['MEGALIS_PORT', 'MegalisOperator'], ['TERNUM_BFC_PORT', 'TernumOperator'], ['MAXIMILIEN_PORT', 'MaximilienOperator']] as const) {
        const port = ports.subgraphs[portVar];
        expect(await getStatus(`http://127.0.0.1:${port}/health/live`)).toBe(200);
        expect(await getStatus(`http://127.0.0.1:${port}/health/ready`)).toBe(200);
        const { status, body } = await postGraphQL(`http://127.0.0.1:${port}/graphql`, '{ _service { sdl } }');
        expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
        expect(body.data._service.sdl).toContain(`type ${operatorType} `);
      }
    });
  }, 30_000);

  it('SIGINT: stops the children, then PostgreSQL, and exits 0', async () => {
    await phase('SIGINT after the first start', 35_000, () => [first], async () => {
      const supervisor = first.supervisor();
      const signalledAt = Date.now();
      process.kill(supervisor.pid, 'SIGINT');
      const exit = await first.waitForExit(30_000);
      timings.push(`first stop (SIGINT to the supervisor): ${((Date.now() - signalledAt) / 1000).toFixed(1)} s`);
      expect(exit).toEqual({ code: 0, signal: null });
      // The ordered shutdown ran (not a library's own exit hook).
      expect(first.stdoutLines.join('\n')).toContain('[alliance] stopping PostgreSQL');
      await expectAllStopped();
    });
  }, 45_000);

  it('second start on the same data: no initialisation, no seeding, same data, databases ready faster', async () => {
    second = startRun('second start');
    await phase('second start', 50_000, () => [first, second], async () => {
      await second.waitUntilReady(45_000);
      timings.push(`second start: ${second.startTimings()}`);
      const out = second.stdoutLines.join('\n');
      expect(out).not.toMatch(/seeded/);
      expect(out).not.toMatch(/created database|applied \d+ migration/);
      expect(await memberCounts(ports.gateway)).toEqual(EXPECTED_COUNTS);
      // Faster where it matters: the database phase skips initdb, migrations and the seed. Node
      // start-up dominates the rest and varies with the machine's load, so the whole start-up time is
      // reported, not compared.
      expect(second.databasePhaseMs()).toBeLessThan(first.databasePhaseMs());
    });
  }, 60_000);

  it('recovers after the whole process group was SIGKILLed (stale postmaster.pid)', async () => {
    await phase('crash and recovery (process group)', 75_000, () => [second, third], async () => {
      const oldPostmaster = postmasterPid();
      process.kill(-second.pgid, 'SIGKILL');
      expect(await second.waitForExit(10_000)).toEqual({ code: null, signal: 'SIGKILL' });
      await eventually(() => expect(second.members()).toEqual([]), 10_000);
      expect(existsSync(postmasterPidFile())).toBe(true);
      await eventually(() => expect(isRunning(oldPostmaster)).toBe(false), 10_000); // it was in the group

      third = startRun('start after a SIGKILLed process group');
      await third.waitUntilReady(45_000);
      timings.push(`recovery after SIGKILL of the group: ${third.startTimings()}`);
      expect(third.stdoutLines.join('\n')).not.toMatch(/seeded/);
      expect(postmasterPid()).not.toBe(oldPostmaster);
      expect(await memberCounts(ports.gateway)).toEqual(EXPECTED_COUNTS);
    });
  }, 85_000);

  it('recovers after everything but PostgreSQL was SIGKILLed (orphaned postmaster on the data directory)', async () => {
    await phase('crash and recovery (orphaned PostgreSQL)', 75_000, () => [third, fourth], async () => {
      const orphan = postmasterPid();
      const victims = third.members().filter((p) => p.pid !== orphan);
      expect(third.members().map((p) => p.pid)).toContain(orphan);
      for (const p of victims) signalQuietly(p.pid, 'SIGKILL');
      expect(await third.waitForExit(10_000)).toEqual({ code: null, signal: 'SIGKILL' });
      await eventually(() => expect(third.members().map((p) => p.pid)).toEqual([orphan]), 10_000);
      expect(await probe(ports.pg)).toBe('open'); // still serving, with no supervisor

      fourth = startRun('start beside an orphaned PostgreSQL');
      await fourth.waitUntilReady(45_000);
      timings.push(`recovery beside an orphaned postmaster: ${fourth.startTimings()}`);
      expect(isRunning(orphan)).toBe(false);
      expect(postmasterPid()).not.toBe(orphan);
      expect(fourth.stdoutLines.join('\n')).not.toMatch(/seeded/);
      expect(await memberCounts(ports.gateway)).toEqual(EXPECTED_COUNTS);
    });
  }, 85_000);

  it('Ctrl-C (SIGINT to the whole process group) stops everything', async () => {
    await phase('Ctrl-C', 40_000, () => [fourth], async () => {
      const signalledAt = Date.now();
      process.kill(-fourth.pgid, 'SIGINT');
      const exit = await fourth.waitForExit(30_000);
      timings.push(`final stop (Ctrl-C): ${((Date.now() - signalledAt) / 1000).toFixed(1)} s`);
      // npm runs the script through `sh -c`, which re-raises a SIGINT it received: npm then dies of
      // it too. What matters is that everything is gone.
      expect(exit).not.toBeNull();
      expect(exit!.code === 0 || exit!.signal === 'SIGINT').toBe(true);
      await eventually(expectAllStopped, 10_000);
      expect(fourth.members()).toEqual([]);
    });
  }, 50_000);
});
