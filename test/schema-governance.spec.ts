import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriticalityLevel } from '@graphql-inspector/core';
import { readSupergraphSdl } from '../gateway/src/supergraph-file';
import {
  apiSchemaOf,
  type BreakingChangeRecord,
  checkSchema,
  composeFreshSupergraph,
  loadBreakingChangeRecord,
  parseBreakingChangeRecord,
  SchemaCheckError,
} from '../scripts/schema-check';
import { composeSupergraph, ROOT, subgraphSchemaFiles } from '../scripts/schema-files';

/**
 * Schema governance (README, "Schema governance"): `npm run schema:check` diffs the client-facing
 * API schemas with @graphql-inspector/core and fails on a breaking change that
 * schema-breaking-changes.json does not record with a reason. Every composition here is in memory.
 */

const EMPTY_RECORD: BreakingChangeRecord = { changes: [] };

/** Renders every subgraph's SDL from its template, lets `edit` change the partnership SDL, composes in memory. */
function composeWithPartnershipEdit(edit: (sdl: string) => string): string {
  const files = subgraphSchemaFiles().map((file) => ({ name: file.name, url: file.url, sdl: file.render() }));
  const partnership = files.find((file) => file.name === 'partnership')!;
  const edited = edit(partnership.sdl);
  expect(edited).not.toBe(partnership.sdl); // the simulated change did apply
  partnership.sdl = edited;
  return composeSupergraph(files).supergraphSdl;
}

/** Removes `Query.membersBySiren` (its description and its definition) from the partnership SDL. */
const removeMembersBySiren = (sdl: string) => sdl.replace(/\n  "[^"\n]*"\n  membersBySiren\([^\n]*\n/, '\n');

/** Adds an optional, documented field to `Query`. */
const addOptionalQueryField = (sdl: string) =>
  sdl.replace('  statistics: Statistics!\n', '  statistics: Statistics!\n  "The version of the alliance\'s schema."\n  schemaVersion: String\n');

