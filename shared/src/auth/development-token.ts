import { SignJWT } from 'jose';
import { findOperator, OPERATORS } from '../operators/operator-registry';
import type { AuthConfig } from './auth-config';
import { ROLE_NAMES, isRole, roleRequiresOperator, type Role } from './role';

/** Claims of a development token; the defaults make an 8-hour token with no role. */
export interface DevelopmentTokenOptions {
  /** `sub`; defaults to `developer`. */
  sub?: string;
  /** `operator`: a registered operator code, or none. */
  operator?: string | null;
  roles?: readonly string[];
  /** A jose time span (`8h`, `30m`, `2 days`) or seconds from now (negative: already expired). */
  expiresIn?: string | number;
}

/** Options that cannot make a valid token (unknown operator or role, a bad duration). */
export class DevelopmentTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevelopmentTokenError';
  }
}

/**
 * Signs a token as the alliance's services expect it (HS256 with the configured secret, `iss`,
 * `aud`, `iat`, `exp`), for `npm run token` and tests. It cannot sign for a JWKS configuration:
 * production tokens come from the identity provider.
 */
export async function signDevelopmentToken(options: DevelopmentTokenOptions, config: AuthConfig): Promise<string> {
  if (config.keys.kind !== 'secret') {
    throw new DevelopmentTokenError('Tokens come from the identity provider when JWT_JWKS_URL is set; set JWT_SECRET to sign development tokens.');
  }
  const operator = options.operator ?? null;
  if (operator !== null && !findOperator(operator)) {
    throw new DevelopmentTokenError(`Unknown operator ${JSON.stringify(operator)}; one of ${OPERATORS.map((o) => o.code).join(', ')}.`);
  }
  const roles = options.roles ?? [];
  for (const role of roles) {
    if (!isRole(role)) throw new DevelopmentTokenError(`Unknown role ${JSON.stringify(role)}; one of ${ROLE_NAMES.join(', ')}.`);
    if (roleRequiresOperator(role) && operator === null) throw new DevelopmentTokenError(`The role ${role} needs an operator.`);
  }
  const sub = options.sub ?? 'developer';
  if (sub.trim() === '') throw new DevelopmentTokenError('The subject must not be empty.');

  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? '8h';
  const jwt = new SignJWT({ ...(operator ? { operator } : {}), roles: [...new Set(roles as Role[])] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(now);
  try {
    jwt.setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
  } catch {
    throw new DevelopmentTokenError(`Invalid duration ${JSON.stringify(expiresIn)}; e.g. 30m, 8h, 7d.`);
  }
  return jwt.sign(new TextEncoder().encode(config.keys.secret));
}
