import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The gateway's server factory flattens @apollo/federation-internals before Apollo Gateway loads
 * it (gateway/src/federation-exports.ts). Checked in a Node process of its own, as the entry point
 * runs: Jest's module registry would bypass Node's module cache and the flattening with it.
 */
describe('@apollo/federation-internals as the gateway reads it', () => {
  it('is the flat copy, with every value of the package, and the gateway answers through it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/federation-exports-check.ts'], {
      cwd: resolve(__dirname, '..'),
      env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
    // Apollo Gateway's modules were given the flat copy, which has no getter left.
    expect(report.gatewayReadsFlatCopy).toBe(true);
    expect(report.earlyReaders).toEqual([]);
    expect(report.getters).toEqual([]);
    expect(report.exportCount).toBeGreaterThan(100);
    // After planning and executing an operation, no export of the package has moved on.
    expect(report.divergent).toEqual([]);
    expect(report.errors).toBeNull();
    expect(report.data).toEqual({ operators: [{ code: 'MEGALIS' }, { code: 'TERNUM_BFC' }, { code: 'MAXIMILIEN' }] });
  });
});
