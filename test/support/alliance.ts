import { Client } from 'pg';
import { OPERATORS } from '../../shared/src/operators/operator-registry';
import type { RunningHttpServer } from '../../shared/src/http/http-server';
import { startOperatorSubgraph, type RunningOperatorSubgraph } from '../../shared/src/testing/operator-subgraph-harness';
import { testDatabaseUrls } from '../../shared/src/testing/test-databases';
import { TEST_JWT_SECRET } from '../../shared/src/testing/test-auth';
import { readGatewayConfig } from '../../gateway/src/gateway-config';
import { createGatewayServer, type GatewayServer } from '../../gateway/src/gateway-server';
import { readSupergraphSdl } from '../../gateway/src/supergraph-file';
import { loadOperatorModule } from '../../subgraphs/operator-modules';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
}

/**
 * The whole alliance graph in-process, as production runs it but on free ports: every operator
 * subgraph over its seeded test database, and the gateway over the committed supergraph.
 */
export interface Alliance {
  readonly gatewayUrl: string;
  readonly gateway: GatewayServer;
  readonly subgraphs: Record<string, RunningOperatorSubgraph>;
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Total SQL statements sent by every subgraph so far. */
  sqlStatements(): Promise<number>;
  /**
   * Another gateway over the same subgraphs, configured by `env` as the real one reads it (the
   * test secret and the subgraph URLs are filled in): a production posture beside the test one.
   * Stopped by `close()`.
   */
  startGateway(env: Record<string, string>): Promise<ExtraGateway>;
  close(): Promise<void>;
}

export interface ExtraGateway {
  readonly server: GatewayServer;
  readonly http: RunningHttpServer;
}

export interface AllianceOptions {
  /**
   * Databases of its own, cloned from the seeded templates, for tests that write: the shared
   * databases keep the seed's counts for every other test.
   */
  isolated?: boolean;
  /** The subgraphs' `CACHE_MAX_AGE` (0 by default, as under NODE_ENV=test). */
  cacheMaxAgeSeconds?: number;
  /** More gateway environment (`RESPONSE_CACHE_MIB`, `SUBGRAPH_APQ`…), read like the real one. */
  gatewayEnv?: Record<string, string>;
  /** Where the gateway reaches each operator subgraph (a recording proxy in front of it, say). */
  subgraphUrlFor?: (operatorCode: string, url: string) => string;
}

export async function startAlliance(options: AllianceOptions = {}): Promise<Alliance> {
  const urls = options.isolated ? await cloneDatabases() : testDatabaseUrls();
  const subgraphs: Record<string, RunningOperatorSubgraph> = {};
  for (const operator of OPERATORS) {
    subgraphs[operator.code] = await startOperatorSubgraph(loadOperatorModule(operator), urls[operator.code], {
      cacheMaxAgeSeconds: options.cacheMaxAgeSeconds,
    });
  }
  // Every service verifies tokens with the same secret (the subgraphs' default in the harness).
  const env: Record<string, string> = { NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, ...options.gatewayEnv };
  // The partnership layer in the gateway hints like the subgraphs.
  if (options.cacheMaxAgeSeconds !== undefined) env.CACHE_MAX_AGE ??= String(options.cacheMaxAgeSeconds);
  for (const operator of OPERATORS) {
    const url = subgraphs[operator.code].url;
    env[`${operator.code}_URL`] = options.subgraphUrlFor ? options.subgraphUrlFor(operator.code, url) : url;
  }
  const gateway = await createGatewayServer(readSupergraphSdl(), OPERATORS, readGatewayConfig(OPERATORS, env));
  const http: RunningHttpServer = await gateway.listen(0);
  const query = async <T>(text: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: text, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  const extraGateways: ExtraGateway[] = [];
  return {
    gatewayUrl: http.url,
    gateway,
    subgraphs,
    query,
    async startGateway(extraEnv) {
      const full: Record<string, string> = { JWT_SECRET: TEST_JWT_SECRET, ...extraEnv };
      for (const operator of OPERATORS) full[`${operator.code}_URL`] = subgraphs[operator.code].url;
      const server = await createGatewayServer(readSupergraphSdl(), OPERATORS, readGatewayConfig(OPERATORS, full));
      const extra = { server, http: await server.listen(0) };
      extraGateways.push(extra);
      return extra;
    },
    async sqlStatements() {
      let total = 0;
      for (const running of Object.values(subgraphs)) total += await running.metrics.sqlStatementCount();
      return total;
    },
    async close() {
      for (const extra of extraGateways.splice(0)) {
        await extra.http.close({ graceMs: 100 });
        await extra.server.apollo.stop();
      }
      await http.close();
      await gateway.apollo.stop();
      for (const running of Object.values(subgraphs)) await running.close();
      if (options.isolated) await dropDatabases(urls);
    },
  };
}

/** A statement on the test cluster's `postgres` database (CREATE/DROP DATABASE…). */
export async function adminQuery(sql: string): Promise<void> {
  const admin = new URL(testDatabaseUrls()[OPERATORS[0].code]);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function cloneDatabases(): Promise<Record<string, string>> {
  const suffix = `${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const urls: Record<string, string> = {};
  for (const operator of OPERATORS) {
    const name = `w_${operator.databaseName}_${suffix}`;
    await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${operator.databaseName}_template"`);
    const url = new URL(testDatabaseUrls()[operator.code]);
    url.pathname = `/${name}`;
    urls[operator.code] = url.toString();
  }
  return urls;
}

async function dropDatabases(urls: Record<string, string>): Promise<void> {
  for (const url of Object.values(urls)) await adminQuery(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
}
