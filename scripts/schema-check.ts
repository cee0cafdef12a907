import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { composeSupergraph, CompositionError, ROOT, SUPERGRAPH_FILE, subgraphSchemaFiles } from './schema-files';

/**
 * `npm run schema:check`: schema governance (README, "Schema governance").
 *
 * Compares the client-facing API schema (no federation internals, no @inaccessible element) of a
 * fresh composition — every subgraph's SDL rendered from its template, composed in memory, nothing
 * written — with that of the committed gateway/supergraph.graphql (or of the supergraph at a git
 * ref with `--base <ref>`), using @graphql-inspector/core. Prints every change with its
 * criticality; exits 1 when a BREAKING change is not recorded, with its reason, in
 * schema-breaking-changes.json; 2 when the check cannot run; 0 otherwise.
 */

export const BREAKING_CHANGES_FILE = resolve(ROOT, 'schema-breaking-changes.json');
export const SUPERGRAPH_REPO_PATH = 'gateway/supergraph.graphql';

/** One accepted breaking change: which change (inspector `path` + `type` and/or `message`), why and when. */
export interface BreakingChangeEntry {
  /** The change's inspector path, e.g. `Query.membersBySiren`; omitted only for changes without one. */
  path?: string;
  /** The change's inspector type, e.g. `FIELD_REMOVED`. */
  type?: string;
  /** The change's inspector message, exactly as printed. */
  message?: string;
  /** Why the break is accepted (who was told, what replaces it…). */
  reason: string;
  /** When it was accepted, `YYYY-MM-DD`. */
  date: string;
}

export interface BreakingChangeRecord {
  changes: BreakingChangeEntry[];
}

export type Criticality = 'breaking' | 'dangerous' | 'safe';

export interface CheckedChange {
  change: Change;
  criticality: Criticality;
  /** For a breaking change: the record entry that accepts it, if any. */
  recordedBy?: BreakingChangeEntry;
}

export interface SchemaCheckResult {
  /** Every change, breaking first, then dangerous, then safe; by path within each. */
  changes: CheckedChange[];
  breaking: CheckedChange[];
  dangerous: CheckedChange[];
  safe: CheckedChange[];
  /** Breaking changes that no record entry accepts: the check fails when there is any. */
  unrecorded: CheckedChange[];
  ok: boolean;
}

export class SchemaCheckError extends Error {}

