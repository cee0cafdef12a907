import { readAuthConfig, type AuthConfig } from '../auth/auth-config';
import type { OperatorDefinition } from '../operators/operator-definition';
import { type Env, readBoolean, readEnum, readNonNegativeInt, readPort, readUrl } from './env.util';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The production default of `CACHE_MAX_AGE`: a directory changes a few times a day. */
export const DEFAULT_CACHE_MAX_AGE_SECONDS = 30;

/** Settings every service reads. */
export interface CommonConfig {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  /** Introspection and the landing page; off in production unless asked for. */
  introspection: boolean;
  /**
   * How long anonymous query answers may be cached, in seconds (`Cache-Control: max-age`, read by
   * the gateway's response cache and by HTTP caches); 0 sends `no-store`. 30 in production, 0
   * elsewhere (in development and tests, data changed behind the gateway shows at once).
   */
  cacheMaxAgeSeconds: number;
}

export function readCommonConfig(env: Env): CommonConfig {
  const nodeEnv = readEnum(env, 'NODE_ENV', NODE_ENVS, 'development');
  return {
    nodeEnv,
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    introspection: readBoolean(env, 'INTROSPECTION', nodeEnv !== 'production'),
    cacheMaxAgeSeconds: readNonNegativeInt(env, 'CACHE_MAX_AGE', nodeEnv === 'production' ? DEFAULT_CACHE_MAX_AGE_SECONDS : 0),
  };
}

/** `TERNUM_BFC` + `_DATABASE_URL` → `TERNUM_BFC_DATABASE_URL`. */
export const operatorEnvName = (operator: OperatorDefinition, suffix: 'DATABASE_URL' | 'PORT' | 'URL') =>
  `${operator.code}_${suffix}`;

/** An operator subgraph's configuration. */
export interface SubgraphConfig extends CommonConfig {
  port: number;
  databaseUrl: string;
  /** How bearer tokens are verified: the same variables as the gateway's. */
  auth: AuthConfig;
  /** Named prepared statements (`DB_PREPARED_STATEMENTS`; off behind a transaction-mode pooler). */
  preparedStatements: boolean;
}

export function readSubgraphConfig(operator: OperatorDefinition, env: Env): SubgraphConfig {
  return {
    ...readCommonConfig(env),
    port: readPort(env, operatorEnvName(operator, 'PORT'), operator.defaultPort),
    databaseUrl: readUrl(env, operatorEnvName(operator, 'DATABASE_URL'), ['postgres:', 'postgresql:']),
    auth: readAuthConfig(env),
    preparedStatements: readBoolean(env, 'DB_PREPARED_STATEMENTS', true),
  };
}
