import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { execute, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from './gateway-context';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

const MAX_CACHED_DOCUMENTS = 1000;

/**
 * The in-process partnership subgraph, as a data source of the gateway. Unlike Apollo's
 * LocalGraphQLDataSource, which parses and validates the plan's partnership operation on every
 * request, it keeps parsed and validated documents (the plan's operations are few and fixed), and
 * identical reads in flight at the same time (same operation, variables and `Authorization`) share
 * one execution: its fan-out to the operators runs once. Operators it found unreachable are
 * reported to every request that shared it. Mutations are never shared.
 */
export class PartnershipDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly documents = new Map<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>();
  private readonly inFlight = new Map<string, Promise<{ response: Response; unavailable: string[] }>>();

  constructor(private readonly schema: GraphQLSchema) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<Response> {
    const { request } = options;
    const context = options.context as GatewayContext | undefined;
    const prepared = this.prepare(request.query ?? '');
    if ('errors' in prepared) return { errors: prepared.errors };
    const isRead = prepared.document.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'query');
    if (!isRead) return this.run(prepared.document, request, context).then(({ response }) => response);

    const key = JSON.stringify([request.query, request.variables ?? null, request.operationName ?? null, context?.authorization ?? null]);
    let shared = this.inFlight.get(key);
    const leader = !shared;
    if (!shared) {
      shared = this.run(prepared.document, request, context).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, shared);
    }
    const { response, unavailable } = await shared;
    for (const operator of unavailable) context?.unavailableOperators?.add(operator);
    return leader ? response : structuredClone(response);
  }

  private async run(document: DocumentNode, request: GraphQLDataSourceProcessOptions<GatewayContext>['request'], context: GatewayContext | undefined) {
    // Its own record of unreachable operators, so that sharers get exactly this execution's.
    const unavailableOperators = new Set<string>();
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: { ...context, unavailableOperators },
    });
    return { response: result as Response, unavailable: [...unavailableOperators] };
  }

  private prepare(query: string) {
    let prepared = this.documents.get(query);
    if (!prepared) {
      try {
        const document = parse(query);
        const errors = validate(this.schema, document);
        prepared = errors.length ? { errors } : { document };
      } catch (error) {
        prepared = { errors: [error as GraphQLError] };
      }
      if (this.documents.size >= MAX_CACHED_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(query, prepared);
    }
    return prepared;
  }
}
