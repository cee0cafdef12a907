import { dirname, sep } from 'node:path';
import type { Logger } from '../logging/logger';

/**
 * Substituting what a CommonJS module answers to `require`, for the modules that load after: the
 * kernel's way to take per-request work out of a dependency's hot path without forking it.
 * Used at start-up only, before the dependency's callers load (Apollo Gateway and Apollo Server):
 * `flattenReexports` below, and the substitutions of `shared/src/http/apollo-hot-path.ts`.
 *
 * Outside Node's own module cache (Jest's registry, say) nothing is substituted and the functions
 * answer null: the jest suites run the dependencies unchanged, and process-level tests
 * (test/hot-path-substitutions.spec.ts) check the substitutions where the services load them.
 */

/** A module whose `require` answer was replaced by `substituteModule`. */
export interface SubstitutedModule<T> {
  /** What the module's own code exported. */
  readonly original: T;
  /** What `require` answers from now on. */
  readonly substitute: T;
  /**
   * Modules outside the module's own folder that had required it already, and keep the original:
   * load them after. (A package's own modules may require their index, as Apollo's do.)
   */
  readonly earlyReaders: string[];
}

/** The substitutions done, by substitute: a second call for a module answers the first. */
const substitutions = new WeakMap<object, SubstitutedModule<object>>();

/**
 * Makes later `require`s of a module answer `make(original)` instead of its own exports. `make`
 * runs once; if it throws, nothing is changed. A second call for the same module answers the
 * first substitution (whatever its `make`).
 *
 * @param specifier the module, resolved as `requireFrom` resolves it.
 * @param requireFrom the `require` of the code that will load the module's callers.
 */
export function substituteModule<T extends object>(specifier: string, requireFrom: NodeJS.Require, make: (original: T) => T): SubstitutedModule<T> | null {
  const id = requireFrom.resolve(specifier);
  const loaded = requireFrom(specifier) as T;
  const done = substitutions.get(loaded);
  if (done) return done as SubstitutedModule<T>;
  const entry = requireFrom.cache[id];
  if (!entry || entry.exports !== loaded) return null;
  const substitute = make(loaded);
  entry.exports = substitute;
  const folder = dirname(id) + sep;
  const earlyReaders = Object.values(requireFrom.cache)
    .filter((module) => module !== undefined && !module.id.startsWith(folder) && module.children.includes(entry))
    .map((module) => module!.id);
  const substituted = { original: loaded, substitute, earlyReaders };
  substitutions.set(substitute, substituted);
  return substituted;
}

/** A package whose `require` answer was replaced by `flattenReexports`. */
export interface FlattenedPackage {
  /** The module's own exports object, getters included (kept to check the copy against). */
  readonly original: Record<string, unknown>;
  /** What `require` answers from now on: the same values as plain, frozen properties. */
  readonly flat: Readonly<Record<string, unknown>>;
  /** Modules that had required the package already, and keep its getters (see `SubstitutedModule`). */
  readonly earlyReaders: string[];
  /** The exports the copy holds a replacement of (`replacements`), not the package's own value. */
  readonly replaced: readonly string[];
}

/** A replacement of one export: given the package's own value, the value the copy holds. */
export type ExportReplacement = (value: unknown) => unknown;

const flattenings = new WeakMap<object, FlattenedPackage>();

/**
 * Makes later `require`s of a CommonJS package answer a frozen object holding its exports as plain
 * properties, instead of the object its own code built.
 *
 * Why: TypeScript compiles `export * from './x'` to one getter per exported name, all of them the
 * same function reading `module[name]`. V8 sees hundreds of names at that one property read and
 * cannot make it fast, so every `pkg.name` a caller reads in a hot loop costs a slow lookup.
 * Apollo Gateway reads `@apollo/federation-internals` that way for every value it shapes into a
 * response (`isNonNullType`, `isListType`, `assert`… per field of per object): measured on the
 * benchmark's `operators` operation, 6% of the gateway's CPU went to that one getter.
 *
 * The values are the same objects; only how they are read changes, except for the names given in
 * `replacements`, whose value is what the replacement makes of the package's own (a replacement
 * naming no export of the package throws, and nothing is changed: a dependency upgrade that drops
 * the export is noticed at start-up). A package that reassigns an export after it has loaded (a
 * live binding) must not be flattened: its new value would not be seen. Packages that already
 * required it keep the getters (correct, only slower): call this before loading them.
 *
 * @param specifier the package, resolved as `requireFrom` resolves it.
 * @param requireFrom the `require` of the code that will load the package's callers.
 */
export function flattenReexports(specifier: string, requireFrom: NodeJS.Require, replacements: Record<string, ExportReplacement> = {}): FlattenedPackage | null {
  const substituted = substituteModule<Record<string, unknown>>(specifier, requireFrom, (original) => {
    const missing = Object.keys(replacements).filter((name) => !Object.prototype.hasOwnProperty.call(original, name));
    if (missing.length) throw new Error(`${specifier} has no export named ${missing.join(', ')}: its replacement cannot apply`);
    const flat: Record<string, unknown> = {};
    for (const name of Object.getOwnPropertyNames(original)) {
      const descriptor = Object.getOwnPropertyDescriptor(original, name)!;
      const replace = Object.prototype.hasOwnProperty.call(replacements, name) ? replacements[name] : undefined;
      Object.defineProperty(flat, name, { value: replace ? replace(original[name]) : original[name], enumerable: descriptor.enumerable });
    }
    return Object.freeze(flat);
  });
  if (!substituted) return null;
  let flattened = flattenings.get(substituted.substitute);
  if (!flattened) {
    const { original, substitute: flat, earlyReaders } = substituted;
    flattened = { original, flat, earlyReaders, replaced: Object.keys(replacements) };
    flattenings.set(flat, flattened);
  }
  return flattened;
}

/**
 * The names whose value in `original` (read now, through its getters) is not the flat copy's,
 * replaced ones aside.
 */
export function divergentExports({ original, flat, replaced }: FlattenedPackage): string[] {
  return Object.getOwnPropertyNames(original).filter((name) => !replaced.includes(name) && !Object.is(original[name], flat[name]));
}

/**
 * The modules that loaded a dependency before its substitution, by dependency (substitutions not
 * made, null, and those with none are left out), or null when there are none: what an entry point
 * logs as a warning at start-up (correct either way, only slower).
 */
export function earlyReadersOf(substitutions: Record<string, { readonly earlyReaders: string[] } | null>): Record<string, string[]> | null {
  const early = Object.entries(substitutions).filter(([, substitution]) => substitution && substitution.earlyReaders.length > 0);
  return early.length ? Object.fromEntries(early.map(([name, substitution]) => [name, substitution!.earlyReaders])) : null;
}

/** The warning an entry point logs at start-up when `earlyReadersOf` names any module. */
const EARLY_READERS_WARNING = 'modules loaded a dependency before it was substituted: they run without the substitution (correct, slower)';

/** Logs `EARLY_READERS_WARNING` with the early readers of `substitutions`, if there are any. */
export function warnOfEarlyReaders(logger: Logger, substitutions: Record<string, { readonly earlyReaders: string[] } | null>): void {
  const earlyReaders = earlyReadersOf(substitutions);
  if (earlyReaders) logger.warn({ earlyReaders }, EARLY_READERS_WARNING);
}