describe('Schema governance: npm run schema:check', () => {
  const committed = readSupergraphSdl();
  // The simulated changes are made to, and compared with, a fresh composition, so that they are
  // the only differences even while the committed supergraph is being regenerated.
  let fresh: string;
  beforeAll(() => {
    fresh = composeFreshSupergraph();
  });

  it('builds client-facing API schemas: no federation internals, no @inaccessible index fields', () => {
    const api = apiSchemaOf(committed);
    const typeNames = Object.keys(api.getTypeMap());
    expect(typeNames.some((name) => name.startsWith('join__') || name.startsWith('link__'))).toBe(false);
    expect(api.getDirectives().map((directive) => directive.name).filter((name) => name === 'inaccessible' || name.includes('__'))).toEqual([]);
    const query = Object.keys(api.getQueryType()!.getFields());
    expect(query).toEqual(expect.arrayContaining(['operators', 'members', 'search', 'statistics', 'membersBySiren']));
    expect(query.some((name) => name.endsWith('Operator'))).toBe(false); // the per-operator index fields are @inaccessible
  });

  it('(a) the committed state passes: the record file is valid and no breaking change is unrecorded', async () => {
    const record = loadBreakingChangeRecord();
    const result = await checkSchema({ baseSupergraphSdl: committed, newSupergraphSdl: fresh, record });
    expect(result.unrecorded.map(({ change }) => `${change.path} ${change.type}`)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('(b) a removed field is BREAKING and fails the check while it is not recorded', async () => {
    const newSupergraphSdl = composeWithPartnershipEdit(removeMembersBySiren);
    const result = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: EMPTY_RECORD });
    expect(result.ok).toBe(false);
    expect(result.unrecorded).toHaveLength(1);
    const [{ change, criticality }] = result.unrecorded;
    expect(criticality).toBe('breaking');
    expect(change.criticality.level).toBe(CriticalityLevel.Breaking);
    expect(change).toMatchObject({ path: 'Query.membersBySiren', type: 'FIELD_REMOVED' });
  });

  it('(b) a changed field type (nullable output, required argument) is BREAKING', async () => {
    const newSupergraphSdl = composeWithPartnershipEdit((sdl) =>
      sdl.replace('  statistics: Statistics!\n', '  statistics: Statistics\n').replace('    text: String!\n', '    text: String!\n    "Required language."\n    language: String!\n'),
    );
    const result = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: EMPTY_RECORD });
    expect(result.ok).toBe(false);
    expect(result.unrecorded.map(({ change }) => [change.path, change.type])).toEqual([
      ['Query.search.language', 'FIELD_ARGUMENT_ADDED'],
      ['Query.statistics', 'FIELD_TYPE_CHANGED'],
    ]);
  });

  it('(c) recording the breaking change with a reason makes the check pass; a record of another change does not', async () => {
    const newSupergraphSdl = composeWithPartnershipEdit(removeMembersBySiren);
    const entry = { path: 'Query.membersBySiren', type: 'FIELD_REMOVED', reason: 'Replaced by members(filter: { siren })', date: '2026-11-29' };
    const recorded = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: { changes: [entry] } });
    expect(recorded.ok).toBe(true);
    expect(recorded.breaking).toHaveLength(1);
    expect(recorded.breaking[0].recordedBy).toEqual(entry);

    // Identified by its message instead of its type: also accepted.
    const message = recorded.breaking[0].change.message;
    const byMessage = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: { changes: [{ path: entry.path, message, reason: entry.reason, date: entry.date }] } });
    expect(byMessage.ok).toBe(true);

    // Same path, other type; or other path: not this change.
    for (const other of [{ ...entry, type: 'FIELD_TYPE_CHANGED' }, { ...entry, path: 'Query.members' }]) {
      const result = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: { changes: [other] } });
      expect(result.ok).toBe(false);
    }
  });

  it('(c) a record entry without a reason (or with the placeholder) or a date is refused', async () => {
    const entry = { path: 'Query.membersBySiren', type: 'FIELD_REMOVED', reason: 'Replaced', date: '2026-11-29' };
    expect(() => parseBreakingChangeRecord({ changes: [{ ...entry, reason: ' ' }] })).toThrow(SchemaCheckError);
    expect(() => parseBreakingChangeRecord({ changes: [{ path: entry.path, type: entry.type, date: entry.date }] })).toThrow(/reason/);
    expect(() => parseBreakingChangeRecord({ changes: [{ ...entry, date: 'yesterday' }] })).toThrow(/date/);
    expect(() => parseBreakingChangeRecord({ changes: [{ ...entry, reason: 'TODO: why this break is accepted' }] })).toThrow(/placeholder/);
    expect(() => parseBreakingChangeRecord({ changes: [{ path: entry.path, reason: entry.reason, date: entry.date }] })).toThrow(/type.*message/);
    await expect(checkSchema({ baseSupergraphSdl: committed, newSupergraphSdl: committed, record: { changes: [{ ...entry, reason: '' }] } })).rejects.toThrow(SchemaCheckError);
  });

  it('(d) a new optional field is a safe change and passes', async () => {
    const newSupergraphSdl = composeWithPartnershipEdit(addOptionalQueryField);
    const result = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: EMPTY_RECORD });
    expect(result.ok).toBe(true);
    expect(result.breaking).toEqual([]);
    expect(result.changes.map(({ change, criticality }) => [change.path, change.type, criticality])).toEqual([
      ['Query.schemaVersion', 'FIELD_ADDED', 'safe'],
      ['Query.schemaVersion', 'FIELD_DESCRIPTION_ADDED', 'safe'],
    ]);
  });

  it('a changed default argument value is DANGEROUS: reported, but does not fail the check', async () => {
    const newSupergraphSdl = composeWithPartnershipEdit((sdl) => sdl.replace(/(  search\([\s\S]*?first: Int = )20/, '$125'));
    const result = await checkSchema({ baseSupergraphSdl: fresh, newSupergraphSdl, record: EMPTY_RECORD });
    expect(result.ok).toBe(true);
    expect(result.dangerous.map(({ change }) => [change.path, change.type])).toEqual([['Query.search.first', 'FIELD_ARGUMENT_DEFAULT_CHANGED']]);
  });

  describe('the command', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const run = (...args: string[]) =>
      spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/schema-check.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

    it('exits 0 on the committed state and prints the comparison', () => {
      const { status, stdout, stderr } = run();
      expect(stderr).toBe('');
      expect(stdout).toContain('OK: no unrecorded breaking change.');
      expect(status).toBe(0);
    });

    it('exits 1 on an unrecorded breaking change, with the entry to record; 0 once recorded; 2 on a bad record', () => {
      // A base that has a field the fresh composition lacks: for the fresh composition, a removal.
      const base = join(dir, 'base.graphql');
      writeFileSync(base, composeWithPartnershipEdit(addOptionalQueryField));

      const failed = run('--base-file', base);
      expect(failed.stdout).toMatch(/^BREAKING\s+FIELD_REMOVED\s+Query\.schemaVersion\s+Field 'schemaVersion' was removed/m);
      expect(failed.stdout).toContain('NOT RECORDED in schema-breaking-changes.json');
      expect(failed.stdout).toContain('"path": "Query.schemaVersion"');
      expect(failed.status).toBe(1);

      const record = join(dir, 'record.json');
      writeFileSync(record, JSON.stringify({ changes: [{ path: 'Query.schemaVersion', type: 'FIELD_REMOVED', reason: 'Never used by any client', date: '2026-11-29' }] }));
      const passed = run('--base-file', base, '--record', record);
      expect(passed.stdout).toContain('recorded 2026-11-29: Never used by any client');
      expect(passed.status).toBe(0);

      writeFileSync(record, JSON.stringify({ changes: [{ path: 'Query.schemaVersion', type: 'FIELD_REMOVED', date: '2026-11-29' }] }));
      const invalid = run('--base-file', base, '--record', record);
      expect(invalid.stderr).toMatch(/changes\[0\] needs a "reason"/);
      expect(invalid.status).toBe(2);
    });
  });
});
