import { type Env, readBoolean, readNonNegativeInt, readOptionalUrl, readPort, readPositiveInt, readUrl } from '../../shared/src/config/env.util';
import { readAuthConfig, type AuthConfig } from '../../shared/src/auth/auth-config';
import { type CommonConfig, operatorEnvName, readCommonConfig } from '../../shared/src/config/runtime-config';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/src/http/http-server';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from '../../shared/src/http/request-limits';

export interface GatewayConfig extends CommonConfig {
  port: number;
  /** Subgraph URL of each operator, by operator code. */
  subgraphUrls: Record<string, string>;
  /** A standalone partnership subgraph; in-process when unset. */
  partnershipUrl?: string;
  exposeQueryPlans: boolean;
  subgraphTimeoutMs: number;
  /** Worker processes serving the gateway's port (node:cluster); 1 serves in this process. */
  workers: number;
  /** How bearer tokens are verified; every subgraph verifies them again with the same settings. */
  auth: AuthConfig;
  /** Depth, aliases, directives, tokens, cost and field suggestions (README, "Hardening"). */
  requestLimits: RequestLimits;
  /** The largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Requests a minute per client address, with a burst of `rateLimitBurst`; 0 turns it off. */
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  /** Proxies of our own in front of the gateway whose `X-Forwarded-For` entries name the client. */
  trustProxyHops: number;
  /** `Strict-Transport-Security` max-age; 0 sends no such header. */
  hstsMaxAgeSeconds: number;
  /** Automatic persisted queries on the gateway's calls to the subgraphs. */
  subgraphApq: boolean;
  /** Identical subgraph reads in flight share one call. */
  deduplicateReads: boolean;
  /** The response cache for anonymous reads, in MiB; 0 turns it off. */
  responseCacheMiB: number;
  /** The query-plan cache, in MiB (plans of the operations clients send). */
  queryPlanCacheMiB: number;
}

/** Off under `NODE_ENV=test` (the tests send many requests from 127.0.0.1), on elsewhere. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

/** The gateway's configuration, read and validated once; errors name the variable. */
export function readGatewayConfig(operators: readonly OperatorDefinition[], env: Env): GatewayConfig {
  const common = readCommonConfig(env);
  const rateLimitPerMinute = readNonNegativeInt(env, 'RATE_LIMIT_PER_MINUTE', common.nodeEnv === 'test' ? 0 : DEFAULT_RATE_LIMIT_PER_MINUTE);
  return {
    ...common,
    port: readPort(env, 'PORT', 4000),
    subgraphUrls: Object.fromEntries(
      operators.map((operator) => [
        operator.code,
        readUrl(env, operatorEnvName(operator, 'URL'), ['http:', 'https:'], `http://127.0.0.1:${operator.defaultPort}/graphql`),
      ]),
    ),
    partnershipUrl: readOptionalUrl(env, 'PARTNERSHIP_URL', ['http:', 'https:']),
    exposeQueryPlans: readBoolean(env, 'EXPOSE_QUERY_PLANS', common.nodeEnv !== 'production'),
    subgraphTimeoutMs: readPositiveInt(env, 'SUBGRAPH_TIMEOUT_MS', 10_000),
    workers: readPositiveInt(env, 'GATEWAY_WORKERS', 1),
    auth: readAuthConfig(env),
    requestLimits: {
      maxDepth: readPositiveInt(env, 'MAX_QUERY_DEPTH', DEFAULT_REQUEST_LIMITS.maxDepth),
      maxAliases: readPositiveInt(env, 'MAX_QUERY_ALIASES', DEFAULT_REQUEST_LIMITS.maxAliases),
      maxDirectives: readPositiveInt(env, 'MAX_QUERY_DIRECTIVES', DEFAULT_REQUEST_LIMITS.maxDirectives),
      maxTokens: readPositiveInt(env, 'MAX_QUERY_TOKENS', DEFAULT_REQUEST_LIMITS.maxTokens),
      maxCost: readPositiveInt(env, 'MAX_QUERY_COST', DEFAULT_REQUEST_LIMITS.maxCost),
      fieldSuggestions: readBoolean(env, 'FIELD_SUGGESTIONS', common.nodeEnv !== 'production'),
    },
    maxBodyBytes: readPositiveInt(env, 'MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES),
    rateLimitPerMinute,
    rateLimitBurst: readPositiveInt(env, 'RATE_LIMIT_BURST', Math.max(1, rateLimitPerMinute)),
    trustProxyHops: readNonNegativeInt(env, 'TRUST_PROXY_HOPS', 0),
    hstsMaxAgeSeconds: readNonNegativeInt(env, 'HSTS_MAX_AGE', 0),
    subgraphApq: readBoolean(env, 'SUBGRAPH_APQ', true),
    deduplicateReads: readBoolean(env, 'DEDUPLICATE_SUBGRAPH_READS', true),
    responseCacheMiB: readNonNegativeInt(env, 'RESPONSE_CACHE_MIB', 64),
    queryPlanCacheMiB: readPositiveInt(env, 'QUERY_PLAN_CACHE_MIB', 30),
  };
}
