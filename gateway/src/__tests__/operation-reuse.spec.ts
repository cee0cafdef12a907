import { buildSchema, operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import { Kind, parse, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { reuseOperations } from '../operation-reuse';

/**
 * Apollo Gateway's executor builds the request's operation on every request; `reuseOperations`
 * keeps what was built per schema and definitions (by identity). Checked with federation-internals'
 * own `operationFromDocument`, called as the executor calls it.
 */
const SDL = `
  type Query { operator(code: String!): Operator }
  type Operator { code: String! members(first: Int, after: String): [Member!]! }
  type Member { name: String! population: Int }
`;
const QUERY = `query Page($after: String) { operator(code: "MEGALIS") { ...Members code } }
  fragment Members on Operator { members(first: 20, after: $after) { name population } }`;

/** The document as the executor hands it over: the operation, then its fragments, in a new object each time. */
function asExecutorSends(document: DocumentNode): DocumentNode {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
}

describe('reuseOperations', () => {
  const schema = buildSchema(SDL);
  const document = parse(QUERY);
  let build: jest.Mock<Operation, Parameters<typeof operationFromDocument>>;
  let reused: typeof operationFromDocument;

  beforeEach(() => {
    build = jest.fn(operationFromDocument);
    reused = reuseOperations<Schema, Operation>(build);
  });

  it('gives back the operation built for the same schema and definitions, equal to a fresh build', () => {
    const first = reused(schema, asExecutorSends(document), { validate: false });
    const second = reused(schema, asExecutorSends(document), { validate: false });
    expect(second).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
    expect(second.toString()).toBe(operationFromDocument(schema, asExecutorSends(document), { validate: false }).toString());
    expect(second.name).toBe('Page');
  });

  it('builds again for another schema (a supergraph update), or the same text parsed again', () => {
    const first = reused(schema, asExecutorSends(document), { validate: false });
    const otherSchema = buildSchema(SDL);
    expect(reused(otherSchema, asExecutorSends(document), { validate: false })).not.toBe(first);
    expect(reused(schema, asExecutorSends(parse(QUERY)), { validate: false })).not.toBe(first);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('builds again when the fragments that come with the operation are not the same nodes', () => {
    const first = reused(schema, asExecutorSends(document), { validate: false });
    const [operation] = asExecutorSends(document).definitions;
    const otherFragments = parse(QUERY).definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    const mixed: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...otherFragments] };
    expect(reused(schema, mixed, { validate: false })).not.toBe(first);
    const withoutFragments: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
    expect(() => reused(schema, withoutFragments, { validate: false })).toThrow(/Members/);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('passes every other call through unchanged: validating ones and named ones (the query planner’s)', () => {
    const validated = [reused(schema, document), reused(schema, document)];
    expect(validated[0]).not.toBe(validated[1]);
    const named = [reused(schema, document, { operationName: 'Page', validate: false }), reused(schema, document, { operationName: 'Page', validate: false })];
    expect(named[0]).not.toBe(named[1]);
    expect(build).toHaveBeenCalledTimes(4);
  });

  it('keeps nothing from a call that throws', () => {
    const unknownField = parse('{ operator(code: "X") { nope } }');
    expect(() => reused(schema, unknownField, { validate: false })).toThrow(/nope/);
    expect(() => reused(schema, unknownField, { validate: false })).toThrow(/nope/);
    expect(build).toHaveBeenCalledTimes(2);
  });
});
