import type { DefinitionNode, DocumentNode } from 'graphql';

/** `operationFromDocument` of `@apollo/federation-internals`, as far as this file needs it. */
export type BuildOperation<TSchema extends object, TOperation> = (
  schema: TSchema,
  document: DocumentNode,
  options?: { operationName?: string; validate?: boolean },
) => TOperation;

/**
 * Apollo Gateway's executor turns the request's operation into federation-internals' own
 * representation on every request, its query plan cached or not:
 * `operationFromDocument(apiSchema, { definitions: [operation, ...fragments] }, { validate: false })`.
 * The definitions are those of Apollo Server's parsed document, which it keeps per query text: the
 * same nodes come back for the same query. This wrapper keeps what that call built per schema and
 * definitions (by identity), and gives it back when they come again. Measured on the benchmark's
 * one-operator page, against a canned subgraph: about 5% of the gateway's CPU per request.
 *
 * Sound because both sides are immutable: graphql-js never changes a parsed document, and the
 * executor only reads the operation (result shaping, conditions). Any other call (validating,
 * naming an operation: the query planner's) goes to `build` unchanged. Nothing is kept once the
 * document is gone (weak keys), and a call that throws keeps nothing.
 */
export function reuseOperations<TSchema extends object, TOperation>(build: BuildOperation<TSchema, TOperation>): BuildOperation<TSchema, TOperation> {
  const built = new WeakMap<DefinitionNode, WeakMap<TSchema, { definitions: readonly DefinitionNode[]; operation: TOperation }>>();
  return (schema, document, options) => {
    const [first] = document.definitions;
    if (options?.validate !== false || options.operationName !== undefined || first === undefined) return build(schema, document, options);
    let bySchema = built.get(first);
    const kept = bySchema?.get(schema);
    if (kept && sameNodes(kept.definitions, document.definitions)) return kept.operation;
    const operation = build(schema, document, options);
    if (!bySchema) built.set(first, (bySchema = new WeakMap()));
    bySchema.set(schema, { definitions: [...document.definitions], operation });
    return operation;
  };
}

function sameNodes(a: readonly DefinitionNode[], b: readonly DefinitionNode[]): boolean {
  return a.length === b.length && a.every((node, index) => node === b[index]);
}
