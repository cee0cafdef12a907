import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { divergentExports, flattenReexports } from '../flat-exports';

/**
 * A package laid out as TypeScript compiles `export * from './parts'` to CommonJS: one getter per
 * name, all the same function; plus a name reassigned after loading (a live binding).
 */
function writePackage(dir: string): void {
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'parts.js'),
    `exports.version = 1;
exports.double = (n) => n * 2;
exports.Shape = class Shape {};
exports.bump = () => { exports.version += 1; };`,
  );
  // The package's own module that requires its index (as Apollo's do) is no early reader.
  writeFileSync(join(dir, 'inner.js'), `exports.index = require('./index.js');`);
  writeFileSync(
    join(dir, 'index.js'),
    `const parts = require('./parts');
Object.defineProperty(exports, '__esModule', { value: true });
for (const name of Object.keys(parts)) Object.defineProperty(exports, name, { enumerable: true, get: function () { return parts[name]; } });
require('./inner.js');`,
  );
}

describe('flattenReexports', () => {
  let dir: string;
  let nodeRequire: NodeJS.Require;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flat-exports-'));
    writePackage(join(dir, 'pkg'));
    // Node's own require (Jest's would not use Node's module cache).
    nodeRequire = createRequire(join(dir, 'caller.js'));
  });

  afterEach(() => {
    for (const id of Object.keys(nodeRequire.cache)) if (id.startsWith(dir)) delete nodeRequire.cache[id];
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes later requires answer the same values as plain, frozen properties', () => {
    const original = nodeRequire('./pkg/index.js');
    const flattened = flattenReexports('./pkg/index.js', nodeRequire)!;
    expect(flattened.original).toBe(original);
    const again = nodeRequire('./pkg/index.js');
    expect(again).toBe(flattened.flat);
    expect(again).not.toBe(original);
    expect(Object.isFrozen(again)).toBe(true);
    for (const name of ['version', 'double', 'Shape']) {
      expect(Object.getOwnPropertyDescriptor(again, name)).toEqual({ value: original[name], enumerable: true, writable: false, configurable: false });
    }
    // The marker that tells interop helpers it is an ES module, kept and still not enumerable.
    expect(again.__esModule).toBe(true);
    expect(Object.keys(again)).toEqual(Object.keys(original));
    expect(again.double(21)).toBe(42);
    expect(divergentExports(flattened)).toEqual([]);
    expect(flattened.earlyReaders).toEqual([]);
  });

  it('names the modules that required the package before it was flattened (they keep the getters)', () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'early.js'), `exports.parts = require('../pkg/index.js');`);
    const early = nodeRequire('./app/early.js');
    const flattened = flattenReexports('./pkg/index.js', nodeRequire)!;
    expect(flattened.earlyReaders).toEqual([join(dir, 'app', 'early.js')]);
    expect(early.parts).toBe(flattened.original);
  });

  it('tells a reassigned export (a live binding it cannot follow) apart', () => {
    const flattened = flattenReexports('./pkg/index.js', nodeRequire)!;
    (flattened.original.bump as () => void)();
    expect(divergentExports(flattened)).toEqual(['version']);
    expect(flattened.flat.version).toBe(1);
    expect(flattened.original.version).toBe(2);
  });

  it('changes nothing when the module cache does not hold the package it loaded', () => {
    const original = nodeRequire('./pkg/index.js');
    const foreign = Object.assign((id: string) => (id === './pkg/index.js' ? original : nodeRequire(id)), {
      resolve: nodeRequire.resolve,
      cache: {},
      main: undefined,
      extensions: nodeRequire.extensions,
    }) as unknown as NodeJS.Require;
    expect(flattenReexports('./pkg/index.js', foreign)).toBeNull();
    expect(nodeRequire('./pkg/index.js')).toBe(original);
  });

  it('is applied once: a second call answers the first flattening', () => {
    const first = flattenReexports('./pkg/index.js', nodeRequire)!;
    expect(flattenReexports('./pkg/index.js', nodeRequire)).toBe(first);
    expect(nodeRequire('./pkg/index.js')).toBe(first.flat);
  });
});