/** A path as printed: relative to the repository when inside it. */
function display(path: string): string {
  const inside = relative(ROOT, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

/** The client-facing schema of a supergraph: what the gateway serves, without join__/link__ internals or @inaccessible elements. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** Composes the subgraphs in memory from their templates, as `npm run compose` would; writes nothing. */
export function composeFreshSupergraph(): string {
  return composeSupergraph(subgraphSchemaFiles().map((file) => ({ name: file.name, url: file.url, sdl: file.render() }))).supergraphSdl;
}

/** The supergraph committed at a git ref (read-only `git show`). */
export function supergraphAtGitRef(ref: string): string {
  try {
    return execFileSync('git', ['show', `${ref}:${SUPERGRAPH_REPO_PATH}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new SchemaCheckError(`Cannot read ${SUPERGRAPH_REPO_PATH} at git ref "${ref}"${stderr ? `: ${stderr}` : ''}`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates a parsed record file; throws SchemaCheckError naming the first bad entry. */
export function parseBreakingChangeRecord(value: unknown, source = 'breaking-change record'): BreakingChangeRecord {
  const changes = (value as { changes?: unknown } | null)?.changes;
  if (typeof value !== 'object' || value === null || !Array.isArray(changes)) {
    throw new SchemaCheckError(`${source}: expected an object with a "changes" array`);
  }
  changes.forEach((entry: unknown, index) => {
    const where = `${source}: changes[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new SchemaCheckError(`${where} is not an object`);
    const { path, type, message, reason, date } = entry as Record<string, unknown>;
    for (const [key, field] of Object.entries({ path, type, message })) {
      if (field !== undefined && (typeof field !== 'string' || !field.trim())) throw new SchemaCheckError(`${where}.${key} must be a non-empty string`);
    }
    if (type === undefined && message === undefined) throw new SchemaCheckError(`${where} needs a "type" or a "message" to identify the change`);
    if (typeof reason !== 'string' || !reason.trim()) throw new SchemaCheckError(`${where} needs a "reason"`);
    if (/^TODO\b/i.test(reason.trim())) throw new SchemaCheckError(`${where}.reason is still the TODO placeholder: write the reason`);
    if (typeof date !== 'string' || !DATE.test(date)) throw new SchemaCheckError(`${where} needs a "date" (YYYY-MM-DD)`);
  });
  return { changes: changes as BreakingChangeEntry[] };
}

export function loadBreakingChangeRecord(path = BREAKING_CHANGES_FILE): BreakingChangeRecord {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SchemaCheckError(`Cannot read the breaking-change record ${path}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SchemaCheckError(`${display(path)} is not valid JSON: ${(error as Error).message}`);
  }
  return parseBreakingChangeRecord(value, display(path));
}

/** Whether a record entry identifies this change: same path, and same type and/or message (whichever the entry gives). */
export function entryMatches(entry: BreakingChangeEntry, change: Change): boolean {
  if ((entry.path ?? undefined) !== (change.path ?? undefined)) return false;
  if (entry.type !== undefined && entry.type !== change.type) return false;
  if (entry.message !== undefined && entry.message !== change.message) return false;
  return entry.type !== undefined || entry.message !== undefined;
}

const ORDER: Record<Criticality, number> = { breaking: 0, dangerous: 1, safe: 2 };

function criticalityOf(change: Change): Criticality {
  switch (change.criticality.level) {
    case CriticalityLevel.Breaking:
      return 'breaking';
    case CriticalityLevel.Dangerous:
      return 'dangerous';
    default:
      return 'safe';
  }
}

/**
 * The check itself, in-process: diffs the API schemas of two supergraphs and matches every
 * breaking change against the record.
 */
export async function checkSchema(options: {
  baseSupergraphSdl: string;
  newSupergraphSdl: string;
  record: BreakingChangeRecord;
}): Promise<SchemaCheckResult> {
  const record = parseBreakingChangeRecord(options.record);
  const changes = await diff(apiSchemaOf(options.baseSupergraphSdl), apiSchemaOf(options.newSupergraphSdl));
  const checked: CheckedChange[] = changes
    .map((change) => {
      const criticality = criticalityOf(change);
      const recordedBy = criticality === 'breaking' ? record.changes.find((entry) => entryMatches(entry, change)) : undefined;
      return { change, criticality, ...(recordedBy ? { recordedBy } : {}) };
    })
    .sort((a, b) => ORDER[a.criticality] - ORDER[b.criticality] || (a.change.path ?? '').localeCompare(b.change.path ?? '') || a.change.type.localeCompare(b.change.type));
  const breaking = checked.filter((item) => item.criticality === 'breaking');
  const unrecorded = breaking.filter((item) => !item.recordedBy);
  return {
    changes: checked,
    breaking,
    dangerous: checked.filter((item) => item.criticality === 'dangerous'),
    safe: checked.filter((item) => item.criticality === 'safe'),
    unrecorded,
    ok: unrecorded.length === 0,
  };
}

/** A record entry to paste into the record file, with the reason left to write. */
export function entryTemplate(change: Change, date = new Date().toISOString().slice(0, 10)): BreakingChangeEntry {
  return { ...(change.path ? { path: change.path } : {}), type: change.type, reason: 'TODO: why this break is accepted, and what clients should do', date };
}

/** The human-readable report printed by the CLI. */
export function formatReport(result: SchemaCheckResult, labels: { base: string; new: string; record: string }): string {
  const lines = [`Schema check: client-facing API schema of ${labels.new} against ${labels.base}`];
  if (result.changes.length === 0) lines.push('No change to the client-facing schema.');
  for (const { change, criticality, recordedBy } of result.changes) {
    lines.push(`${criticality.toUpperCase().padEnd(9)} ${change.type.padEnd(36)} ${(change.path ?? '-').padEnd(40)} ${change.message.replace(/\s*\n\s*/g, ' ')}`);
    if (criticality === 'breaking') {
      lines.push(recordedBy ? `          recorded ${recordedBy.date}: ${recordedBy.reason}` : `          NOT RECORDED in ${labels.record}`);
    }
  }
  const recorded = result.breaking.length - result.unrecorded.length;
  lines.push(
    `${result.changes.length} change(s): ${result.breaking.length} breaking (${recorded} recorded, ${result.unrecorded.length} unrecorded), ${result.dangerous.length} dangerous, ${result.safe.length} safe.`,
  );
  if (result.ok) {
    lines.push('OK: no unrecorded breaking change.');
  } else {
    lines.push(
      `FAILED: ${result.unrecorded.length} breaking change(s) not recorded. If the break is intended, add to "changes" in ${labels.record}:`,
      JSON.stringify(result.unrecorded.map(({ change }) => entryTemplate(change)), null, 2)
        .split('\n')
        .slice(1, -1)
        .join('\n'),
      'and describe it in SCHEMA_CHANGELOG.md. Otherwise, keep the old field or type (deprecate it with @deprecated) instead.',
    );
  }
  return `${lines.join('\n')}\n`;
}

const USAGE = `Usage: npm run schema:check [-- [--base <git-ref> | --base-file <path>] [--record <path>]]

  (default)           base = the committed ${SUPERGRAPH_REPO_PATH} (working tree)
  --base <git-ref>    base = ${SUPERGRAPH_REPO_PATH} at a git ref (git show <ref>:${SUPERGRAPH_REPO_PATH}), e.g. origin/main in CI
  --base-file <path>  base = a supergraph file (e.g. the one in production)
  --record <path>     the breaking-change record (default: ${relative(ROOT, BREAKING_CHANGES_FILE)})

Exit status: 0 no unrecorded breaking change; 1 an unrecorded breaking change; 2 the check could not run.
`;

interface CliOptions {
  base?: string;
  baseFile?: string;
  record: string;
}

function parseArguments(argv: string[]): CliOptions | 'help' {
  const options: CliOptions = { record: BREAKING_CHANGES_FILE };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined || next.startsWith('--')) throw new SchemaCheckError(`${argument} needs a value\n\n${USAGE}`);
      return next;
    };
    if (argument === '--help' || argument === '-h') return 'help';
    else if (argument === '--base') options.base = value();
    else if (argument === '--base-file') options.baseFile = resolve(value());
    else if (argument === '--record') options.record = resolve(value());
    else throw new SchemaCheckError(`Unknown argument ${argument}\n\n${USAGE}`);
  }
  if (options.base !== undefined && options.baseFile !== undefined) throw new SchemaCheckError('--base and --base-file are exclusive');
  return options;
}

async function main(argv: string[]): Promise<number> {
  try {
    const options = parseArguments(argv);
    if (options === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    let baseSupergraphSdl: string;
    let baseLabel: string;
    if (options.base !== undefined) {
      baseSupergraphSdl = supergraphAtGitRef(options.base);
      baseLabel = `${SUPERGRAPH_REPO_PATH} at ${options.base}`;
    } else {
      const path = options.baseFile ?? SUPERGRAPH_FILE;
      try {
        baseSupergraphSdl = readFileSync(path, 'utf8');
      } catch {
        throw new SchemaCheckError(`Cannot read the base supergraph ${path}`);
      }
      baseLabel = options.baseFile ? display(options.baseFile) : `the committed ${SUPERGRAPH_REPO_PATH}`;
    }
    const record = loadBreakingChangeRecord(options.record);
    const newSupergraphSdl = composeFreshSupergraph();
    const result = await checkSchema({ baseSupergraphSdl, newSupergraphSdl, record });
    process.stdout.write(formatReport(result, { base: baseLabel, new: 'a fresh composition of the subgraphs', record: display(options.record) }));
    return result.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SchemaCheckError || error instanceof CompositionError)) throw error;
    process.stderr.write(`schema:check: ${error.message}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error: unknown) => {
      process.stderr.write(`schema:check: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
