import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWTPayload } from 'jose';
import { ConfigError } from '../../config/env.util';
import { DEVELOPMENT_JWT_SECRET, readAuthConfig, type AuthConfig } from '../auth-config';
import { DevelopmentTokenError, signDevelopmentToken } from '../development-token';
import { createTokenVerifier, MAX_AUTHORIZATION_HEADER_LENGTH } from '../token-verifier';
import { ANONYMOUS_VIEWER, hasRole, isAnonymous } from '../viewer';

const SECRET = 'a-unit-test-secret-that-is-long-enough-0123';
const config = readAuthConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET });
const verifier = createTokenVerifier(config);
const now = () => Math.floor(Date.now() / 1000);

/** A token with exactly these claims (defaults: a valid MEGALIS admin), signed HS256 with `secret`. */
function rawToken(claims: JWTPayload, secret = SECRET): Promise<string> {
  return new SignJWT({ sub: 'alice', operator: 'MEGALIS', roles: ['operator_admin'], iss: 'alliance-graph', aud: 'alliance-graph', exp: now() + 600, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));
}

async function refusalOf(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('the token was accepted');
}

async function expectUnauthenticated(header: string | undefined, message?: RegExp, against = verifier): Promise<void> {
  const error = await refusalOf(against.verifyAuthorization(header));
  expect(error).toBeInstanceOf(GraphQLError);
  expect(error.extensions.code).toBe('UNAUTHENTICATED');
  expect((error.extensions.http as { status: number }).status).toBe(401);
  if (message) expect(error.message).toMatch(message);
}

describe('Token verifier: a valid HS256 token', () => {
  it('gives the viewer of its claims', async () => {
    const token = await signDevelopmentToken({ operator: 'TERNUM_BFC', roles: ['operator_admin'], sub: 'bob' }, config);
    const viewer = await verifier.verifyAuthorization(`Bearer ${token}`);
    expect(viewer).toEqual({ anonymous: false, subject: 'bob', operator: 'TERNUM_BFC', roles: ['operator_admin'] });
    expect(isAnonymous(viewer)).toBe(false);
    expect(hasRole(viewer, 'operator_admin')).toBe(true);
    expect(hasRole(viewer, 'partnership_admin')).toBe(false);
  });

  it('accepts a partnership-wide token without an operator, and the scheme in any case', async () => {
    const token = await signDevelopmentToken({ roles: ['partnership_admin'] }, config);
    expect(await verifier.verifyAuthorization(`bearer ${token}`)).toEqual({ anonymous: false, subject: 'developer', operator: null, roles: ['partnership_admin'] });
  });

  it('gives the anonymous viewer without a header', async () => {
    const viewer = await verifier.verifyAuthorization(undefined);
    expect(viewer).toBe(ANONYMOUS_VIEWER);
    expect(isAnonymous(viewer)).toBe(true);
    expect(hasRole(viewer, 'partnership_admin')).toBe(false);
  });
});

