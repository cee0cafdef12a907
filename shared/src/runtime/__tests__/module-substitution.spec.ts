import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../logging/logger';
import { divergentExports, earlyReadersOf, flattenReexports, substituteModule, warnOfEarlyReaders } from '../module-substitution';

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

// Both fixtures in a scratch folder per test, loaded with Node's own require (Jest's would not use
// Node's module cache), and dropped from that cache afterwards.
let dir: string;
let nodeRequire: NodeJS.Require;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'module-substitution-'));
  writePackage(join(dir, 'pkg'));
  mkdirSync(join(dir, 'greeter'));
  // A module whose export is a function, as `negotiator`'s is.
  writeFileSync(join(dir, 'greeter', 'index.js'), `module.exports = function greet(name) { return 'hello ' + name; };`);
  nodeRequire = createRequire(join(dir, 'caller.js'));
});

afterEach(() => {
  for (const id of Object.keys(nodeRequire.cache)) if (id.startsWith(dir)) delete nodeRequire.cache[id];
  rmSync(dir, { recursive: true, force: true });
});

describe('flattenReexports', () => {
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
    expect(flattened.replaced).toEqual([]);
  });

  it('holds what a replacement makes of an export, and tells it apart from a live binding', () => {
    const original = nodeRequire('./pkg/index.js');
    const flattened = flattenReexports('./pkg/index.js', nodeRequire, { double: (double) => (n: number) => (double as (n: number) => number)(n) + 1 })!;
    const again = nodeRequire('./pkg/index.js');
    expect(again.double(21)).toBe(43);
    expect(original.double(21)).toBe(42);
    expect(again.version).toBe(original.version);
    expect(Object.isFrozen(again)).toBe(true);
    expect(flattened.replaced).toEqual(['double']);
    // The replaced export differs on purpose: not reported; a reassigned one still is.
    expect(divergentExports(flattened)).toEqual([]);
    (original.bump as () => void)();
    expect(divergentExports(flattened)).toEqual(['version']);
  });

  it('refuses a replacement of an export the package does not have, and changes nothing', () => {
    const original = nodeRequire('./pkg/index.js');
    expect(() => flattenReexports('./pkg/index.js', nodeRequire, { triple: (value) => value })).toThrow('./pkg/index.js has no export named triple');
    expect(nodeRequire('./pkg/index.js')).toBe(original);
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

describe('substituteModule', () => {
  it('makes later requires answer what `make` built from the original, once', () => {
    const make = jest.fn((greet: (name: string) => string) => (name: string) => greet(name).toUpperCase());
    const substituted = substituteModule('./greeter/index.js', nodeRequire, make)!;
    expect(substituted.original('you')).toBe('hello you');
    expect(nodeRequire('./greeter/index.js')).toBe(substituted.substitute);
    expect(nodeRequire('./greeter/index.js')('you')).toBe('HELLO YOU');
    expect(substituteModule('./greeter/index.js', nodeRequire, make)).toBe(substituted);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('changes nothing when `make` throws', () => {
    const original = nodeRequire('./greeter/index.js');
    expect(() =>
      substituteModule('./greeter/index.js', nodeRequire, () => {
        throw new Error('cannot');
      }),
    ).toThrow('cannot');
    expect(nodeRequire('./greeter/index.js')).toBe(original);
  });

  it('names the modules that loaded it before (they keep the original), for the start-up warning', () => {
    writeFileSync(join(dir, 'early.js'), `exports.greet = require('./greeter/index.js');`);
    const early = nodeRequire('./early.js');
    const substituted = substituteModule('./greeter/index.js', nodeRequire, (greet: (name: string) => string) => (name: string) => greet(name))!;
    expect(substituted.earlyReaders).toEqual([join(dir, 'early.js')]);
    expect(early.greet).toBe(substituted.original);
    expect(earlyReadersOf({ greeter: substituted, other: { earlyReaders: [] }, absent: null })).toEqual({ greeter: [join(dir, 'early.js')] });
    expect(earlyReadersOf({ other: { earlyReaders: [] }, absent: null })).toBeNull();
    const warn = jest.fn();
    warnOfEarlyReaders({ warn } as unknown as Logger, { greeter: substituted });
    warnOfEarlyReaders({ warn } as unknown as Logger, { other: { earlyReaders: [] } });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({ earlyReaders: { greeter: [join(dir, 'early.js')] } }, expect.stringMatching(/before it was substituted/));
  });
});
