import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { type GraphQLSchema, isObjectType, isInterfaceType, type ASTNode } from 'graphql';
import { cacheControlHeader } from './graphql-http-client';

/**
 * The cache hints of a subgraph's answers, sent as `Cache-Control` (`max-age=30, public`): the
 * gateway restricts its response's policy by every subgraph answer it used, and its response cache
 * keeps anonymous reads no longer than that.
 *
 * - A query may be cached for `maxAgeSeconds` (0: nothing is cacheable, `no-store`), or less when
 *   something restricted the request's policy during execution (the partnership subgraph restricts
 *   it by the operator answers it used).
 * - A mutation is never cacheable.
 * - An answer to an authenticated caller is `private`: no shared cache may keep it (it can hold
 *   fields only that caller may read).
 * - An answer with errors, or to a request that did not execute, is never cacheable.
 *
 * The policy is the operation's, not its fields': our schemas carry no `@cacheControl` hint and no
 * resolver sets one, so every field a query resolves has `maxAgeSeconds` and the operation too.
 * That is what Apollo Server's cache-control plugin computed, field by field: it wraps every
 * resolver of the schema and allocates a policy per field resolved (a page of 50 entities: some
 * 300 of them per request, for an answer known before execution). This plugin decides once per
 * request, and refuses to start on a schema that uses `@cacheControl` (which it would ignore).
 */
export function cacheHintsPlugins<TContext extends object>(maxAgeSeconds: number): ApolloServerPlugin<TContext>[] {
  return [
    // Apollo Server installs its own cache-control plugin unless told not to.
    ApolloServerPluginCacheControlDisabled(),
    {
      async serverWillStart({ schema }) {
        const hinted = cacheControlUses(schema);
        if (hinted) throw new Error(`${hinted} uses @cacheControl, which cacheHintsPlugins does not read: every query's policy is max-age=${maxAgeSeconds}`);
      },
      async requestDidStart({ request }) {
        const authenticated = Boolean(request.http?.headers.get('authorization'));
        return {
          // A request that did not parse or validate has no operation (max age 0) and errors.
          async willSendResponse({ operation, overallCachePolicy, response }) {
            overallCachePolicy.restrict({ maxAge: operation?.operation === 'query' ? maxAgeSeconds : 0 });
            if (authenticated) overallCachePolicy.restrict({ scope: 'PRIVATE' });
            const withoutErrors = response.body.kind === 'single' && !response.body.singleResult.errors;
            response.http.headers.set('cache-control', cacheControlHeader(withoutErrors ? overallCachePolicy.policyIfCacheable() : null));
          },
        };
      },
    },
  ];
}

/** The first type or field of the schema whose definition carries `@cacheControl`, if any. */
function cacheControlUses(schema: GraphQLSchema): string | null {
  const hinted = (node: { astNode?: ASTNode | null; extensionASTNodes?: readonly ASTNode[] }) =>
    [node.astNode, ...(node.extensionASTNodes ?? [])].some(
      (ast) => ast && 'directives' in ast && ast.directives?.some((directive) => directive.name.value === 'cacheControl'),
    );
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (hinted(type)) return `type ${type.name}`;
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) if (hinted(field)) return `${type.name}.${field.name}`;
  }
  return null;
}