describe('Token verifier: refusals are UNAUTHENTICATED with HTTP 401', () => {
  it('refuses an expired token', async () => {
    await expectUnauthenticated(`Bearer ${await signDevelopmentToken({ operator: 'MEGALIS', expiresIn: -60 }, config)}`, /expired/);
  });

  it('refuses a token that is not valid yet', async () => {
    await expectUnauthenticated(`Bearer ${await rawToken({ nbf: now() + 600 })}`, /"nbf"/);
  });

  it('refuses a token signed with another secret', async () => {
    const other = readAuthConfig({ NODE_ENV: 'test', JWT_SECRET: 'another-secret-that-is-long-enough-456789' });
    await expectUnauthenticated(`Bearer ${await signDevelopmentToken({ operator: 'MEGALIS' }, other)}`, /signature/);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const unsigned = new UnsecuredJWT({ operator: 'MEGALIS', roles: ['operator_admin'] })
      .setSubject('mallory')
      .setIssuer('alliance-graph')
      .setAudience('alliance-graph')
      .setExpirationTime('1h')
      .encode();
    expect(unsigned.endsWith('.')).toBe(true);
    await expectUnauthenticated(`Bearer ${unsigned}`, /algorithm is not accepted/);
  });

  it('refuses a token whose signature was stripped from a valid one', async () => {
    const [header, payload] = (await rawToken({})).split('.');
    await expectUnauthenticated(`Bearer ${header}.${payload}.`);
  });

  it.each([
    ['another audience', { aud: 'someone-else' }, /"aud"/],
    ['another issuer', { iss: 'https://evil.example' }, /"iss"/],
    ['no subject', { sub: undefined }, /"sub"/],
    ['an empty subject', { sub: ' ' }, /"sub"/],
    ['no expiry', { exp: undefined }, /"exp"/],
    ['an unknown operator', { operator: 'ATLANTIS' }, /unknown operator "ATLANTIS"/],
    ['an operator that is not a code', { operator: 42 }, /unknown operator 42/],
    ['an unknown role', { roles: ['operator_admin', 'superuser'] }, /unknown roles: "superuser"/],
    ['roles that are not a list', { roles: 'operator_admin' }, /must be a list/],
    ['operator_admin without an operator', { operator: undefined }, /operator_admin needs an "operator" claim/],
  ])('refuses a token with %s', async (_case, claims, message) => {
    await expectUnauthenticated(`Bearer ${await rawToken(claims)}`, message);
  });

  it.each([
    ['an empty header', ''],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bare scheme', 'Bearer'],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['a JWT without the scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['a JWE-shaped token', 'Bearer a.b.c.d.e'],
    ['garbage segments', 'Bearer eyJ.eyJ.xyz'],
  ])('refuses a malformed header: %s', async (_case, header) => {
    await expectUnauthenticated(header);
  });

  it(`refuses a header longer than ${MAX_AUTHORIZATION_HEADER_LENGTH} characters before parsing it`, async () => {
    const padded = await rawToken({ padding: 'x'.repeat(MAX_AUTHORIZATION_HEADER_LENGTH) });
    await expectUnauthenticated(`Bearer ${padded}`, /longer than 8192/);
  });
});

