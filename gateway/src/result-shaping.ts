import type { GraphQLError } from 'graphql';

/**
 * Apollo Gateway's last step of every request, `computeResponse` (its `resultShaping` module):
 * the data fetched from the subgraphs, walked along the client's operation, becomes the response —
 * only the fields asked for, under their aliases, `__typename` resolved, `@skip`/`@include`
 * applied, a null in a non-null position bubbling up to the nearest nullable parent with an error.
 *
 * Measured on the benchmark's `operators` operation (a sampling heap profile of our gateway under
 * load): Apollo's version allocated 71% of everything the gateway allocates. Per object and per
 * field it builds an arguments object, a result object and the message closures of its assertions,
 * and filters the field's directives twice for `@skip` and `@include`. The scavenges that
 * allocation causes stop every request in flight.
 *
 * This is the same walk, with the same answers and the same errors, allocating only the response:
 * the selections of each selection set (their response names, types and conditions) are read once
 * per operation and kept with it; the recursion passes its arguments positionally and reports its
 * flags through the walk's state; an assertion's message is built only when it fails. It calls
 * the same functions of `@apollo/federation-internals` for everything that is not bookkeeping
 * (sub-typing, leaf validation, errors), and is checked against Apollo's own on the same inputs
 * (gateway/src/__tests__/result-shaping.spec.ts).
 */

/** The parts of `@apollo/federation-internals` the walk uses (the gateway passes its flat copy). */
export interface ShapingInternals {
  assert(condition: unknown, message: string | (() => string)): void;
  isNonNullType(type: unknown): boolean;
  isListType(type: unknown): boolean;
  isCompositeType(type: unknown): boolean;
  isObjectType(type: unknown): boolean;
  isSubtype(maybeSupertype: unknown, maybeSubtype: unknown): boolean;
  isValidLeafValue(schema: unknown, value: unknown, type: unknown): boolean;
  Variable: abstract new (...args: never[]) => { readonly name: string };
  ERRORS: { INVALID_GRAPHQL: { err(message: string, options: { path: (string | number)[] }): GraphQLError } };
  typenameFieldName: string;
}

/**
 * The prototype of every object of the response: empty, with no prototype of its own, so that no
 * response name (`constructor`, `toString`, an alias `__proto__`) finds an inherited property or
 * a setter, as with Apollo's `Object.create(null)`. Unlike `Object.create(null)`, whose objects V8
 * keeps in dictionary mode (a hash table per object), `Object.create(RESPONSE_PROTOTYPE)` gives
 * objects with fast properties: smaller, quicker to fill and to serialise. Measured in isolation
 * (100 objects of 5 fields, built then `JSON.stringify`ed, 2,000 times): 96–122 ms vs 56–67 ms.
 */
const RESPONSE_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** An empty response object (see `RESPONSE_PROTOTYPE`). */
function emptyResponseObject(): Record<string, unknown> {
  return Object.create(RESPONSE_PROTOTYPE) as Record<string, unknown>;
}

/** What Apollo Gateway passes to `computeResponse`. */
export interface ComputeResponseArguments {
  operation: ShapedOperation;
  variables?: Record<string, unknown>;
  input: Record<string, unknown> | null | undefined;
  introspectionHandling: (selection: unknown) => unknown;
}

export type ComputeResponse = (args: ComputeResponseArguments) => { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] };

