import { readAuthConfig, type AuthConfig } from '../auth/auth-config';
import type { OperatorDefinition } from '../operators/operator-definition';
import { type Env, readBoolean, readEnum, readPort, readUrl } from './env.util';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Settings every service reads. */
export interface CommonConfig {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  /** Introspection and the landing page; off in production unless asked for. */
  introspection: boolean;
}

export function readCommonConfig(env: Env): CommonConfig {
  const nodeEnv = readEnum(env, 'NODE_ENV', NODE_ENVS, 'development');
  return {
    nodeEnv,
    logLevel: readEnum(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    introspection: readBoolean(env, 'INTROSPECTION', nodeEnv !== 'production'),
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
}

export function readSubgraphConfig(operator: OperatorDefinition, env: Env): SubgraphConfig {
  return {
    ...readCommonConfig(env),
    port: readPort(env, operatorEnvName(operator, 'PORT'), operator.defaultPort),
    databaseUrl: readUrl(env, operatorEnvName(operator, 'DATABASE_URL'), ['postgres:', 'postgresql:']),
    auth: readAuthConfig(env),
  };
}
