import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, isUnionType, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, valueFromASTUntyped, visit } from 'graphql';
import { ErrorCode } from '../errors/error-code';

/**
 * Refusals of hostile requests that pass parsing and validation but would otherwise end as an
 * `INTERNAL_SERVER_ERROR` (README, "Hostile input"); each is HTTP 400 with a client code, decided
 * before anything is executed or any subgraph or database is reached:
 *
 * - an operation that cannot be resolved (an unknown `operationName`, several operations and no
 *   `operationName`, no operation): `OPERATION_RESOLUTION_FAILURE`, as Apollo Server answers for a
 *   schema of its own (Apollo Gateway's executor throws instead: a 500);
 * - an operation type the schema does not have (`subscription`; graphql-js 16 does not validate
 *   it): `GRAPHQL_VALIDATION_FAILED`;
 * - a string containing NUL (U+0000), in the variables or in a literal of the document: PostgreSQL
 *   text cannot hold it, so it would reach the database as an error: `BAD_USER_INPUT` naming it;
 * - in an operator subgraph, an `_entities` representation that is not an object naming one of its
 *   entity types (`@apollo/subgraph` throws for it): `BAD_USER_INPUT`.
 */
export function requestSafetyPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document, schema }) {
          if (!operation) throw unresolved(document, request.operationName);
          if (!schema.getRootType(operation.operation)) {
            throw refusal(`This API has no ${operation.operation} operations.`, 'GRAPHQL_VALIDATION_FAILED');
          }
          const variables = request.variables ?? {};
          const nulVariable = pathOfNul(variables);
          if (nulVariable !== null) throw nulRefusal(`$${nulVariable}`);
          if (documentHasNul(document)) throw nulRefusal('a string of the document');
          checkRepresentations(schema, document, operation, variables);
        },
      };
    },
  };
}

function refusal(message: string, code: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

function unresolved(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const message =
    operations.length === 0
      ? 'The document defines no operation.'
      : operationName
        ? `Unknown operation named ${JSON.stringify(operationName.slice(0, 100))}.`
        : 'Must provide operation name if query contains multiple operations.';
  return refusal(message, 'OPERATION_RESOLUTION_FAILURE');
}

function nulRefusal(where: string): GraphQLError {
  return refusal(`${where} contains the NUL character (U+0000), which no text field accepts.`, ErrorCode.BAD_USER_INPUT, { field: where });
}

/** The path (`filter.vendors.0`) of the first string holding U+0000, or null. Iterative: values may be deeply nested. */
function pathOfNul(root: Record<string, unknown>): string | null {
  const stack: [unknown, string][] = Object.entries(root).map(([key, value]) => [value, key]);
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, `${path}.${index}`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        stack.push([item, `${path}.${key}`]);
        if (key.includes('\u0000')) return `${path}.${JSON.stringify(key)}`;
      }
    }
  }
  return null;
}

/** Apollo Server keeps parsed documents: each is walked once. */
const nulVerdicts = new WeakMap<DocumentNode, boolean>();

function documentHasNul(document: DocumentNode): boolean {
  let verdict = nulVerdicts.get(document);
  if (verdict === undefined) {
    verdict = walkForNul(document);
    nulVerdicts.set(document, verdict);
  }
  return verdict;
}

function walkForNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

/**
 * `_entities(representations:)`: every representation an object whose `__typename` is one of the
 * schema's entity types (the `_Entity` union). Only where the schema has one (operator subgraphs).
 */
function checkRepresentations(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): void {
  const entityUnion = schema.getType('_Entity');
  if (!entityUnion || !isUnionType(entityUnion) || operation.operation !== 'query') return;
  const entityTypes = new Set(entityUnion.getTypes().map((type) => type.name));
  for (const field of rootFields(document, operation.selectionSet)) {
    if (field.name.value !== '_entities') continue;
    const argument = field.arguments?.find((candidate) => candidate.name.value === 'representations');
    if (!argument) continue;
    const value = argument.value.kind === Kind.VARIABLE ? variables[argument.value.name.value] : valueFromASTUntyped(argument.value, variables);
    if (!Array.isArray(value)) continue; // validation and coercion answer for it
    value.forEach((representation, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      const isObject = representation !== null && typeof representation === 'object' && !Array.isArray(representation);
      if (!isObject || typeof typename !== 'string' || !entityTypes.has(typename)) {
        throw refusal(`representations[${index}] must be an object whose __typename is an entity type of this subgraph.`, ErrorCode.BAD_USER_INPUT, {
          field: `representations.${index}`,
        });
      }
    });
  }
}

/** The root fields of a selection set, through fragments (spreads and inline). */
function rootFields(document: DocumentNode, selectionSet: SelectionSetNode) {
  const fragments = new Map(
    document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
  );
  const fields = [];
  const pending = [selectionSet];
  const seen = new Set<string>();
  while (pending.length) {
    for (const selection of pending.pop()!.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      }
    }
  }
  return fields;
}