/* Structural views of federation-internals' operation and schema objects, as far as the walk reads them. */
interface NamedSchemaType {
  readonly name: string;
}
interface ShapedSchema {
  type(name: string): NamedSchemaType | undefined;
  skipDirective(): { readonly name: string };
  includeDirective(): { readonly name: string };
  readonly schemaDefinition: { rootType(kind: string): NamedSchemaType | undefined };
}
interface AppliedDirective {
  readonly name: string;
  arguments(): Record<string, unknown>;
}
interface OperationElement {
  readonly kind: string;
  appliedDirectivesOf(definition: { readonly name: string }): readonly AppliedDirective[];
}
interface FieldElement extends OperationElement {
  readonly name: string;
  responseName(): string;
  readonly definition: { readonly type: unknown; isSchemaIntrospectionField(): boolean };
}
interface FragmentElement extends OperationElement {
  readonly typeCondition?: NamedSchemaType;
}
interface Selection {
  readonly kind: string;
  readonly element: OperationElement;
  readonly selectionSet?: SelectionSet;
}
interface SelectionSet {
  selections(): readonly Selection[];
}
export interface ShapedOperation {
  schema(): ShapedSchema;
  collectDefaultedVariableValues(): Record<string, unknown>;
  readonly selectionSet: SelectionSet;
  readonly rootKind: string;
}

/** `@skip(if:)` or `@include(if:)` of one selection: a constant, or a variable read per request. */
interface Condition {
  readonly directive: AppliedDirective;
  readonly ifArgument: unknown;
}

interface FieldStep {
  readonly field: true;
  readonly selection: Selection;
  readonly responseName: string;
  readonly isTypename: boolean;
  readonly isIntrospection: boolean;
  readonly type: unknown;
  readonly selectionSet: SelectionSet | undefined;
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
}

interface FragmentStep {
  readonly field: false;
  readonly typeCondition: NamedSchemaType | undefined;
  readonly selectionSet: SelectionSet;
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
}

type Step = FieldStep | FragmentStep;

/** One request's walk: its inputs, its errors, and the flags of the value shaped last. */
interface Walk {
  readonly schema: ShapedSchema;
  readonly operation: ShapedOperation;
  readonly requestVariables: Record<string, unknown> | undefined;
  variables: Record<string, unknown> | null;
  readonly errors: GraphQLError[];
  readonly introspectionHandling: (selection: unknown) => unknown;
  readonly path: (string | number)[];
  /** Set by `shapeValue` as it returns: the value is an invalid null (it must bubble up). */
  invalid: boolean;
  /** Set by `shapeValue` as it returns: the value's subtree had errors. */
  hasErrors: boolean;
}

