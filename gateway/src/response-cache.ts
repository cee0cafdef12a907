import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { Counter } from 'prom-client';
import type { GatewayContext } from './gateway-context';

export interface ResponseCache {
  /** Apollo's response-cache plugin, and the plugin that invalidates it after a mutation. */
  readonly plugins: ApolloServerPlugin<GatewayContext>[];
  /** Forgets every cached answer (the next read of each is computed afresh). */
  invalidate(): void;
}

/**
 * The gateway's response cache for anonymous reads (`RESPONSE_CACHE_MIB`, 0 turns it off), with
 * Apollo's response-cache plugin over a bounded in-memory LRU store:
 *
 * - Only anonymous queries are read from or written to it: a request with an `Authorization`
 *   header always runs (its answer may hold fields only that caller may read, and an author must
 *   see their own change at once).
 * - An answer is kept only as long as every subgraph answer it was built from allows: each
 *   subgraph sends `Cache-Control: max-age=…` (`CACHE_MAX_AGE`, 30 s in production, 0 elsewhere)
 *   and the gateway's data sources restrict the request's cache policy by it. Answers with errors
 *   (an operator down, a refused field) are never kept.
 * - Any mutation through this gateway invalidates the whole cache (a generation number in every
 *   key), so the next anonymous read sees it. Other gateway processes (cluster workers, replicas)
 *   keep theirs until the max age passes: the staleness bound is `CACHE_MAX_AGE`.
 */
export function createResponseCache(maxMiB: number, hits?: Counter<'outcome'>): ResponseCache | null {
  if (maxMiB <= 0) return null;
  let generation = 0;
  const store = new InMemoryLRUCache<string>({ maxSize: maxMiB * 2 ** 20 });
  // The plugin's key serialises the variables recursively: huge or deeply nested ones (refused by
  // validation a moment later anyway) are kept out of it.
  const anonymous = async (requestContext: GraphQLRequestContext<GatewayContext>) =>
    !requestContext.request.http?.headers.get('authorization') && isSmall(requestContext.request.variables);
  const invalidate = () => {
    generation += 1;
    store.clear();
  };
  return {
    invalidate,
    plugins: [
      responseCachePlugin<GatewayContext>({
        cache: store,
        // Anonymous answers only, shared by every anonymous caller.
        sessionId: async () => null,
        shouldReadFromCache: anonymous,
        shouldWriteToCache: anonymous,
        extraCacheKeyData: async () => generation,
      }),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ operation, response }) {
              if (operation && operation.operation !== 'query') invalidate();
              if (hits && operation?.operation === 'query') hits.inc({ outcome: response.http.headers.has('age') ? 'hit' : 'miss' });
            },
          };
        },
      },
    ],
  };
}

/** At most 1,000 values, nested at most 16 deep (an iterative walk: no recursion to overflow). */
export function isSmall(variables: unknown, maxValues = 1_000, maxDepth = 16): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value: variables, depth: 0 }];
  let seen = 0;
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (++seen > maxValues || depth > maxDepth) return false;
    if (value && typeof value === 'object') {
      for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return true;
}
