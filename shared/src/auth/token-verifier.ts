import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import { findOperator } from '../operators/operator-registry';
import type { AuthConfig } from './auth-config';
import { isRole, roleRequiresOperator, type Role } from './role';
import { unauthenticated } from './unauthenticated-error';
import { ANONYMOUS_VIEWER, type AuthenticatedViewer, type Viewer } from './viewer';

/** A longer `Authorization` header is refused before any parsing. */
export const MAX_AUTHORIZATION_HEADER_LENGTH = 8192;

/**
 * Tolerated clock skew (seconds) on `exp` and `nbf`: the gateway and each subgraph verify the same
 * token moments apart, on different machines.
 */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Pinned per key kind: a token cannot choose its own algorithm (no `none`, no HS/RS confusion). */
export const SECRET_ALGORITHMS = ['HS256'] as const;
export const JWKS_ALGORITHMS = ['RS256', 'ES256'] as const;

// `Bearer` is case-insensitive (RFC 7235); a JWS in compact form is three base64url segments.
const BEARER_JWT = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;

// jose error codes that mean "this token is not acceptable"; any other failure (the JWKS endpoint
// down or answering garbage) is the server's problem and must not be reported as the caller's.
const REFUSED_TOKEN_MESSAGES: Record<string, string> = {
  ERR_JWT_EXPIRED: 'The access token has expired.',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "The access token's signature is invalid.",
  ERR_JWKS_NO_MATCHING_KEY: "The access token's signing key is unknown.",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "The access token's signing key is ambiguous.",
  ERR_JOSE_ALG_NOT_ALLOWED: "The access token's signing algorithm is not accepted.",
  ERR_JOSE_NOT_SUPPORTED: 'The access token uses an unsupported feature.',
  ERR_JWS_INVALID: 'The access token is malformed.',
  ERR_JWT_INVALID: 'The access token is malformed.',
};

export interface TokenVerifier {
  /**
   * The viewer of a request from its `Authorization` header: anonymous without one; otherwise the
   * header must be `Bearer <jwt>` with a valid token, else an `UNAUTHENTICATED` error (HTTP 401).
   */
  verifyAuthorization(header: string | undefined): Promise<Viewer>;
  /** The viewer of a bare JWT, or an `UNAUTHENTICATED` error. */
  verifyToken(token: string): Promise<AuthenticatedViewer>;
}

/**
 * Verifies bearer JWTs: signature (HS256 with the shared secret, or RS256/ES256 with the keys of
 * the JWKS URL, cached and refreshed by jose), `iss`, `aud`, `exp` (required) and `nbf`, then the
 * alliance claims: `sub` (required), `operator` (a registered operator code, optional) and `roles`
 * (known roles; `operator_admin` needs an operator).
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const options: JWTVerifyOptions = {
    algorithms: [...(config.keys.kind === 'secret' ? SECRET_ALGORITHMS : JWKS_ALGORITHMS)],
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['sub', 'exp'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  let verifyJwt: (token: string) => Promise<JWTVerifyResult>;
  if (config.keys.kind === 'secret') {
    const secret = new TextEncoder().encode(config.keys.secret);
    verifyJwt = (token) => jwtVerify(token, secret, options);
  } else {
    // Fetched on first use, cached, refetched (rate-limited) when a token names an unknown `kid`.
    const jwks = createRemoteJWKSet(new URL(config.keys.jwksUrl));
    verifyJwt = (token) => jwtVerify(token, jwks, options);
  }

  const verifyToken = async (token: string): Promise<AuthenticatedViewer> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await verifyJwt(token));
    } catch (error) {
      throw refusalOf(error);
    }
    return viewerFromClaims(payload);
  };

  return {
    verifyToken,
    async verifyAuthorization(header) {
      if (header === undefined) return ANONYMOUS_VIEWER;
      if (header.length > MAX_AUTHORIZATION_HEADER_LENGTH) {
        throw unauthenticated(`The Authorization header is longer than ${MAX_AUTHORIZATION_HEADER_LENGTH} characters.`);
      }
      const match = BEARER_JWT.exec(header);
      if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>", the token a JWT.');
      return verifyToken(match[1]);
    },
  };
}

function refusalOf(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    // jose names the claim and the failed check ('unexpected "aud" claim value', 'missing required "sub" claim').
    return unauthenticated(`The access token was refused: ${(error as Error).message}.`);
  }
  if (typeof code === 'string' && code in REFUSED_TOKEN_MESSAGES) return unauthenticated(REFUSED_TOKEN_MESSAGES[code]);
  return new Error(`Access tokens cannot be verified: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function viewerFromClaims(payload: JWTPayload): AuthenticatedViewer {
  const subject = payload.sub;
  if (typeof subject !== 'string' || subject.trim() === '') throw unauthenticated('The access token has an empty "sub" claim.');

  const operatorClaim = payload.operator ?? null;
  if (operatorClaim !== null && (typeof operatorClaim !== 'string' || !findOperator(operatorClaim))) {
    throw unauthenticated(`The access token names an unknown operator ${JSON.stringify(operatorClaim).slice(0, 64)}.`);
  }
  const operator = operatorClaim as string | null;

  const rolesClaim = payload.roles ?? [];
  if (!Array.isArray(rolesClaim)) throw unauthenticated('The access token\'s "roles" claim must be a list.');
  const unknownRoles = rolesClaim.filter((role) => !isRole(role));
  if (unknownRoles.length) {
    throw unauthenticated(`The access token grants unknown roles: ${unknownRoles.map((role) => JSON.stringify(role)).join(', ').slice(0, 128)}.`);
  }
  const roles = [...new Set(rolesClaim as Role[])];
  const needsOperator = roles.find((role) => roleRequiresOperator(role));
  if (needsOperator && operator === null) throw unauthenticated(`The role ${needsOperator} needs an "operator" claim.`);

  return Object.freeze({ anonymous: false, subject, operator, roles: Object.freeze(roles) });
}