/** Apollo Gateway's `computeResponse`, with the same results, on federation-internals' functions `internals`. */
export function createComputeResponse(internals: ShapingInternals): ComputeResponse {
  const { assert, isNonNullType, isListType, isCompositeType, isObjectType, isSubtype, isValidLeafValue, Variable, ERRORS } = internals;
  const TYPENAME = internals.typenameFieldName;
  /** Apollo's failed assertion (its error, its message), where the walk finds one. */
  const fail = (message: string): never => {
    assert(false, message);
    throw new Error(message);
  };
  const stepsBySelectionSet = new WeakMap<SelectionSet, readonly Step[]>();

  function stepsOf(selectionSet: SelectionSet, schema: ShapedSchema): readonly Step[] {
    let steps = stepsBySelectionSet.get(selectionSet);
    if (steps) return steps;
    steps = selectionSet.selections().map((selection): Step => {
      const element = selection.element;
      const skip = conditionOf(element, schema.skipDirective());
      const include = conditionOf(element, schema.includeDirective());
      if (selection.kind === 'FieldSelection') {
        const field = element as FieldElement;
        return {
          field: true,
          selection,
          responseName: field.responseName(),
          isTypename: field.name === TYPENAME,
          isIntrospection: field.definition.isSchemaIntrospectionField(),
          type: field.definition.type,
          selectionSet: selection.selectionSet,
          skip,
          include,
        };
      }
      return { field: false, typeCondition: (element as FragmentElement).typeCondition, selectionSet: selection.selectionSet!, skip, include };
    });
    stepsBySelectionSet.set(selectionSet, steps);
    return steps;
  }

  function conditionOf(element: OperationElement, definition: { readonly name: string }): Condition | undefined {
    const [directive] = element.appliedDirectivesOf(definition);
    return directive ? { directive, ifArgument: directive.arguments().if } : undefined;
  }

  function conditionValue(condition: Condition, walk: Walk): unknown {
    const { ifArgument } = condition;
    if (!(ifArgument instanceof Variable)) return ifArgument;
    // The operation's defaults under the request's variables, built once and only when read.
    walk.variables ??= { __proto__: null, ...walk.operation.collectDefaultedVariableValues(), ...walk.requestVariables };
    const value = walk.variables[ifArgument.name];
    if (value === undefined || typeof value !== 'boolean') fail(`Unexpected value ${value} for variable ${ifArgument} of ${condition.directive}`);
    return value;
  }

  function skipped(step: Step, walk: Walk): boolean {
    if (step.skip === undefined && step.include === undefined) return false;
    return Boolean((step.skip && conditionValue(step.skip, walk)) || (step.include && !conditionValue(step.include, walk)));
  }

  function typeConditionApplies(schema: ShapedSchema, typeCondition: NamedSchemaType | undefined, typename: string | undefined, parentType: NamedSchemaType): boolean {
    if (!typeCondition) return true;
    if (typename) {
      const type = schema.type(typename);
      return !!type && isSubtype(typeCondition, type);
    }
    return isSubtype(typeCondition, parentType);
  }

  function lastElementDescription(path: readonly (string | number)[], type: unknown, parentType: NamedSchemaType): string {
    const last = path[path.length - 1];
    if (last === undefined) fail('Should not have been called on an empty path');
    return typeof last === 'string' ? `field ${parentType}.${last}` : `array element of type ${type} at index ${last}`;
  }

  /** Fills `output` from `input` along `selectionSet`; true when a null must bubble up from it. */
  function applySelectionSet(input: Record<string, unknown>, selectionSet: SelectionSet, output: Record<string, unknown>, walk: Walk, parentType: NamedSchemaType): boolean {
    for (const step of stepsOf(selectionSet, walk.schema)) {
      if (skipped(step, walk)) continue;
      if (step.field) {
        const { responseName } = step;
        const outputValue = output[responseName];
        if (step.isIntrospection) {
          if (outputValue === undefined) output[responseName] = walk.introspectionHandling(step.selection);
          continue;
        }
        let inputValue = Object.prototype.hasOwnProperty.call(input, responseName) ? (input[responseName] ?? null) : null;
        if (step.isTypename) {
          if (outputValue === undefined) {
            if (inputValue === null && responseName !== TYPENAME) inputValue = input[TYPENAME] ?? null;
            const type = inputValue !== null && typeof inputValue === 'string' ? (walk.schema.type(inputValue) ?? parentType) : parentType;
            if (!isObjectType(type)) return true;
            output[responseName] = type.name;
          }
          continue;
        }
        walk.path.push(responseName);
        const updated = shapeValue(outputValue, step.type, inputValue, step.selectionSet, walk, parentType);
        output[responseName] = updated;
        walk.path.pop();
        if (walk.invalid) return true;
      } else {
        const typename = input[TYPENAME];
        if (typename && typeof typename !== 'string') fail(`Got unexpected value for __typename: ${typename}`);
        if (typeConditionApplies(walk.schema, step.typeCondition, typename as string | undefined, parentType)) {
          if (applySelectionSet(input, step.selectionSet, output, walk, step.typeCondition ?? parentType)) return true;
        }
      }
    }
    return false;
  }

  function done(walk: Walk, value: unknown, invalid: boolean, hasErrors: boolean): unknown {
    walk.invalid = invalid;
    walk.hasErrors = hasErrors;
    return value;
  }

  /** The output value of one position; `walk.invalid` and `walk.hasErrors` describe it on return. */
  function shapeValue(outputValue: unknown, type: unknown, inputValue: unknown, selectionSet: SelectionSet | undefined, walk: Walk, parentType: NamedSchemaType): unknown {
    if (inputValue === undefined) fail('Should not pass undefined for `inputValue` to this method');
    if (outputValue === null || (outputValue !== undefined && !selectionSet)) return done(walk, outputValue, false, false);
    if (isNonNullType(type)) {
      const inner = (type as { ofType: unknown }).ofType;
      const updated = shapeValue(outputValue, inner, inputValue, selectionSet, walk, parentType);
      if (updated === null) {
        if (!walk.hasErrors) {
          walk.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${lastElementDescription(walk.path, inner, parentType)}.`, { path: Array.from(walk.path) }),
          );
        }
        return done(walk, null, true, true);
      }
      return done(walk, updated, false, false);
    }
    if (inputValue === null) return done(walk, null, false, false);
    if (isListType(type)) {
      const inner = (type as { ofType: unknown }).ofType;
      if (!Array.isArray(inputValue)) fail(`Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
      if (outputValue !== undefined && !Array.isArray(outputValue)) fail(`Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
      const inputList = inputValue as unknown[];
      const outputList = outputValue as unknown[] | undefined;
      const length = inputList.length;
      if (outputList !== undefined && outputList.length !== length) fail(`[${inputValue}].length (${length}) !== [${outputList}].length (${outputList.length})`);
      let nullify = false;
      let hasErrors = false;
      const updated: unknown[] = [];
      for (let index = 0; index < length; index++) {
        walk.path.push(index);
        updated.push(shapeValue(outputList === undefined ? undefined : outputList[index], inner, inputList[index], selectionSet, walk, parentType));
        walk.path.pop();
        nullify ||= walk.invalid;
        hasErrors ||= walk.hasErrors;
      }
      return done(walk, nullify ? null : updated, false, hasErrors);
    }
    if (isCompositeType(type)) {
      if (!selectionSet) fail(`Invalid empty selection set for composite type ${type}`);
      if (typeof inputValue !== 'object') fail(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
      if (outputValue !== undefined && typeof outputValue !== 'object') fail(`Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
      const input = inputValue as Record<string, unknown>;
      const inputTypename = input[TYPENAME];
      if (inputTypename !== undefined && typeof inputTypename !== 'string') fail(`Invalid non-string value ${inputTypename} for __typename at ${walk.path}`);
      let objectType = type as NamedSchemaType;
      if (inputTypename) {
        const named = walk.schema.type(inputTypename as string);
        if (!named || !isCompositeType(named)) {
          walk.errors.push(
            ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${lastElementDescription(walk.path, type, parentType)}.`, { path: Array.from(walk.path) }),
          );
          return done(walk, null, false, true);
        }
        objectType = named;
      }
      const output = outputValue === undefined ? emptyResponseObject() : (outputValue as Record<string, unknown>);
      const bubbled = applySelectionSet(input, selectionSet!, output, walk, objectType);
      return done(walk, bubbled ? null : output, false, bubbled);
    }
    if (outputValue !== undefined) fail(`Excepted output to be undefined but got ${type} for type ${type}`);
    const valid = isValidLeafValue(walk.schema, inputValue, type);
    if (!valid) {
      walk.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${lastElementDescription(walk.path, type, parentType)}.`, { path: Array.from(walk.path) }));
    }
    return done(walk, valid ? inputValue : null, false, !valid);
  }

  return ({ operation, variables, input, introspectionHandling }) => {
    if (!input) return { data: input, errors: [] };
    const schema = operation.schema();
    const walk: Walk = {
      schema,
      operation,
      requestVariables: variables,
      variables: null,
      errors: [],
      introspectionHandling,
      path: [],
      invalid: false,
      hasErrors: false,
    };
    const data = emptyResponseObject();
    const bubbled = applySelectionSet(input, operation.selectionSet, data, walk, schema.schemaDefinition.rootType(operation.rootKind)!);
    return { data: bubbled ? null : data, errors: walk.errors };
  };
}
