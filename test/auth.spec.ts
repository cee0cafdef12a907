import type { IncomingMessage, Server } from 'node:http';
import { SignJWT, UnsecuredJWT } from 'jose';
import { readAuthConfig } from '../shared/src/auth/auth-config';
import { signDevelopmentToken } from '../shared/src/auth/development-token';
import { signTestToken, TEST_JWT_SECRET } from '../shared/src/testing/test-auth';
import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

/** Reaches every operator subgraph: the partnership layer, then one hydration fetch per operator. */
const EVERY_OPERATOR = '{ operators { code members(first: 2) { nodes { name } } } }';

interface HttpAnswer {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, query: string, authorization?: string): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as HttpAnswer['body'] };
}

/**
 * The requests each operator subgraph's HTTP server really receives while `run` runs, with their
 * `Authorization` header: observed on the node server, not inferred from the gateway.
 */
async function observeSubgraphs(run: () => Promise<void>): Promise<Record<string, (string | undefined)[]>> {
  const seen: Record<string, (string | undefined)[]> = {};
  const listeners: [Server, (request: IncomingMessage) => void][] = [];
  for (const [code, running] of Object.entries(alliance.subgraphs)) {
    seen[code] = [];
    const listener = (request: IncomingMessage) => {
      if (request.url?.startsWith('/graphql')) seen[code].push(request.headers.authorization);
    };
    running.http!.server.on('request', listener);
    listeners.push([running.http!.server, listener]);
  }
  try {
    await run();
  } finally {
    for (const [server, listener] of listeners) server.off('request', listener);
  }
  return seen;
}

function expectUnauthenticated(answer: HttpAnswer, message?: RegExp): void {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  if (message) expect(answer.body.errors![0].message).toMatch(message);
}

describe('Authentication at the gateway', () => {
  it('serves anonymous reads, and sends no Authorization header on', async () => {
    let answer!: HttpAnswer;
    const seen = await observeSubgraphs(async () => {
      answer = await post(alliance.gatewayUrl, EVERY_OPERATOR);
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.operators).toHaveLength(3);
    for (const code of Object.keys(alliance.subgraphs)) {
      expect(seen[code].length).toBeGreaterThan(0);
      expect(seen[code].every((header) => header === undefined)).toBe(true);
    }
  });

  it('accepts a valid token and forwards the same Authorization header to every subgraph', async () => {
    const authorization = `Bearer ${await signTestToken({ operator: 'MEGALIS', roles: ['operator_admin'], sub: 'alice' })}`;
    let answer!: HttpAnswer;
    const seen = await observeSubgraphs(async () => {
      answer = await post(alliance.gatewayUrl, EVERY_OPERATOR, authorization);
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.operators.map((operator: { code: string }) => operator.code).sort()).toEqual(['MAXIMILIEN', 'MEGALIS', 'TERNUM_BFC']);
    for (const code of Object.keys(alliance.subgraphs)) {
      expect(seen[code].length).toBeGreaterThan(0);
      expect(seen[code]).toEqual(seen[code].map(() => authorization));
    }
  });

  it.each([
    ['an expired token', () => signTestToken({ operator: 'MEGALIS', roles: ['operator_admin'], expiresIn: -60 }), /expired/],
    [
      'a token signed with another secret',
      () => signDevelopmentToken({ operator: 'MEGALIS', roles: ['operator_admin'] }, readAuthConfig({ JWT_SECRET: `not-${TEST_JWT_SECRET}` })),
      /signature/,
    ],
    ['a token signed with the development secret', () => signDevelopmentToken({ operator: 'MEGALIS' }, readAuthConfig({ NODE_ENV: 'test' })), /signature/],
    ['a token for an unknown operator', () => forgedClaims({ operator: 'ATLANTIS', roles: ['operator_admin'] }), /unknown operator/],
    ['a token with an unknown role', () => forgedClaims({ operator: 'MEGALIS', roles: ['root'] }), /unknown roles/],
    ['an unsigned token (alg: none)', async () => unsignedToken(), /algorithm/],
  ])('refuses %s with HTTP 401 UNAUTHENTICATED before any subgraph is called', async (_case, token, message) => {
    const authorization = `Bearer ${await token()}`;
    let answer!: HttpAnswer;
    const seen = await observeSubgraphs(async () => {
      answer = await post(alliance.gatewayUrl, EVERY_OPERATOR, authorization);
    });
    expectUnauthenticated(answer, message);
    expect(seen).toEqual({ MEGALIS: [], TERNUM_BFC: [], MAXIMILIEN: [] });
  });

  it.each([
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0', /must be "Bearer <token>"/],
    ['a bearer that is not a JWT', 'Bearer opensesame', /must be "Bearer <token>"/],
    ['a 10 KB header', `Bearer ${'a'.repeat(10_000)}.b.c`, /longer than 8192/],
  ])('refuses a malformed Authorization header (%s) with HTTP 401 and calls no subgraph', async (_case, authorization, message) => {
    let answer!: HttpAnswer;
    const seen = await observeSubgraphs(async () => {
      answer = await post(alliance.gatewayUrl, EVERY_OPERATOR, authorization);
    });
    expectUnauthenticated(answer, message);
    expect(seen).toEqual({ MEGALIS: [], TERNUM_BFC: [], MAXIMILIEN: [] });
  });
});

describe('Authentication in every subgraph: the caller is never trusted for its position', () => {
  const TYPENAME = '{ __typename }';

  it.each(['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN'])('%s verifies tokens sent straight to it', async (code) => {
    const url = alliance.subgraphs[code].url;
    expect((await post(url, TYPENAME)).status).toBe(200);
    const valid = await post(url, TYPENAME, `Bearer ${await signTestToken({ operator: code, roles: ['operator_admin'] })}`);
    expect(valid.status).toBe(200);
    expect(valid.body).toEqual({ data: { __typename: 'Query' } });

    const forged = [
      await signDevelopmentToken({ operator: code, roles: ['operator_admin'] }, readAuthConfig({ JWT_SECRET: `forged-${TEST_JWT_SECRET}` })),
      await signTestToken({ operator: code, roles: ['operator_admin'], expiresIn: -60 }),
      await forgedClaims({ operator: 'ATLANTIS', roles: ['operator_admin'] }),
      unsignedToken(),
    ];
    for (const token of forged) expectUnauthenticated(await post(url, TYPENAME, `Bearer ${token}`));
  });
});

/** A token correctly signed with the test secret whose claims the alliance must refuse. */
function forgedClaims(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('mallory')
    .setIssuer('alliance-graph')
    .setAudience('alliance-graph')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

function unsignedToken(): string {
  return new UnsecuredJWT({ operator: 'MEGALIS', roles: ['operator_admin'] })
    .setSubject('mallory')
    .setIssuer('alliance-graph')
    .setAudience('alliance-graph')
    .setExpirationTime('5m')
    .encode();
}
