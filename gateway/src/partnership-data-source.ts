import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { execute, parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { readSharingKey, SharedReads } from '../../shared/src/http/shared-reads';
import { type CacheHint, CachePolicyAccumulator } from '../../shared/src/http/graphql-http-client';
import { BoundedMemo } from '../../shared/src/runtime/bounded-memo';
import type { GatewayContext } from './gateway-context';
import { restrictCachePolicy } from './operator-data-source';

type Response = Awaited<ReturnType<GraphQLDataSource['process']>>;

const MAX_CACHED_DOCUMENTS = 1000;

interface Execution {
  response: Response;
  unavailable: string[];
  hint: CacheHint;
}

/**
 * The in-process partnership subgraph, as a data source of the gateway. Unlike Apollo's
 * LocalGraphQLDataSource, which parses and validates the plan's partnership operation on every
 * request, it keeps parsed and validated documents (the plan's operations are few and fixed), and
 * identical reads in flight at the same time (same operation, variables and `Authorization`) share
 * one execution: its fan-out to the operators runs once. Operators it found unreachable are
 * reported to every request that shared it. Mutations are never shared. The answer's cache policy
 * is no looser than the operator answers it was built from (and `private` for an authenticated
 * caller, uncacheable for a mutation).
 */
export class PartnershipDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly documents = new BoundedMemo<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>(MAX_CACHED_DOCUMENTS);
  private readonly shared = new SharedReads<Execution>();

  /**
   * @param cacheMaxAgeSeconds `CACHE_MAX_AGE`: how long an anonymous answer built from the registry
   *   alone may be cached; answers built from operator data are restricted by the operators' hints.
   * @param deduplicate identical reads in flight share one execution (on unless turned off).
   */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly cacheMaxAgeSeconds = 0,
    private readonly deduplicate = true,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<Response> {
    const { request } = options;
    const context = options.context as GatewayContext | undefined;
    const prepared = this.prepare(request.query ?? '');
    if ('errors' in prepared) return { errors: prepared.errors };
    const isRead = prepared.document.definitions.every((d) => d.kind !== 'OperationDefinition' || d.operation === 'query');
    const key =
      isRead && this.deduplicate
        ? readSharingKey({ query: request.query ?? '', variables: request.variables, operationName: request.operationName, authorization: context?.authorization })
        : null;
    // Only when shared: the answer's JSON, each sharer's response parsed from it; the operators
    // and the hint are read only.
    const { response, unavailable, hint } = await this.shared.run(
      key,
      () => this.run(prepared.document, request, context),
      (execution) => {
        const json = JSON.stringify(execution.response);
        return () => ({ ...execution, response: JSON.parse(json) as Response });
      },
    );
    for (const operator of unavailable) context?.unavailableOperators?.add(operator);
    restrictCachePolicy(options, isRead ? hint : { maxAge: 0 });
    return response;
  }

  private async run(document: DocumentNode, request: GraphQLDataSourceProcessOptions<GatewayContext>['request'], context: GatewayContext | undefined): Promise<Execution> {
    // Its own record of unreachable operators and cache hints, so that sharers get exactly this execution's.
    const unavailableOperators = new Set<string>();
    const cachePolicy = new CachePolicyAccumulator(this.cacheMaxAgeSeconds);
    if (context?.authorization) cachePolicy.restrict({ maxAge: this.cacheMaxAgeSeconds, scope: 'PRIVATE' });
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: { ...context, unavailableOperators, cachePolicy },
    });
    // What a remote partnership subgraph would send: errors in their serialised form (message,
    // locations, path, extensions), not GraphQLError instances.
    const response = (result.errors ? { ...result, errors: result.errors.map((error) => error.toJSON()) } : result) as Response;
    return { response, unavailable: [...unavailableOperators], hint: cachePolicy.hint };
  }

  private prepare(query: string) {
    return this.documents.remember(query, () => {
      try {
        const document = parse(query);
        const errors = validate(this.schema, document);
        return errors.length ? { errors } : { document };
      } catch (error) {
        return { errors: [error as GraphQLError] };
      }
    });
  }
}
