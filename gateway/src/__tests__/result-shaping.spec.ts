import * as internals from '@apollo/federation-internals';
import { operationFromDocument, Supergraph, type NamedType, type Operation, type Schema, type Type } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { EXAMPLE_OPERATIONS } from '../../../examples/example-operations';
import { readSupergraphSdl } from '../supergraph-file';
import { createComputeResponse, type ComputeResponse, type ComputeResponseArguments, type ShapingInternals } from '../result-shaping';

/**
 * Our `computeResponse` against Apollo Gateway's own, on the same operations of the real API schema
 * and the same inputs: generated subgraph data (extra fields, `__typename` of interface members,
 * nulls where the schema forbids them, values of the wrong type, aliases, fragments, `@skip` and
 * `@include` on variables). The same JSON text (key order included), the same errors (message and
 * path), or the same exception.
 */
// Apollo Gateway's module, required as its executor requires it (the package has no exports map).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const apollo: { computeResponse: ComputeResponse } = require('@apollo/gateway/dist/resultShaping');
const ours = createComputeResponse(internals as unknown as ShapingInternals);

const apiSchema: Schema = Supergraph.build(readSupergraphSdl()).apiSchema();

/** A small deterministic generator (mulberry32): the same inputs on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generator {
  next: () => number;
  /** How often a value is null (also where the schema says non-null) or of the wrong type. */
  faults: number;
}

/** Subgraph-like data for a selection set on `type`: what the fetches of a plan merge into. */
function dataFor(selectionSet: internals.SelectionSet, type: NamedType, gen: Generator): Record<string, unknown> {
  const runtime = runtimeTypeOf(type, gen);
  // A subgraph names the type of an interface's or a union's member; of a plain object, not always.
  const object: Record<string, unknown> = runtime === type && gen.next() < 0.5 ? {} : { __typename: runtime.name };
  if (gen.next() < 0.2) object.id = 'extra-key-field'; // a key fetched for an entity call
  fill(object, selectionSet, runtime, gen);
  return object;
}

function fill(object: Record<string, unknown>, selectionSet: internals.SelectionSet, runtime: NamedType, gen: Generator): void {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      if (field.name === '__typename') {
        if (gen.next() < 0.5) object[field.responseName()] = runtime.name;
        continue;
      }
      if (field.definition.isSchemaIntrospectionField()) continue;
      if (gen.next() < gen.faults / 2) continue; // missing altogether
      object[field.responseName()] = valueFor(field.definition.type!, selection.selectionSet, gen);
    } else {
      const condition = selection.element.typeCondition;
      if (!condition || internals.isSubtype(condition, runtime as never) || gen.next() < 0.2) fill(object, selection.selectionSet, runtime, gen);
    }
  }
}

function valueFor(type: Type, selectionSet: internals.SelectionSet | undefined, gen: Generator): unknown {
  if (gen.next() < gen.faults) return null;
  if (internals.isNonNullType(type)) return valueFor(type.ofType, selectionSet, { ...gen, faults: gen.faults / 4 });
  if (internals.isListType(type)) return Array.from({ length: Math.floor(gen.next() * 4) }, () => valueFor(type.ofType, selectionSet, gen));
  if (internals.isCompositeType(type)) return dataFor(selectionSet!, type, gen);
  if (gen.next() < gen.faults / 2) return { wrong: 'type' };
  if (internals.isEnumType(type)) return type.values[Math.floor(gen.next() * type.values.length)].name;
  switch (type.name) {
    case 'Int':
      return Math.floor(gen.next() * 100_000);
    case 'Float':
      return gen.next() * 100;
    case 'Boolean':
      return gen.next() < 0.5;
    default:
      return `text ${Math.floor(gen.next() * 1000)}`;
  }
}

function runtimeTypeOf(type: NamedType, gen: Generator): NamedType {
  if (internals.isInterfaceType(type) || internals.isUnionType(type)) {
    const possible: readonly NamedType[] = internals.isUnionType(type) ? type.types() : type.possibleRuntimeTypes();
    return possible[Math.floor(gen.next() * possible.length)];
  }
  return type;
}

