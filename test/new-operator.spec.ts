import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePorts, spawnCollected, type Spawned } from '../shared/src/testing/processes';

/**
 * Onboarding an operator, for real: in a temporary copy of the repository, `npm run new-operator`
 * adds GIP RECIA (Centre-Val de Loire); then `npm start` creates, migrates and seeds its database
 * and the gateway serves its members beside the others'. No existing subgraph's file changes.
 */
const ROOT = resolve(__dirname, '..');
const EXISTING = ['megalis', 'ternum-bfc', 'maximilien'];
let copy: string;
let started: Spawned | null = null;

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
}

function hashesUnder(root: string, prefix: string): Record<string, string> {
  return Object.fromEntries(
    trackedFiles()
      .filter((file) => file.startsWith(prefix))
      .map((file) => [file, createHash('sha256').update(readFileSync(join(root, file))).digest('hex')]),
  );
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'alliance-onboarding-'));
  chmodSync(copy, 0o755);
  for (const file of trackedFiles()) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});

afterAll(async () => {
  await started?.stop();
  rmSync(copy, { recursive: true, force: true });
});

describe('Onboarding: npm run new-operator adds GIP RECIA', () => {
  it('adds one registry entry and one folder, and changes no existing subgraph', () => {
    const before = Object.fromEntries(EXISTING.map((slug) => [slug, hashesUnder(copy, `subgraphs/${slug}/`)]));
    execFileSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/new-operator.ts', '--code', 'RECIA', '--name', 'GIP RECIA', '--region', '24', '--departements', '18,28,36,37,41,45'],
      { cwd: copy, stdio: 'pipe' },
    );
    for (const slug of EXISTING) expect(hashesUnder(copy, `subgraphs/${slug}/`)).toEqual(before[slug]);
    expect(existsSync(join(copy, 'subgraphs/recia/src/recia.module.ts'))).toBe(true);
    expect(readFileSync(join(copy, 'subgraphs/recia/schema.graphql'), 'utf8')).toContain('type ReciaMember implements Member & Node');
    expect(readFileSync(join(copy, 'shared/src/operators/operator-registry.ts'), 'utf8')).toContain("code: 'RECIA'");
    const supergraph = readFileSync(join(copy, 'gateway/supergraph.graphql'), 'utf8');
    expect(supergraph).toMatch(/RECIA @join__graph\(name: "recia"/);
    expect(supergraph).toContain('type ReciaMember');
    expect(readFileSync(join(copy, 'docker-compose.yml'), 'utf8')).toMatch(/\n {2}recia-db:\n[\s\S]*\n {2}recia:\n/);
    expect(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')).scripts['start:recia']).toBe('tsx subgraphs/recia/src/index.ts');
  });

  it('refuses a bad request and changes nothing', () => {
    const registry = readFileSync(join(copy, 'shared/src/operators/operator-registry.ts'), 'utf8');
    for (const args of [
      ['--code', 'RECIA', '--name', 'Again', '--region', '24', '--departements', '18'],
      ['--code', 'NOPE', '--name', 'X', '--region', '24', '--departements', '35'],
      ['--code', 'lower', '--name', 'X', '--region', '24', '--departements', '18'],
    ]) {
      expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/new-operator.ts', ...args], { cwd: copy, stdio: 'pipe' })).toThrow();
    }
    expect(readFileSync(join(copy, 'shared/src/operators/operator-registry.ts'), 'utf8')).toBe(registry);
  });

  it('starts with npm start: RECIA is created, migrated, seeded and served through the gateway', async () => {
    const [gateway, pg, megalis, ternum, maximilien, recia] = await freePorts(6);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.endsWith('_DATABASE_URL') || key === 'TEST_DATABASE_URLS') delete env[key];
    Object.assign(env, {
      DATA_DIR: join(copy, '.data'),
      PORT: String(gateway),
      EMBEDDED_PG_PORT: String(pg),
      MEGALIS_PORT: String(megalis),
      TERNUM_BFC_PORT: String(ternum),
      MAXIMILIEN_PORT: String(maximilien),
      RECIA_PORT: String(recia),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      APOLLO_TELEMETRY_DISABLED: 'true',
    });
    started = spawnCollected(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: copy, env });
    await started.waitForLine(/gateway ready: (http:\/\/127\.0\.0\.1:\d+\/graphql)/, 240_000);
    const response = await fetch(`http://127.0.0.1:${gateway}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ operator(code: RECIA) { name region { name } memberCount members(first: 3, orderBy: { field: POPULATION, direction: DESC }) { nodes { name kind departement { code } } } }
                  members(filter: { operators: [RECIA], kinds: [COMMUNE] }, first: 1) { totalCount nodes { operator { code } } }
                  operators { code } }`,
      }),
    });
    const { data, errors } = (await response.json()) as { data: any; errors?: unknown };
    expect(errors).toBeUndefined();
    expect(data.operators.map((o: { code: string }) => o.code)).toEqual(['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN', 'RECIA']);
    expect(data.operator).toMatchObject({ name: 'GIP RECIA', region: { name: 'Centre-Val de Loire' }, memberCount: 300 });
    expect(data.operator.members.nodes[0]).toEqual({ name: 'Région Centre-Val de Loire', kind: 'REGION', departement: { code: '45' } });
    expect(data.members.totalCount).toBeGreaterThan(100);
    expect(data.members.nodes[0].operator.code).toBe('RECIA');
    expect(await started.stop()).toBe(0);
    started = null;
  });
});
