import { dirname, sep } from 'node:path';

/** A package whose `require` answer was replaced by `flattenReexports`. */
export interface FlattenedPackage {
  /** The module's own exports object, getters included (kept to check the copy against). */
  readonly original: Record<string, unknown>;
  /** What `require` answers from now on: the same values as plain, frozen properties. */
  readonly flat: Readonly<Record<string, unknown>>;
  /**
   * Modules outside the package's own folder that had required it already, and keep its getters:
   * load them after. (The package's own modules may require their index, as Apollo's do.)
   */
  readonly earlyReaders: string[];
}

/** The flattenings done, by flat copy: a second call for a package answers the first. */
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
 * The values are the same objects; only how they are read changes. A package that reassigns an
 * export after it has loaded (a live binding) must not be flattened: its new value would not be
 * seen. Packages that already required it keep the getters (correct, only slower): call this
 * before loading them. Outside Node's own module cache (Jest's registry, say) it changes nothing
 * and answers null.
 *
 * @param specifier the package, resolved as `requireFrom` resolves it.
 * @param requireFrom the `require` of the code that will load the package's callers.
 */
export function flattenReexports(specifier: string, requireFrom: NodeJS.Require): FlattenedPackage | null {
  const id = requireFrom.resolve(specifier);
  const original = requireFrom(specifier) as Record<string, unknown>;
  const done = flattenings.get(original);
  if (done) return done;
  const entry = requireFrom.cache[id];
  if (!entry || entry.exports !== original) return null;
  const flat: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(original)) {
    const descriptor = Object.getOwnPropertyDescriptor(original, name)!;
    Object.defineProperty(flat, name, { value: original[name], enumerable: descriptor.enumerable });
  }
  entry.exports = Object.freeze(flat);
  const folder = dirname(id) + sep;
  const earlyReaders = Object.values(requireFrom.cache)
    .filter((module) => module !== undefined && !module.id.startsWith(folder) && module.children.includes(entry))
    .map((module) => module!.id);
  const flattened = { original, flat, earlyReaders };
  flattenings.set(flat, flattened);
  return flattened;
}

/** The names whose value in `original` (read now, through its getters) is not the flat copy's. */
export function divergentExports({ original, flat }: FlattenedPackage): string[] {
  return Object.getOwnPropertyNames(original).filter((name) => !Object.is(original[name], flat[name]));
}