describe('Token verifier: asymmetric keys from a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let es256: { privateKey: CryptoKey; publicKey: CryptoKey };
  let rs256: { privateKey: CryptoKey; publicKey: CryptoKey };
  let jwksRequests = 0;

  beforeAll(async () => {
    es256 = await generateKeyPair('ES256');
    rs256 = await generateKeyPair('RS256');
    const keys = [
      { ...(await exportJWK(es256.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(rs256.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' },
    ];
    server = createServer((request, response) => {
      jwksRequests += 1;
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const jwksVerifier = () => createTokenVerifier(readAuthConfig({ NODE_ENV: 'test', JWT_JWKS_URL: jwksUrl }));
  const signed = (alg: 'ES256' | 'RS256', kid: string, key: CryptoKey | Uint8Array, claims: JWTPayload = {}) =>
    new SignJWT({ operator: 'MAXIMILIEN', roles: ['operator_admin'], ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('carol')
      .setIssuer('alliance-graph')
      .setAudience('alliance-graph')
      .setExpirationTime('5m')
      .sign(key);

  it('verifies ES256 and RS256 tokens with the keys it fetches from the URL', async () => {
    const verifierOverJwks = jwksVerifier();
    const before = jwksRequests;
    for (const token of [await signed('ES256', 'es-1', es256.privateKey), await signed('RS256', 'rs-1', rs256.privateKey)]) {
      expect(await verifierOverJwks.verifyAuthorization(`Bearer ${token}`)).toEqual({
        anonymous: false,
        subject: 'carol',
        operator: 'MAXIMILIEN',
        roles: ['operator_admin'],
      });
    }
    // The key set is fetched once and cached.
    expect(jwksRequests - before).toBe(1);
  });

  it('refuses a token signed by a key that is not in the set, even under a known kid', async () => {
    const impostor = await generateKeyPair('ES256');
    await expectUnauthenticated(`Bearer ${await signed('ES256', 'es-1', impostor.privateKey)}`, /signature/, jwksVerifier());
    await expectUnauthenticated(`Bearer ${await signed('ES256', 'unknown-kid', impostor.privateKey)}`, /signing key is unknown/, jwksVerifier());
  });

  it('refuses HS256 (a shared secret cannot sign for a JWKS configuration) and alg none', async () => {
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'es-1' }).setSubject('x').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    await expectUnauthenticated(`Bearer ${hs}`, /algorithm is not accepted/, jwksVerifier());
    const none = new UnsecuredJWT({}).setSubject('x').setIssuer('alliance-graph').setAudience('alliance-graph').setExpirationTime('5m').encode();
    await expectUnauthenticated(`Bearer ${none}`, undefined, jwksVerifier());
  });

  it('refuses wrong claims as with a secret', async () => {
    await expectUnauthenticated(`Bearer ${await signed('ES256', 'es-1', es256.privateKey, { operator: 'ATLANTIS' })}`, /unknown operator/, jwksVerifier());
  });

  it('does not blame the caller when the key server is unreachable', async () => {
    const down = createTokenVerifier(readAuthConfig({ NODE_ENV: 'test', JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }));
    const error = await refusalOf(down.verifyAuthorization(`Bearer ${await signed('ES256', 'es-1', es256.privateKey)}`));
    expect(error).not.toBeInstanceOf(GraphQLError);
    expect(error.message).toMatch(/cannot be verified/);
  });
});

describe('Auth configuration: read once, refusals name the variable', () => {
  it('uses the development secret outside production when no key is configured', () => {
    for (const NODE_ENV of [undefined, 'development', 'test']) {
      expect(readAuthConfig({ NODE_ENV })).toEqual({
        keys: { kind: 'secret', secret: DEVELOPMENT_JWT_SECRET },
        issuer: 'alliance-graph',
        audience: 'alliance-graph',
      });
    }
  });

  it('reads a secret, a JWKS URL, the issuer and the audience', () => {
    const secret = 'p'.repeat(48);
    expect(readAuthConfig({ NODE_ENV: 'production', JWT_SECRET: secret, JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'graph' })).toEqual({
      keys: { kind: 'secret', secret },
      issuer: 'https://idp.example',
      audience: 'graph',
    });
    expect(readAuthConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.example/jwks.json' }).keys).toEqual({
      kind: 'jwks',
      jwksUrl: 'https://idp.example/jwks.json',
    });
  });

  it.each([
    ['no key in production', { NODE_ENV: 'production' }, 'JWT_SECRET', /JWT_SECRET or JWT_JWKS_URL is required when NODE_ENV=production/],
    ['the development secret in production', { NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET }, 'JWT_SECRET', /published development secret/],
    ['a short secret in production', { NODE_ENV: 'production', JWT_SECRET: 'too-short' }, 'JWT_SECRET', /at least 32 characters/],
    ['a short secret in development', { JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET', /at least 32 characters long; got 31/],
    ['both a secret and a JWKS URL', { JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URL: 'https://idp.example/jwks' }, 'JWT_SECRET', /both set/],
    ['a JWKS URL that is not a URL', { JWT_JWKS_URL: 'idp' }, 'JWT_JWKS_URL', /must be a URL/],
    ['a plain-HTTP JWKS URL in production', { NODE_ENV: 'production', JWT_JWKS_URL: 'http://idp.example/jwks' }, 'JWT_JWKS_URL', /must be a https: URL/],
  ])('refuses %s', (_case, env, variable, message) => {
    let error: unknown;
    try {
      readAuthConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(message);
  });
});

describe('Development tokens: signed only with a secret, for known operators and roles', () => {
  it.each([
    [{ operator: 'ATLANTIS' }, /Unknown operator "ATLANTIS"/],
    [{ operator: 'MEGALIS', roles: ['root'] }, /Unknown role "root"/],
    [{ roles: ['operator_admin'] }, /operator_admin needs an operator/],
    [{ expiresIn: 'whenever' }, /Invalid duration/],
  ])('refuses %j', async (options, message) => {
    await expect(signDevelopmentToken(options, config)).rejects.toThrow(message);
  });

  it('refuses to sign for a JWKS configuration', async () => {
    const jwks: AuthConfig = readAuthConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json' });
    await expect(signDevelopmentToken({}, jwks)).rejects.toBeInstanceOf(DevelopmentTokenError);
  });
});
