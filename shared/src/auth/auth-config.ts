import { ConfigError, type Env, readOptionalString, readString, readUrl } from '../config/env.util';

/**
 * The development secret, published here on purpose: used when neither `JWT_SECRET` nor
 * `JWT_JWKS_URL` is set outside production, so that `npm start` and `npm run token` work with no
 * setup. Production refuses to start with it.
 */
export const DEVELOPMENT_JWT_SECRET = 'alliance-graph-development-secret-not-for-production';

/** HS256 needs a 256-bit key: a shorter secret is refused at start-up. */
export const MIN_JWT_SECRET_LENGTH = 32;

export const DEFAULT_JWT_ISSUER = 'alliance-graph';
export const DEFAULT_JWT_AUDIENCE = 'alliance-graph';

/** Where the token signing keys come from. */
export type TokenKeys =
  /** A shared secret (HS256): development, tests, small deployments. */
  | { readonly kind: 'secret'; readonly secret: string }
  /** The identity provider's public keys (RS256 or ES256), fetched from its JWKS URL. */
  | { readonly kind: 'jwks'; readonly jwksUrl: string };

/** How every service verifies bearer tokens; the gateway and the subgraphs read the same variables. */
export interface AuthConfig {
  readonly keys: TokenKeys;
  /** Expected `iss`. */
  readonly issuer: string;
  /** Expected `aud`. */
  readonly audience: string;
}

/**
 * `JWT_SECRET` or `JWT_JWKS_URL` (not both), `JWT_ISSUER`, `JWT_AUDIENCE`, read and validated
 * once at start-up. Outside production, with neither key variable set, the development secret is
 * used; in production that secret, or no key at all, stops the process.
 */
export function readAuthConfig(env: Env): AuthConfig {
  // NODE_ENV itself is validated by `readCommonConfig`, which every service reads too.
  const production = env.NODE_ENV === 'production';
  const secret = readOptionalString(env, 'JWT_SECRET');
  const jwksUrl = readOptionalString(env, 'JWT_JWKS_URL');
  let keys: TokenKeys;
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError('JWT_SECRET', 'and JWT_JWKS_URL are both set; set one of them.');
  } else if (jwksUrl !== undefined) {
    keys = { kind: 'jwks', jwksUrl: readUrl(env, 'JWT_JWKS_URL', production ? ['https:'] : ['https:', 'http:']) };
  } else if (secret !== undefined) {
    if (secret.length < MIN_JWT_SECRET_LENGTH) {
      throw new ConfigError('JWT_SECRET', `must be at least ${MIN_JWT_SECRET_LENGTH} characters long; got ${secret.length}.`);
    }
    if (production && secret === DEVELOPMENT_JWT_SECRET) {
      throw new ConfigError('JWT_SECRET', 'is the published development secret; set a secret of your own (or JWT_JWKS_URL) in production.');
    }
    keys = { kind: 'secret', secret };
  } else if (production) {
    throw new ConfigError('JWT_SECRET', 'or JWT_JWKS_URL is required when NODE_ENV=production: there is no default secret in production.');
  } else {
    keys = { kind: 'secret', secret: DEVELOPMENT_JWT_SECRET };
  }
  return {
    keys,
    issuer: readString(env, 'JWT_ISSUER', DEFAULT_JWT_ISSUER),
    audience: readString(env, 'JWT_AUDIENCE', DEFAULT_JWT_AUDIENCE),
  };
}

/** Whether tokens are checked against the published development secret (worth a warning in logs). */
export function usesDevelopmentSecret(config: AuthConfig): boolean {
  return config.keys.kind === 'secret' && config.keys.secret === DEVELOPMENT_JWT_SECRET;
}
