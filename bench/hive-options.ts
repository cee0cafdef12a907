/**
 * Hive Gateway's in-flight deduplication of subgraph requests (`deduplicateInflightRequests` of
 * its HTTP transport, `@graphql-tools/executor-http`) is on by default; its documentation turns it
 * off with `transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } }`.
 *
 * `startHiveGateway` (shared/src/testing/hive-gateway.ts) takes no gateway configuration beyond the
 * supergraph and the subgraph URLs, so the benchmark says the same thing through the supergraph:
 * Hive Gateway reads a transport entry per subgraph from `@transport` directives on the schema
 * definition (the form GraphQL Mesh's composition writes), and they replace the ones it derives
 * from `@join__graph`. The benchmark checks that it took effect (it counts subgraph requests for
 * identical concurrent requests) and refuses to go on otherwise.
 */
export function withoutHiveDeduplication(supergraphSdl: string, subgraphUrls: Record<string, string>): string {
  const schemaStart = /^schema\b/m.exec(supergraphSdl);
  const bodyStart = schemaStart ? supergraphSdl.indexOf('{', schemaStart.index) : -1;
  if (bodyStart < 0) throw new Error('The supergraph has no schema definition to put @transport directives on');
  const transports = Object.entries(subgraphUrls).map(
    ([name, url]) =>
      `  @transport(subgraph: ${JSON.stringify(name)}, kind: "http", location: ${JSON.stringify(url)}, options: { deduplicateInflightRequests: false })\n`,
  );
  // Hive Router's SDL parser reads no `extend schema`: the directives go on the definition itself.
  return [
    supergraphSdl.slice(0, bodyStart),
    ...transports,
    supergraphSdl.slice(bodyStart),
    '\n# Benchmark: Hive Gateway transport entries with its in-flight deduplication off.\n',
    'scalar TransportOptions\n',
    'directive @transport(subgraph: String!, kind: String!, location: String!, headers: [[String]], options: TransportOptions) repeatable on SCHEMA\n',
  ].join('');
}