function outcome(compute: ComputeResponse, args: ComputeResponseArguments): unknown {
  try {
    const { data, errors } = compute(args);
    // The response as a client reads it: the JSON text, so that the order of the keys counts too.
    return { data: JSON.stringify(data ?? null), errors: errors.map((error) => ({ message: error.message, path: error.path })) };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

const HANDWRITTEN = [
  {
    name: 'aliases, repeated fields, fragments and conditions',
    query: `query Conditions($withVendors: Boolean!, $skipCounts: Boolean = false) {
      first: operators { code alias: name ...Directory @include(if: $withVendors) }
      operators { code memberCount @skip(if: $skipCounts) members(first: 3) { nodes { name ... on Member { name population } } } }
      statistics { __typename kind: __typename }
      search(text: "saint", first: 5) { nodes { __typename ... on Member { kind: __typename name } } }
    }
    fragment Directory on Operator { __typename code region { name } }`,
    variables: [{ withVendors: true }, { withVendors: false, skipCounts: true }, { withVendors: true, skipCounts: false }],
  },
  {
    // Response names that are properties of Object.prototype: the response's objects inherit none.
    name: 'aliases named like inherited properties',
    query: `{ operators { constructor: code toString: name __proto__: code hasOwnProperty: name valueOf: memberCount } }`,
    variables: [{}],
  },
  {
    name: 'a constant @skip and an unused condition',
    query: `{ operators { code @skip(if: true) name @include(if: true) } }`,
    variables: [{}],
  },
];

const cases = [
  ...EXAMPLE_OPERATIONS.map((example) => ({ name: `example ${example.name}`, query: example.query, variables: [example.variables ?? {}] })),
  ...HANDWRITTEN,
];

describe('computeResponse: ours gives what Apollo Gateway gives', () => {
  it.each(cases)('$name', ({ query, variables }) => {
    const operation: Operation = operationFromDocument(apiSchema, parse(query), { validate: true });
    const introspectionHandling = () => ({ introspected: true });
    let compared = 0;
    for (const [round, faults] of [0, 0.05, 0.3].entries()) {
      for (let seed = 0; seed < 40; seed++) {
        const gen = { next: random(seed * 7 + round), faults };
        const input = dataFor(operation.selectionSet, operation.schema().schemaDefinition.rootType(operation.rootKind)!, gen);
        for (const vars of variables) {
          const args = { operation: operation as never, variables: vars, input, introspectionHandling };
          expect(outcome(ours, args)).toEqual(outcome(apollo.computeResponse, args));
          compared++;
        }
      }
    }
    expect(compared).toBe(120 * variables.length);
  });

  it('throws what Apollo throws on a condition variable that is not a boolean, and answers an empty input as it does', () => {
    const operation = operationFromDocument(apiSchema, parse('query($on: Boolean!) { operators { code @include(if: $on) } }'), { validate: true });
    const args = { operation: operation as never, variables: { on: 'yes' }, input: { operators: [{ code: 'MEGALIS' }] }, introspectionHandling: () => null };
    expect(outcome(ours, args)).toEqual(outcome(apollo.computeResponse, args));
    expect(outcome(ours, args)).toEqual({ threw: expect.stringContaining('Unexpected value yes for variable $on') });
    for (const input of [null, undefined]) {
      const empty = { ...args, variables: { on: true }, input };
      expect(ours(empty)).toEqual(apollo.computeResponse(empty));
    }
  });

  it('reads the selections of a selection set once per operation, not per object', () => {
    const operation = operationFromDocument(apiSchema, parse('{ operators { code name } }'), { validate: true });
    const [operatorsSelection] = operation.selectionSet.selections();
    const inner = operatorsSelection.selectionSet!;
    const selections = jest.spyOn(inner, 'selections');
    const compute = createComputeResponse(internals as unknown as ShapingInternals);
    const input = { operators: Array.from({ length: 50 }, (_, index) => ({ __typename: 'MegalisOperator', code: 'MEGALIS', name: `n${index}` })) };
    compute({ operation: operation as never, input, introspectionHandling: () => null });
    compute({ operation: operation as never, input, introspectionHandling: () => null });
    expect(selections).toHaveBeenCalledTimes(1);
  });
});
