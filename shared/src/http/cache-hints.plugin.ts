import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';

/**
 * The cache hints of a subgraph's answers, sent as `Cache-Control` (`max-age=30, public`): the
 * gateway restricts its response's policy by every subgraph answer it used, and its response cache
 * keeps anonymous reads no longer than that.
 *
 * - A query's fields may be cached for `maxAgeSeconds` (0: nothing is cacheable, `no-store`).
 * - A mutation is never cacheable.
 * - An answer to an authenticated caller is `private`: no shared cache may keep it (it can hold
 *   fields only that caller may read).
 * - An answer with errors is never cacheable (Apollo Server's rule).
 */
export function cacheHintsPlugins<TContext extends object>(maxAgeSeconds: number): ApolloServerPlugin<TContext>[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge: maxAgeSeconds }),
    {
      async requestDidStart({ request }) {
        const authenticated = Boolean(request.http?.headers.get('authorization'));
        return {
          // After execution: restricting the policy earlier would make Apollo's cache-control
          // plugin believe another layer had set it, and skip the fields' own hints.
          async executionDidStart({ operation, overallCachePolicy }) {
            return {
              async executionDidEnd() {
                if (operation?.operation !== 'query') overallCachePolicy.restrict({ maxAge: 0 });
                if (authenticated) overallCachePolicy.restrict({ scope: 'PRIVATE' });
              },
            };
          },
        };
      },
    },
  ];
}
