import { type Env, readBoolean, readOptionalUrl, readPort, readPositiveInt, readUrl } from '../../shared/src/config/env.util';
import { readAuthConfig, type AuthConfig } from '../../shared/src/auth/auth-config';
import { type CommonConfig, operatorEnvName, readCommonConfig } from '../../shared/src/config/runtime-config';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';

export interface GatewayConfig extends CommonConfig {
  port: number;
  /** Subgraph URL of each operator, by operator code. */
  subgraphUrls: Record<string, string>;
  /** A standalone partnership subgraph; in-process when unset. */
  partnershipUrl?: string;
  exposeQueryPlans: boolean;
  subgraphTimeoutMs: number;
  /** How bearer tokens are verified; every subgraph verifies them again with the same settings. */
  auth: AuthConfig;
}

/** The gateway's configuration, read and validated once; errors name the variable. */
export function readGatewayConfig(operators: readonly OperatorDefinition[], env: Env): GatewayConfig {
  const common = readCommonConfig(env);
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
    auth: readAuthConfig(env),
  };
}
