import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { TEST_JWT_SECRET } from '../shared/src/testing/test-auth';
import { startAlliance, type Alliance } from './support/alliance';
import { freePorts, spawnCollected, type Spawned } from '../shared/src/testing/processes';

/** Cluster mode, for real: a gateway process with GATEWAY_WORKERS=2 in front of the test subgraphs. */
let alliance: Alliance;
let gateway: Spawned | null = null;

beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(async () => {
  await gateway?.stop();
  await alliance?.close();
});

/**
 * The gateway worker processes under `pid` (its children running the gateway's entry point; tsx may
 * also start an esbuild service child, which is not a worker).
 */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid && cmdline.includes('gateway/src/index.ts');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function eventually(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs / 1000} s\n${gateway?.output() ?? ''}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('Gateway: cluster mode (GATEWAY_WORKERS)', () => {
  it('serves from two worker processes, replaces one that dies, and stops cleanly', async () => {
    const [port] = await freePorts(1);
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), GATEWAY_WORKERS: '2', JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'test', LOG_LEVEL: 'info' };
    for (const operator of OPERATORS) env[`${operator.code}_URL`] = alliance.subgraphs[operator.code].url;
    gateway = spawnCollected(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], { cwd: resolve(__dirname, '..'), env });
    const primary = gateway.child.pid!;
    await gateway.waitForLine(/gateway ready[\s\S]*gateway ready/, 60_000); // one line per worker
    // The entry point flattens Apollo Gateway's federation internals before anything loads it.
    expect(gateway.output()).not.toMatch(/before it was substituted/);

    await eventually(`two workers under ${primary} (now ${childrenOf(primary).join(', ')})`, () => childrenOf(primary).length === 2, 60_000);
    const workers = childrenOf(primary);
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ query: '{ operators { code memberCount } }' }),
        });
        return ((await response.json()) as any).data.operators.map((o: any) => o.memberCount);
      }),
    );
    expect(answers.every((counts) => JSON.stringify(counts) === '[2250,1750,370]')).toBe(true);

    process.kill(workers[0], 'SIGKILL');
    await eventually('a new worker replaces the killed one', () => {
      const now = childrenOf(primary);
      return now.length === 2 && !now.includes(workers[0]);
    }, 60_000);

    expect(await gateway.stop()).toBe(0);
    gateway = null;
    expect(childrenOf(primary)).toEqual([]);
  }, 180_000);
});
