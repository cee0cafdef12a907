import { SignJWT } from 'jose';
import { readAuthConfig } from '../shared/src/auth/auth-config';
import { signDevelopmentToken } from '../shared/src/auth/development-token';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { signTestToken, TEST_AUTH_CONFIG, TEST_JWT_SECRET } from '../shared/src/testing/test-auth';
import { startAlliance, type Alliance, type GraphQLResponse } from './support/alliance';

/**
 * The write API through the real gateway (DESIGN.md §5 and §6, issue 4): who may write what,
 * validation, optimistic concurrency, idempotent retries, the audit trail, and tokens checked by
 * the gateway and again by every operator subgraph. The alliance runs on databases of its own
 * (`isolated: true`): these tests write.
 */

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance({ isolated: true });
  await signTokens();
});
afterAll(() => alliance?.close());

// ---------------------------------------------------------------------------------------------
// Operators, roles, tokens
// ---------------------------------------------------------------------------------------------

type Code = 'MEGALIS' | 'TERNUM_BFC' | 'MAXIMILIEN';
const CODES: Code[] = ['MEGALIS', 'TERNUM_BFC', 'MAXIMILIEN'];
const PREFIX: Record<Code, string> = { MEGALIS: 'Megalis', TERNUM_BFC: 'Ternum', MAXIMILIEN: 'Maximilien' };
/** A département inside each operator's territory, and one outside it. */
const INSIDE: Record<Code, string> = { MEGALIS: '35', TERNUM_BFC: '21', MAXIMILIEN: '92' };
const OUTSIDE: Record<Code, string> = { MEGALIS: '75', TERNUM_BFC: '35', MAXIMILIEN: '21' };

it('knows the registry the tests are written for', () => {
  expect(OPERATORS.map((operator) => [operator.code, operator.typePrefix])).toEqual(CODES.map((code) => [code, PREFIX[code]]));
});

type RoleLabel = 'anonymous' | 'MEGALIS admin' | 'TERNUM_BFC admin' | 'MAXIMILIEN admin' | 'partnership_admin';
const ROLE_LABELS: RoleLabel[] = ['anonymous', 'MEGALIS admin', 'TERNUM_BFC admin', 'MAXIMILIEN admin', 'partnership_admin'];
/** The `sub` of each role's token. */
const SUBJECT: Record<RoleLabel, string | null> = {
  anonymous: null,
  'MEGALIS admin': 'admin-megalis',
  'TERNUM_BFC admin': 'admin-ternum',
  'MAXIMILIEN admin': 'admin-maximilien',
  partnership_admin: 'admin-partnership',
};
const TOKENS = {} as Record<RoleLabel, string | null>;

async function signTokens(): Promise<void> {
  TOKENS.anonymous = null;
  for (const code of CODES) {
    TOKENS[`${code} admin` as RoleLabel] = await signTestToken({ operator: code, roles: ['operator_admin'], sub: SUBJECT[`${code} admin` as RoleLabel]! });
  }
  TOKENS.partnership_admin = await signTestToken({ roles: ['partnership_admin'], sub: SUBJECT.partnership_admin! });
}

const adminOf = (code: Code): RoleLabel => `${code} admin` as RoleLabel;

/** What a role gets when it writes the data of `code`. */
function expectedOutcome(role: RoleLabel, code: Code): 'success' | 'UNAUTHENTICATED' | 'FORBIDDEN' {
  if (role === adminOf(code)) return 'success';
  return role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
}

/** A token correctly signed with the test secret, with claims the alliance must refuse. */
function forgedClaims(claims: Record<string, unknown>, sub = 'mallory'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(TEST_AUTH_CONFIG.issuer)
    .setAudience(TEST_AUTH_CONFIG.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

/** Tokens that look right but that every service must refuse. */
const BAD_TOKENS: [string, (code: Code) => Promise<string>][] = [
  [
    'a token signed with the wrong key',
    (code) => signDevelopmentToken({ operator: code, roles: ['operator_admin'], sub: 'mallory' }, readAuthConfig({ JWT_SECRET: `wrong-${TEST_JWT_SECRET}` })),
  ],
  ['an expired token', (code) => signTestToken({ operator: code, roles: ['operator_admin'], sub: 'mallory', expiresIn: -60 })],
  ['a token for an unknown operator', () => forgedClaims({ operator: 'ATLANTIS', roles: ['operator_admin'] })],
];

// ---------------------------------------------------------------------------------------------
// HTTP, IDs, SIRENs, SQL
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: GraphQLResponse<any>;
}

async function post(url: string, query: string, variables: Record<string, unknown>, token: string | null): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLResponse<any>;
  try {
    body = JSON.parse(text) as GraphQLResponse<any>;
  } catch {
    body = { errors: [{ message: `not JSON (HTTP ${response.status}): ${text.slice(0, 300)}` }] };
  }
  return { status: response.status, body };
}

/** A request through the gateway. */
async function gql(query: string, variables: Record<string, unknown> = {}, token: string | null = null): Promise<GraphQLResponse<any>> {
  return (await post(alliance.gatewayUrl, query, variables, token)).body;
}

const show = (value: unknown) => JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');

/** The mutation's payload, or a failure that prints the whole response. */
function expectPayload(response: GraphQLResponse<any>, field: string): any {
  const payload = response.data?.[field];
  if (response.errors?.length || !payload) throw new Error(`expected ${field} to succeed, got ${show(response)}`);
  return payload;
}

/** A refusal: one error with this code (and field), and no payload. */
function expectRefusal(response: GraphQLResponse<any>, field: string, code: string, inputField?: string): void {
  const errors = response.errors ?? [];
  const ok =
    errors.length === 1 &&
    errors[0].extensions?.code === code &&
    (inputField === undefined || errors[0].extensions?.field === inputField) &&
    (response.data === null || response.data === undefined || response.data[field] === null || response.data[field] === undefined);
  if (!ok) throw new Error(`expected ${field} to be refused with ${code}${inputField ? ` naming ${inputField}` : ''}, got ${show(response)}`);
}

/** Global IDs are base64url of `<Type>:<local id>` (checked against the API below). */
const globalId = (typeName: string, localId: number | string) => Buffer.from(`${typeName}:${localId}`, 'utf8').toString('base64url');
function localIdOf(id: string): number {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const match = /^[A-Za-z]+:(\d+)$/.exec(decoded);
  if (!match) throw new Error(`not a global ID of this API: ${id} (${decoded})`);
  return Number(match[1]);
}

/** Luhn, computed here rather than with the implementation's helper. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}
function completeSiren(eightDigits: string): string {
  for (let check = 0; check <= 9; check += 1) if (luhnValid(`${eightDigits}${check}`)) return `${eightDigits}${check}`;
  throw new Error('unreachable');
}
/** `08…`: a prefix neither the seed (`00`–`02`, `2…`) nor the real SIRENs of public bodies use. */
let sirenSequence = 100_000 + Math.floor(Math.random() * 800_000);
function freshSiren(): string {
  sirenSequence += 1;
  return completeSiren(`08${String(sirenSequence).padStart(6, '0')}`);
}
let tagSequence = 0;
const nextTag = () => `${Date.now().toString(36)}-${(tagSequence += 1)}`;

async function sql<T = any>(code: Code, text: string, params: unknown[] = []): Promise<T[]> {
  return alliance.subgraphs[code].dataSource.query(text, params);
}

/**
 * Everything a write can change, per operator database: each table's row count and the newest
 * transaction that wrote one of its rows (`xmin`: any committed insert or update changes it;
 * a rolled-back one does not).
 */
const SNAPSHOT_TABLES = ['member', 'service', 'subscription', 'vendor', 'membership_status_change', 'audit_log'];
const SNAPSHOT_SQL = `SELECT ${SNAPSHOT_TABLES.map(
  (table) => `(SELECT count(*)::int FROM ${table}) AS ${table}_rows, (SELECT max(xmin::text::bigint)::text FROM ${table}) AS ${table}_written_by`,
).join(', ')}`;

async function snapshot(codes: Code[] = CODES): Promise<Record<string, Record<string, unknown>>> {
  const rows = await Promise.all(codes.map(async (code) => [code, (await sql(code, SNAPSHOT_SQL))[0]] as const));
  return Object.fromEntries(rows);
}

async function memberCountViaGraph(code: Code): Promise<number> {
  const { data, errors } = await gql('query($code: OperatorCode!) { operator(code: $code) { memberCount } }', { code });
  expect(errors).toBeUndefined();
  return data!.operator.memberCount;
}

async function auditCount(code: Code, localId: number, action: string): Promise<number> {
  const [row] = await sql(code, `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = $2`, [localId, action]);
  return row.n;
}

/** A seed member, read in SQL (`offset` keeps the describe blocks on different members). */
async function seedMember(code: Code, offset: number) {
  const [row] = await sql(code, `SELECT id, siren, name, version, status, population FROM member ORDER BY id OFFSET $1 LIMIT 1`, [offset]);
  return { ...row, id: globalId(`${PREFIX[code]}Member`, row.id), localId: row.id as number };
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

const MEMBER_FIELDS = 'id siren name kind population version status departement { code }';
const DOCUMENTS = {
  registerMember: `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { ${MEMBER_FIELDS} } clientMutationId } }`,
  updateMember: `mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { ${MEMBER_FIELDS} } clientMutationId } }`,
  setMembershipStatus: `mutation($input: SetMembershipStatusInput!) { setMembershipStatus(input: $input) {
      member { id status version statusHistory { from to reason changedBy changedAt } } clientMutationId } }`,
  subscribe: `mutation($input: SubscribeInput!) { subscribe(input: $input) {
      member { id subscriptions { status service { id } } } service { id } clientMutationId } }`,
  unsubscribe: `mutation($input: UnsubscribeInput!) { unsubscribe(input: $input) {
      member { id subscriptions { status service { id } } } service { id } clientMutationId } }`,
  createService: `mutation($input: CreateServiceInput!) { createService(input: $input) { service { id code name category version } clientMutationId } }`,
  updateService: `mutation($input: UpdateServiceInput!) { updateService(input: $input) { service { id code name category version } clientMutationId } }`,
  retireService: `mutation($input: RetireServiceInput!) { retireService(input: $input) { service { id code version } clientMutationId } }`,
} as const;
type MutationName = keyof typeof DOCUMENTS;
const MUTATIONS = Object.keys(DOCUMENTS) as MutationName[];

function mutate(name: MutationName, input: Record<string, unknown>, role: RoleLabel): Promise<GraphQLResponse<any>> {
  return gql(DOCUMENTS[name], { input }, TOKENS[role]);
}

function registration(code: Code, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    operator: code,
    siren: freshSiren(),
    name: `Communauté de communes de test ${nextTag()}`,
    kind: 'COMMUNAUTE_DE_COMMUNES',
    departement: INSIDE[code],
    population: 12_345,
    ...overrides,
  };
}

function serviceCreation(code: Code, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    operator: code,
    code: `TEST_${nextTag().replace(/-/g, '_').toUpperCase()}`,
    name: 'Service de test',
    category: 'ARCHIVAGE',
    description: 'Un service créé par les tests.',
    ...overrides,
  };
}

interface Fixtures {
  members: { id: string; version: number; status: string; subscriptions: { status: string; service: { id: string } }[] }[];
  services: { id: string; version: number; code: string }[];
}

/** The operator's first members and its active catalogue, read through the graph as they are now. */
async function fixtures(code: Code): Promise<Fixtures> {
  const response = await gql(
    `query($code: OperatorCode!) { operator(code: $code) {
       members(first: 60) { nodes { id version status subscriptions { status service { id } } } }
       services { id version code } } }`,
    { code },
  );
  if (response.errors || !response.data?.operator) throw new Error(`could not read fixtures of ${code}: ${show(response)}`);
  return { members: response.data.operator.members.nodes, services: response.data.operator.services };
}

/**
 * The same fixtures read straight from the operator's database (faster, for the many matrix
 * cells): the first members by row id with their subscriptions, and the active catalogue.
 */
async function sqlFixtures(code: Code): Promise<Fixtures> {
  const members = await sql(code, 'SELECT id, version, status FROM member ORDER BY id LIMIT 40');
  const subscriptions = await sql(code, 'SELECT member_id, service_id, status FROM subscription WHERE member_id = ANY($1) ORDER BY id', [
    members.map((m) => m.id),
  ]);
  const services = await sql(code, 'SELECT id, version, code FROM service WHERE retired_at IS NULL ORDER BY id');
  const serviceId = (id: number) => globalId(`${PREFIX[code]}Service`, id);
  return {
    members: members.map((m) => ({
      id: globalId(`${PREFIX[code]}Member`, m.id),
      version: m.version,
      status: m.status,
      subscriptions: subscriptions.filter((x) => x.member_id === m.id).map((x) => ({ status: x.status, service: { id: serviceId(x.service_id) } })),
    })),
    services: services.map((x) => ({ id: serviceId(x.id), version: x.version, code: x.code })),
  };
}

function unsubscribedPair(fx: Fixtures): { memberId: string; serviceId: string } {
  for (const member of fx.members) {
    const active = new Set(member.subscriptions.filter((s) => s.status === 'ACTIVE').map((s) => s.service.id));
    const service = fx.services.find((s) => !active.has(s.id));
    if (service) return { memberId: member.id, serviceId: service.id };
  }
  throw new Error('no member without some subscription');
}

function subscribedPair(fx: Fixtures): { memberId: string; serviceId: string } {
  const live = new Set(fx.services.map((s) => s.id));
  for (const member of fx.members) {
    const subscription = member.subscriptions.find((s) => s.status === 'ACTIVE' && live.has(s.service.id));
    if (subscription) return { memberId: member.id, serviceId: subscription.service.id };
  }
  throw new Error('no member with an active subscription among the fixtures');
}

/** A valid input for each mutation on the data of `code`, and how to check its success. */
interface Attempt {
  input: Record<string, unknown>;
  verify(payload: any): Promise<void>;
}
const ATTEMPTS: Record<MutationName, (code: Code, fx: Fixtures, tag: string) => Attempt> = {
  registerMember: (code, _fx, tag) => {
    const input = registration(code, { clientMutationId: tag });
    return {
      input,
      async verify(payload) {
        expect(payload.clientMutationId).toBe(tag);
        expect(payload.member).toMatchObject({ siren: input.siren, name: input.name, kind: 'COMMUNAUTE_DE_COMMUNES', version: 1, departement: { code: INSIDE[code] } });
        expect(localIdOf(payload.member.id)).toBeGreaterThan(0);
        expect(Buffer.from(payload.member.id, 'base64url').toString()).toMatch(new RegExp(`^${PREFIX[code]}Member:`));
      },
    };
  },
  updateMember: (code, fx, tag) => {
    const member = fx.members[1];
    const name = `Renommé ${tag}`;
    return {
      input: { id: member.id, expectedVersion: member.version, name, clientMutationId: tag },
      async verify(payload) {
        expect(payload.member).toMatchObject({ id: member.id, name, version: member.version + 1 });
        const [row] = await sql(code, 'SELECT name, version FROM member WHERE id = $1', [localIdOf(member.id)]);
        expect(row).toEqual({ name, version: member.version + 1 });
      },
    };
  },
  setMembershipStatus: (_code, fx, tag) => {
    const member = fx.members[2];
    const status = member.status === 'PARTENAIRE' ? 'ADHERENT' : 'PARTENAIRE';
    return {
      input: { id: member.id, expectedVersion: member.version, status, reason: `matrix ${tag}`, clientMutationId: tag },
      async verify(payload) {
        expect(payload.member).toMatchObject({ id: member.id, status, version: member.version + 1 });
        expect(payload.member.statusHistory.at(-1)).toMatchObject({ from: member.status, to: status, reason: `matrix ${tag}` });
      },
    };
  },
  subscribe: (_code, fx, tag) => {
    const pair = unsubscribedPair(fx);
    return {
      input: { ...pair, clientMutationId: tag },
      async verify(payload) {
        expect(payload.service).toEqual({ id: pair.serviceId });
        expect(payload.member.id).toBe(pair.memberId);
        expect(payload.member.subscriptions).toContainEqual({ status: 'ACTIVE', service: { id: pair.serviceId } });
        expect(payload.clientMutationId).toBe(tag);
      },
    };
  },
  unsubscribe: (_code, fx, tag) => {
    const pair = subscribedPair(fx);
    return {
      input: { ...pair, clientMutationId: tag },
      async verify(payload) {
        expect(payload.service).toEqual({ id: pair.serviceId });
        expect(payload.member.id).toBe(pair.memberId);
        const subscription = payload.member.subscriptions.filter((s: any) => s.service.id === pair.serviceId);
        expect(subscription).toEqual([{ status: 'ENDED', service: { id: pair.serviceId } }]);
      },
    };
  },
  createService: (code, _fx, tag) => {
    const input = serviceCreation(code, { clientMutationId: tag });
    return {
      input,
      async verify(payload) {
        expect(payload.service).toMatchObject({ code: input.code, name: input.name, category: 'ARCHIVAGE', version: 1 });
        expect(payload.clientMutationId).toBe(tag);
        const after = await fixtures(code);
        expect(after.services.map((s) => s.id)).toContain(payload.service.id);
      },
    };
  },
  updateService: (_code, fx, tag) => {
    const service = fx.services[0];
    const name = `Service renommé ${tag}`;
    return {
      input: { id: service.id, expectedVersion: service.version, name, clientMutationId: tag },
      async verify(payload) {
        expect(payload.service).toMatchObject({ id: service.id, code: service.code, name, version: service.version + 1 });
      },
    };
  },
  retireService: (code, fx, tag) => {
    const service = fx.services[fx.services.length - 1];
    return {
      input: { id: service.id, expectedVersion: service.version, clientMutationId: tag },
      async verify(payload) {
        expect(payload.service).toMatchObject({ id: service.id, code: service.code, version: service.version + 1 });
        const after = await fixtures(code);
        expect(after.services.map((s) => s.id)).not.toContain(service.id);
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// 0. What the tests assume of the API
// ---------------------------------------------------------------------------------------------

describe('Test assumptions', () => {
  it.each(CODES)('%s issues member IDs as base64url of <Type>:<row id>, and exposes version', async (code) => {
    const fx = await fixtures(code);
    expect(fx.members.length).toBeGreaterThanOrEqual(10);
    expect(fx.services.length).toBeGreaterThanOrEqual(3);
    const id = fx.members[0].id;
    const [row] = await sql(code, 'SELECT version FROM member WHERE id = $1', [localIdOf(id)]);
    expect(globalId(`${PREFIX[code]}Member`, localIdOf(id))).toBe(id);
    expect(fx.members[0].version).toBe(row.version);
    // The snapshot sees a write that changes no value, and nothing else.
    const before = await snapshot();
    await sql(code, 'UPDATE subscription SET status = status WHERE id = (SELECT min(id) FROM subscription)');
    const after = await snapshot();
    expect(after[code].subscription_written_by).not.toEqual(before[code].subscription_written_by);
    expect({ ...after[code], subscription_written_by: null }).toEqual({ ...before[code], subscription_written_by: null });
    const viaSql = await sqlFixtures(code);
    expect(viaSql.services.map((x) => x.id).sort()).toEqual(fx.services.map((x) => x.id).sort());
    expect(luhnValid('233500016')).toBe(true);
    expect(luhnValid(freshSiren())).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// 1. Access matrix
// ---------------------------------------------------------------------------------------------

interface Cell {
  operator: Code;
  mutation: MutationName;
  role: RoleLabel;
  expected: 'success' | 'UNAUTHENTICATED' | 'FORBIDDEN';
}
const CELLS: Cell[] = CODES.flatMap((operator) =>
  MUTATIONS.flatMap((mutation) => ROLE_LABELS.map((role) => ({ operator, mutation, role, expected: expectedOutcome(role, operator) }))),
);

describe('Access matrix: 3 operators × 5 roles × 8 mutations', () => {
  it('has 120 cells, 24 of them allowed', () => {
    expect(CELLS).toHaveLength(120);
    expect(CELLS.filter((cell) => cell.expected === 'success')).toHaveLength(24);
  });

  it.each(CELLS)('$mutation on $operator data by $role → $expected', async ({ operator, mutation, role, expected }) => {
    const fx = await sqlFixtures(operator);
    const tag = `matrix-${nextTag()}`;
    const attempt = ATTEMPTS[mutation](operator, fx, tag);
    const before = await snapshot();
    const response = await mutate(mutation, attempt.input, role);
    const after = await snapshot();
    if (expected === 'success') {
      const payload = expectPayload(response, mutation);
      await attempt.verify(payload);
      // One audit record, in the owner's database only; nothing else anywhere else.
      expect(after[operator].audit_log_rows).toBe((before[operator].audit_log_rows as number) + 1);
      if (mutation === 'registerMember') expect(after[operator].member_rows).toBe((before[operator].member_rows as number) + 1);
      else expect(after[operator].member_rows).toBe(before[operator].member_rows);
      for (const other of CODES.filter((code) => code !== operator)) expect(after[other]).toEqual(before[other]);
    } else {
      expectRefusal(response, mutation, expected);
      expect(after).toEqual(before);
    }
  });
});

describe('Access matrix: an operator claim without the operator_admin role writes nothing', () => {
  const ODD = CODES.flatMap((operator) => MUTATIONS.map((mutation) => ({ operator, mutation })));

  it.each(ODD)('$mutation on $operator data with { operator: $operator, roles: [partnership_admin] } or { roles: [] } → FORBIDDEN', async ({ operator, mutation }) => {
    const tokens = [
      await signTestToken({ operator, roles: ['partnership_admin'], sub: 'odd-partnership' }),
      await signTestToken({ operator, roles: [], sub: 'odd-none' }),
    ];
    const fx = await sqlFixtures(operator);
    const before = await snapshot();
    for (const token of tokens) {
      const attempt = ATTEMPTS[mutation](operator, fx, `odd-${nextTag()}`);
      expectRefusal(await gql(DOCUMENTS[mutation], { input: attempt.input }, token), mutation, 'FORBIDDEN');
    }
    expect(await snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Validation
// ---------------------------------------------------------------------------------------------

describe('Validation: BAD_USER_INPUT naming the field, nothing written', () => {
  /** Filled in beforeAll: data the cases point at. */
  const v = {
    existingSiren: '',
    existingServiceCode: '',
    member: { id: '', version: 0 },
    retiredServiceId: '',
    ternumServiceId: '',
  };

  beforeAll(async () => {
    const [existing] = await sql('MEGALIS', 'SELECT siren FROM member ORDER BY id OFFSET 10 LIMIT 1');
    v.existingSiren = existing.siren;
    const fx = await fixtures('MEGALIS');
    v.existingServiceCode = fx.services[0].code;
    // A service retired directly in the database (so that this block does not depend on retireService).
    const retired = fx.services[1];
    await sql('MEGALIS', 'UPDATE service SET retired_at = now() WHERE id = $1', [localIdOf(retired.id)]);
    v.retiredServiceId = retired.id;
    v.ternumServiceId = (await fixtures('TERNUM_BFC')).services[0].id;
  });

  /** The member the member-changing cases target, with its current version. */
  async function target() {
    const member = await seedMember('MEGALIS', 20);
    return { id: member.id, version: member.version as number };
  }
  /** An input on that member, at its current version. */
  async function onTarget(fields: Record<string, unknown>) {
    const member = await target();
    return { id: member.id, expectedVersion: member.version, ...fields };
  }

  const CASES: [string, MutationName, () => Promise<Record<string, unknown>>, string, Code?][] = [
    ['a SIREN with a bad Luhn checksum', 'registerMember', async () => {
      const good = freshSiren();
      return registration('MEGALIS', { siren: `${good.slice(0, 8)}${(Number(good[8]) + 1) % 10}` });
    }, 'input.siren'],
    ['a SIREN of 8 digits', 'registerMember', async () => registration('MEGALIS', { siren: freshSiren().slice(0, 8) }), 'input.siren'],
    ['a SIREN of 10 digits', 'registerMember', async () => registration('MEGALIS', { siren: `${freshSiren()}0` }), 'input.siren'],
    ['a SIREN with a letter', 'registerMember', async () => registration('MEGALIS', { siren: `${freshSiren().slice(0, 8)}A` }), 'input.siren'],
    ['a SIREN with spaces', 'registerMember', async () => registration('MEGALIS', { siren: '233 500 016' }), 'input.siren'],
    ['a SIREN already in the directory', 'registerMember', async () => registration('MEGALIS', { siren: v.existingSiren }), 'input.siren'],
    ['an empty name', 'registerMember', async () => registration('MEGALIS', { name: '' }), 'input.name'],
    ['a name of 301 characters', 'registerMember', async () => registration('MEGALIS', { name: 'N'.repeat(301) }), 'input.name'],
    ['a département outside the territory (75 for MEGALIS)', 'registerMember', async () => registration('MEGALIS', { departement: '75' }), 'input.departement'],
    ['a département that does not exist', 'registerMember', async () => registration('MEGALIS', { departement: '00' }), 'input.departement'],
    ['a département outside the territory (35 for TERNUM_BFC)', 'registerMember', async () => registration('TERNUM_BFC', { departement: '35' }), 'input.departement', 'TERNUM_BFC'],
    ['a département outside the territory (21 for MAXIMILIEN)', 'registerMember', async () => registration('MAXIMILIEN', { departement: OUTSIDE.MAXIMILIEN }), 'input.departement', 'MAXIMILIEN'],
    ['a negative population', 'registerMember', async () => registration('MEGALIS', { population: -1 }), 'input.population'],
    ['a population over 20,000,000', 'registerMember', async () => registration('MEGALIS', { population: 20_000_001 }), 'input.population'],
    ['a clientMutationId of 101 characters', 'registerMember', async () => registration('MEGALIS', { clientMutationId: 'c'.repeat(101) }), 'input.clientMutationId'],
    ['an empty clientMutationId', 'registerMember', async () => registration('MEGALIS', { clientMutationId: '' }), 'input.clientMutationId'],
    ['a blank name', 'registerMember', async () => registration('MEGALIS', { name: '   ' }), 'input.name'],
    ['a malformed contact e-mail', 'registerMember', async () => registration('MEGALIS', { contactEmail: 'not an e-mail' }), 'input.contactEmail'],
    ['a negative annual contribution', 'registerMember', async () => registration('MEGALIS', { annualContribution: -1 }), 'input.annualContribution'],
    ['a malformed INSEE code', 'registerMember', async () => registration('MEGALIS', { kind: 'COMMUNE', inseeCode: '3523' }), 'input.inseeCode'],
    ['a malformed member ID', 'updateMember', async () => ({ id: 'not-an-id!', expectedVersion: 1, name: 'X' }), 'input.id'],
    ['an empty name', 'updateMember', async () => onTarget({ name: '' }), 'input.name'],
    ['a name of 301 characters', 'updateMember', async () => onTarget({ name: 'N'.repeat(301) }), 'input.name'],
    ['a negative population', 'updateMember', async () => onTarget({ population: -5 }), 'input.population'],
    ['a département outside the territory', 'updateMember', async () => onTarget({ departement: OUTSIDE.MEGALIS }), 'input.departement'],
    ['a clientMutationId of 101 characters', 'updateMember', async () => onTarget({ name: 'Valide', clientMutationId: 'c'.repeat(101) }), 'input.clientMutationId'],
    ['an empty reason', 'setMembershipStatus', async () => onTarget({ status: 'RESILIE', reason: '' }), 'input.reason'],
    ['a malformed member ID', 'setMembershipStatus', async () => ({ id: '%%%', expectedVersion: 1, status: 'RESILIE', reason: 'Parce que' }), 'input.id'],
    ['an unknown service', 'subscribe', async () => ({ memberId: (await target()).id, serviceId: globalId('MegalisService', 987_654) }), 'input.serviceId'],
    ['a retired service', 'subscribe', async () => ({ memberId: (await target()).id, serviceId: v.retiredServiceId }), 'input.serviceId'],
    ["another operator's service", 'subscribe', async () => ({ memberId: (await target()).id, serviceId: v.ternumServiceId }), 'input.serviceId'],
    ['a malformed service ID', 'subscribe', async () => ({ memberId: (await target()).id, serviceId: 'nope nope' }), 'input.serviceId'],
    ['a malformed member ID', 'subscribe', async () => ({ memberId: 'x y', serviceId: v.ternumServiceId }), 'input.memberId'],
    ['a service the member never subscribed to', 'unsubscribe', async () => {
      const [row] = await sql(
        'MEGALIS',
        `SELECT m.id AS member_id, s.id AS service_id FROM member m CROSS JOIN service s
          WHERE s.retired_at IS NULL AND NOT EXISTS
            (SELECT 1 FROM subscription x WHERE x.service_id = s.id AND x.member_id = m.id)
          ORDER BY m.id, s.id LIMIT 1`,
      );
      return { memberId: globalId('MegalisMember', row.member_id), serviceId: globalId('MegalisService', row.service_id) };
    }, 'input.serviceId'],
    ['a code with spaces and lower case', 'createService', async () => serviceCreation('MEGALIS', { code: 'not a code' }), 'input.code'],
    ['a code of 65 characters', 'createService', async () => serviceCreation('MEGALIS', { code: 'C'.repeat(65) }), 'input.code'],
    ['a code already in the catalogue', 'createService', async () => serviceCreation('MEGALIS', { code: v.existingServiceCode }), 'input.code'],
    ['an empty name', 'createService', async () => serviceCreation('MEGALIS', { name: '' }), 'input.name'],
    ['a name of 201 characters', 'createService', async () => serviceCreation('MEGALIS', { name: 'S'.repeat(201) }), 'input.name'],
    ['an empty description', 'createService', async () => serviceCreation('MEGALIS', { description: '' }), 'input.description'],
    ['an empty name', 'updateService', async () => {
      const service = (await sqlFixtures('MEGALIS')).services[0];
      return { id: service.id, expectedVersion: service.version, name: '' };
    }, 'input.name'],
    ['a malformed service ID', 'updateService', async () => ({ id: 'bad', expectedVersion: 1, name: 'X' }), 'input.id'],
    ['a malformed service ID', 'retireService', async () => ({ id: '!!', expectedVersion: 1 }), 'input.id'],
  ];

  it.each(CASES)('refuses %s (%s)', async (_label, mutation, input, field, code = 'MEGALIS') => {
    const variables = await input();
    const countBefore = await memberCountViaGraph(code);
    const before = await snapshot();
    const response = await mutate(mutation, variables, adminOf(code));
    expectRefusal(response, mutation, 'BAD_USER_INPUT', field);
    expect(await snapshot()).toEqual(before);
    expect(await memberCountViaGraph(code)).toBe(countBefore);
    const [{ n }] = await sql(code, 'SELECT count(*)::int AS n FROM member');
    expect(n).toBe(countBefore);
  });

  it('authorization comes first: a caller who may not write gets UNAUTHENTICATED / FORBIDDEN, not a hint about the input or the ID', async () => {
    const before = await snapshot();
    const badSiren = registration('MEGALIS', { siren: '123456789' });
    expectRefusal(await mutate('registerMember', badSiren, 'anonymous'), 'registerMember', 'UNAUTHENTICATED');
    expectRefusal(await mutate('registerMember', badSiren, 'TERNUM_BFC admin'), 'registerMember', 'FORBIDDEN');
    expectRefusal(await mutate('registerMember', badSiren, 'partnership_admin'), 'registerMember', 'FORBIDDEN');
    const ghost = { id: globalId('MegalisMember', 987_654), expectedVersion: 1, name: 'Fantôme' };
    expectRefusal(await mutate('updateMember', ghost, 'anonymous'), 'updateMember', 'UNAUTHENTICATED');
    expectRefusal(await mutate('updateMember', ghost, 'MAXIMILIEN admin'), 'updateMember', 'FORBIDDEN');
    const member = await seedMember('MEGALIS', 20);
    expectRefusal(await mutate('updateMember', { id: member.id, expectedVersion: member.version + 7, name: 'Stale' }, 'MAXIMILIEN admin'), 'updateMember', 'FORBIDDEN');
    expect(await snapshot()).toEqual(before);
  });

  it('accepts the boundaries: a 300-character name, populations 0 and 20,000,000, a SIREN another operator already has', async () => {
    const [ternum] = await sql('TERNUM_BFC', 'SELECT siren FROM member ORDER BY id LIMIT 1');
    const inputs = [
      registration('MEGALIS', { name: 'N'.repeat(300) }),
      registration('MEGALIS', { population: 0 }),
      registration('MEGALIS', { population: 20_000_000 }),
      registration('MEGALIS', { siren: ternum.siren }),
    ];
    const countBefore = await memberCountViaGraph('MEGALIS');
    for (const input of inputs) {
      const payload = expectPayload(await mutate('registerMember', input, 'MEGALIS admin'), 'registerMember');
      expect(payload.member).toMatchObject({ siren: input.siren, name: input.name, population: input.population });
    }
    expect(await memberCountViaGraph('MEGALIS')).toBe(countBefore + inputs.length);
  });

  it.each<[string, MutationName, () => Promise<Record<string, unknown>>]>([
    ['updateMember', 'updateMember', async () => ({ id: globalId('MegalisMember', 987_654), expectedVersion: 1, name: 'Fantôme' })],
    ['setMembershipStatus', 'setMembershipStatus', async () => ({ id: globalId('MegalisMember', 987_654), expectedVersion: 1, status: 'RESILIE', reason: 'Fantôme' })],
    ['subscribe (unknown member)', 'subscribe', async () => ({ memberId: globalId('MegalisMember', 987_654), serviceId: (await fixtures('MEGALIS')).services[0].id })],
    ['unsubscribe (unknown member)', 'unsubscribe', async () => ({ memberId: globalId('MegalisMember', 987_654), serviceId: (await fixtures('MEGALIS')).services[0].id })],
    ['updateService', 'updateService', async () => ({ id: globalId('MegalisService', 987_654), expectedVersion: 1, name: 'Fantôme' })],
    ['retireService', 'retireService', async () => ({ id: globalId('MegalisService', 987_654), expectedVersion: 1 })],
  ])('refuses an unknown but well-formed ID with NOT_FOUND: %s', async (_label, mutation, input) => {
    const variables = await input();
    const before = await snapshot();
    expectRefusal(await mutate(mutation, variables, 'MEGALIS admin'), mutation, 'NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Concurrency
// ---------------------------------------------------------------------------------------------

describe('Concurrency', () => {
  it('50 concurrent updateMember with the same expectedVersion: one succeeds, 49 CONFLICT, one audit record', async () => {
    const member = await seedMember('MEGALIS', 200);
    const auditBefore = await auditCount('MEGALIS', member.localId, 'updateMember');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        mutate('updateMember', { id: member.id, expectedVersion: member.version, name: `Concurrent ${i}` }, 'MEGALIS admin'),
      ),
    );
    const winners = responses.filter((r) => !r.errors && r.data?.updateMember?.member);
    const conflicts = responses.filter((r) => r.errors?.length === 1 && r.errors[0].extensions?.code === 'CONFLICT' && !r.data?.updateMember);
    const others = responses.filter((r) => !winners.includes(r) && !conflicts.includes(r));
    if (others.length) throw new Error(`unexpected answers: ${show(others.slice(0, 3))}`);
    expect(winners).toHaveLength(1);
    expect(conflicts).toHaveLength(49);

    const winner = winners[0].data!.updateMember.member;
    expect(winner.version).toBe(member.version + 1);
    const [row] = await sql('MEGALIS', 'SELECT name, version FROM member WHERE id = $1', [member.localId]);
    expect(row).toEqual({ name: winner.name, version: member.version + 1 });
    expect(await auditCount('MEGALIS', member.localId, 'updateMember')).toBe(auditBefore + 1);

    const { data, errors } = await gql(
      'query($id: ID!) { node(id: $id) { ... on Member { auditTrail { action actor after } } } }',
      { id: member.id },
      TOKENS['MEGALIS admin'],
    );
    expect(errors).toBeUndefined();
    const updates = data!.node.auditTrail.filter((record: any) => record.action === 'updateMember');
    expect(updates).toHaveLength(auditBefore + 1);
    expect(updates.at(-1).actor).toBe(SUBJECT['MEGALIS admin']);
    expect(JSON.parse(updates.at(-1).after).name).toBe(winner.name);
  });
});

describe('Concurrency, more', () => {
  it('20 concurrent setMembershipStatus with the same expectedVersion: one succeeds, 19 CONFLICT, one history entry', async () => {
    const member = await seedMember('TERNUM_BFC', 220);
    const [{ n: historyBefore }] = await sql('TERNUM_BFC', 'SELECT count(*)::int AS n FROM membership_status_change WHERE member_id = $1', [member.localId]);
    const status = member.status === 'RESILIE' ? 'ADHERENT' : 'RESILIE';
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        mutate('setMembershipStatus', { id: member.id, expectedVersion: member.version, status, reason: `Course ${i}` }, 'TERNUM_BFC admin'),
      ),
    );
    const codes = responses.map((r) => (r.errors ? r.errors.map((e) => e.extensions?.code).join(',') : 'ok'));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(19);
    const [{ n: historyAfter }] = await sql('TERNUM_BFC', 'SELECT count(*)::int AS n FROM membership_status_change WHERE member_id = $1', [member.localId]);
    expect(historyAfter).toBe(historyBefore + 1);
    expect(await auditCount('TERNUM_BFC', member.localId, 'setMembershipStatus')).toBe(1);
  });

  it('10 concurrent registrations of one new SIREN (different clientMutationIds): one member, 9 BAD_USER_INPUT on input.siren', async () => {
    const siren = freshSiren();
    const countBefore = await memberCountViaGraph('MAXIMILIEN');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => mutate('registerMember', registration('MAXIMILIEN', { siren, clientMutationId: `race-${i}-${nextTag()}` }), 'MAXIMILIEN admin')),
    );
    const outcomes = responses.map((r) => (r.errors ? `${r.errors[0].extensions?.code}:${r.errors[0].extensions?.field}` : 'ok'));
    const unexpected = responses.filter((_r, i) => outcomes[i] !== 'ok' && outcomes[i] !== 'BAD_USER_INPUT:input.siren');
    if (unexpected.length) throw new Error(`outcomes ${outcomes.join(' ')}; unexpected answers: ${show(unexpected.slice(0, 2))}`);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(await memberCountViaGraph('MAXIMILIEN')).toBe(countBefore + 1);
    const [{ n }] = await sql('MAXIMILIEN', 'SELECT count(*)::int AS n FROM member WHERE siren = $1', [siren]);
    expect(n).toBe(1);
  });

  it('10 concurrent createService with one new code: one service, 9 BAD_USER_INPUT on input.code', async () => {
    // Warm every connection of the pools first, so that the 10 attempts below really overlap.
    const warmUp = await Promise.all(Array.from({ length: 10 }, () => mutate('createService', serviceCreation('MEGALIS'), 'MEGALIS admin')));
    warmUp.forEach((response) => expectPayload(response, 'createService'));
    const code = `RACE_${nextTag().replace(/-/g, '_').toUpperCase()}`;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => mutate('createService', serviceCreation('MEGALIS', { code, clientMutationId: `race-${i}-${nextTag()}` }), 'MEGALIS admin')),
    );
    const outcomes = responses.map((r) => (r.errors ? `${r.errors[0].extensions?.code}:${r.errors[0].extensions?.field}` : 'ok'));
    const [{ n }] = await sql('MEGALIS', 'SELECT count(*)::int AS n FROM service WHERE code = $1', [code]);
    const unexpected = responses.filter((_r, i) => outcomes[i] !== 'ok' && outcomes[i] !== 'BAD_USER_INPUT:input.code');
    if (unexpected.length) throw new Error(`outcomes ${outcomes.join(' ')}; ${n} service(s) with the code; unexpected answers: ${show(unexpected.slice(0, 1))}`);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(n).toBe(1);
  });

  it('concurrent updates of 20 different members all succeed (no false CONFLICT)', async () => {
    const members = await Promise.all(Array.from({ length: 20 }, (_, i) => seedMember('MEGALIS', 400 + i)));
    const responses = await Promise.all(
      members.map((member, i) => mutate('updateMember', { id: member.id, expectedVersion: member.version, population: 1000 + i }, 'MEGALIS admin')),
    );
    responses.forEach((response, i) => {
      const payload = expectPayload(response, 'updateMember');
      expect(payload.member).toMatchObject({ id: members[i].id, population: 1000 + i, version: members[i].version + 1 });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Idempotent retries
// ---------------------------------------------------------------------------------------------

describe('Idempotent retries (clientMutationId)', () => {
  async function sirenRows(code: Code, siren: string): Promise<number[]> {
    return (await sql(code, 'SELECT id FROM member WHERE siren = $1', [siren])).map((row) => row.id);
  }

  it('a registerMember retried with the same clientMutationId returns the first member and creates one', async () => {
    const input = registration('MAXIMILIEN', { clientMutationId: `retry-${nextTag()}` });
    const countBefore = await memberCountViaGraph('MAXIMILIEN');
    const first = expectPayload(await mutate('registerMember', input, 'MAXIMILIEN admin'), 'registerMember');
    const second = expectPayload(await mutate('registerMember', input, 'MAXIMILIEN admin'), 'registerMember');
    expect(second).toEqual(first);
    expect(second.clientMutationId).toBe(input.clientMutationId);
    expect(await memberCountViaGraph('MAXIMILIEN')).toBe(countBefore + 1);
    const ids = await sirenRows('MAXIMILIEN', input.siren as string);
    expect(ids).toEqual([localIdOf(first.member.id)]);
    expect(await auditCount('MAXIMILIEN', ids[0], 'registerMember')).toBe(1);
  });

  it('5 concurrent retries with the same clientMutationId create one member, and all return it', async () => {
    const input = registration('TERNUM_BFC', { clientMutationId: `retry-${nextTag()}` });
    const countBefore = await memberCountViaGraph('TERNUM_BFC');
    const responses = await Promise.all(Array.from({ length: 5 }, () => mutate('registerMember', input, 'TERNUM_BFC admin')));
    const ids = await sirenRows('TERNUM_BFC', input.siren as string);
    expect(ids).toHaveLength(1);
    expect(await memberCountViaGraph('TERNUM_BFC')).toBe(countBefore + 1);
    expect(await auditCount('TERNUM_BFC', ids[0], 'registerMember')).toBe(1);
    const payloads = responses.map((response) => expectPayload(response, 'registerMember'));
    for (const payload of payloads) {
      expect(payload.member.id).toBe(globalId('TernumMember', ids[0]));
      expect(payload.clientMutationId).toBe(input.clientMutationId);
    }
  });

  it('the key belongs to the caller: the same clientMutationId from another subject is another request', async () => {
    const clientMutationId = `shared-${nextTag()}`;
    const otherAdmin = await signTestToken({ operator: 'MEGALIS', roles: ['operator_admin'], sub: 'admin-megalis-2' });
    const countBefore = await memberCountViaGraph('MEGALIS');
    const first = expectPayload(await mutate('registerMember', registration('MEGALIS', { clientMutationId }), 'MEGALIS admin'), 'registerMember');
    const secondInput = registration('MEGALIS', { clientMutationId });
    const second = expectPayload(await gql(DOCUMENTS.registerMember, { input: secondInput }, otherAdmin), 'registerMember');
    expect(second.member.id).not.toBe(first.member.id);
    expect(second.member.siren).toBe(secondInput.siren);
    expect(await memberCountViaGraph('MEGALIS')).toBe(countBefore + 2);
  });

  it('a refused attempt writes nothing, not even the key: the corrected retry with the same clientMutationId succeeds', async () => {
    const clientMutationId = `fix-${nextTag()}`;
    const input = registration('MEGALIS', { clientMutationId });
    const countBefore = await memberCountViaGraph('MEGALIS');
    expectRefusal(await mutate('registerMember', { ...input, departement: '75' }, 'MEGALIS admin'), 'registerMember', 'BAD_USER_INPUT', 'input.departement');
    const payload = expectPayload(await mutate('registerMember', input, 'MEGALIS admin'), 'registerMember');
    expect(payload.member).toMatchObject({ siren: input.siren, departement: { code: INSIDE.MEGALIS } });
    expect(payload.clientMutationId).toBe(clientMutationId);
    expect(await memberCountViaGraph('MEGALIS')).toBe(countBefore + 1);
  });

  it('an updateMember retried with the same clientMutationId returns the first result instead of CONFLICT, and writes once', async () => {
    const member = await seedMember('MEGALIS', 210);
    const input = { id: member.id, expectedVersion: member.version, name: `Retried ${nextTag()}`, clientMutationId: `retry-${nextTag()}` };
    const auditBefore = await auditCount('MEGALIS', member.localId, 'updateMember');
    const first = expectPayload(await mutate('updateMember', input, 'MEGALIS admin'), 'updateMember');
    const second = expectPayload(await mutate('updateMember', input, 'MEGALIS admin'), 'updateMember');
    expect(first.member).toMatchObject({ name: input.name, version: member.version + 1 });
    expect(second).toEqual(first);
    const [row] = await sql('MEGALIS', 'SELECT version FROM member WHERE id = $1', [member.localId]);
    expect(row.version).toBe(member.version + 1);
    expect(await auditCount('MEGALIS', member.localId, 'updateMember')).toBe(auditBefore + 1);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Optimistic concurrency and the audit record
// ---------------------------------------------------------------------------------------------

describe('Optimistic concurrency (expectedVersion)', () => {
  it('an update with the current version succeeds and increments it; the same old version again is CONFLICT and changes nothing', async () => {
    const member = await seedMember('TERNUM_BFC', 300);
    const first = expectPayload(
      await mutate('updateMember', { id: member.id, expectedVersion: member.version, name: 'Première version', population: 4321 }, 'TERNUM_BFC admin'),
      'updateMember',
    );
    expect(first.member).toMatchObject({ id: member.id, name: 'Première version', population: 4321, version: member.version + 1 });
    const [rowAfterFirst] = await sql('TERNUM_BFC', 'SELECT m::text AS row FROM member m WHERE id = $1', [member.localId]);
    const before = await snapshot();

    const stale = await mutate('updateMember', { id: member.id, expectedVersion: member.version, name: 'Seconde version' }, 'TERNUM_BFC admin');
    expectRefusal(stale, 'updateMember', 'CONFLICT');
    expect(await snapshot()).toEqual(before);
    const [rowAfterStale] = await sql('TERNUM_BFC', 'SELECT m::text AS row FROM member m WHERE id = $1', [member.localId]);
    expect(rowAfterStale).toEqual(rowAfterFirst);

    const { data } = await gql('query($id: ID!) { node(id: $id) { ... on Member { name population version } } }', { id: member.id });
    expect(data!.node).toEqual({ name: 'Première version', population: 4321, version: member.version + 1 });

    // A version from the future is stale too.
    expectRefusal(
      await mutate('updateMember', { id: member.id, expectedVersion: member.version + 5, name: 'Future' }, 'TERNUM_BFC admin'),
      'updateMember',
      'CONFLICT',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('setMembershipStatus, updateService and retireService refuse a stale version with CONFLICT too', async () => {
    const member = await seedMember('MAXIMILIEN', 30);
    const services = (await fixtures('MAXIMILIEN')).services;
    const before = await snapshot();
    expectRefusal(
      await mutate('setMembershipStatus', { id: member.id, expectedVersion: member.version - 1, status: 'RESILIE', reason: 'Stale' }, 'MAXIMILIEN admin'),
      'setMembershipStatus',
      'CONFLICT',
    );
    expectRefusal(
      await mutate('updateService', { id: services[0].id, expectedVersion: services[0].version + 1, name: 'Stale' }, 'MAXIMILIEN admin'),
      'updateService',
      'CONFLICT',
    );
    expectRefusal(await mutate('retireService', { id: services[0].id, expectedVersion: services[0].version - 1 }, 'MAXIMILIEN admin'), 'retireService', 'CONFLICT');
    expect(await snapshot()).toEqual(before);
  });

  it('every change writes one audit record: who, what, before and after; readable by the operator admin', async () => {
    const member = await seedMember('MEGALIS', 310);
    const sub = 'auditor-alice';
    const token = await signTestToken({ operator: 'MEGALIS', roles: ['operator_admin'], sub });
    const trail = async () => {
      const response = await gql(
        'query($id: ID!) { node(id: $id) { ... on Member { version auditTrail { at actor action before after } } } }',
        { id: member.id },
        token,
      );
      expect(response.errors).toBeUndefined();
      return response.data!.node;
    };
    const start = await trail();
    expect(start.version).toBe(member.version);

    expectPayload(await gql(DOCUMENTS.updateMember, { input: { id: member.id, expectedVersion: member.version, name: 'Nom audité' } }, token), 'updateMember');
    expectPayload(
      await gql(DOCUMENTS.setMembershipStatus, { input: { id: member.id, expectedVersion: member.version + 1, status: 'RESILIE', reason: 'Audit' } }, token),
      'setMembershipStatus',
    );
    const end = await trail();
    expect(end.version).toBe(member.version + 2);
    const added = end.auditTrail.slice(start.auditTrail.length);
    expect(added.map((record: any) => [record.action, record.actor])).toEqual([
      ['updateMember', sub],
      ['setMembershipStatus', sub],
    ]);
    expect(JSON.parse(added[0].before).name).toBe(member.name);
    expect(JSON.parse(added[0].after).name).toBe('Nom audité');
    expect(JSON.parse(added[1].before).status).toBe(member.status);
    expect(JSON.parse(added[1].after).status).toBe('RESILIE');
    for (const record of added) expect(Number.isNaN(Date.parse(record.at))).toBe(false);

    // A creation has no "before".
    const created = expectPayload(await gql(DOCUMENTS.registerMember, { input: registration('MEGALIS') }, token), 'registerMember');
    const { data } = await gql('query($id: ID!) { node(id: $id) { ... on Member { auditTrail { actor action before after } } } }', { id: created.member.id }, token);
    expect(data!.node.auditTrail).toHaveLength(1);
    expect(data!.node.auditTrail[0]).toMatchObject({ actor: sub, action: 'registerMember', before: null });
    expect(JSON.parse(data!.node.auditTrail[0].after).siren).toBe(created.member.siren);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Status history
// ---------------------------------------------------------------------------------------------

describe('setMembershipStatus keeps the history', () => {
  it('each change appends { from, to, reason, changedBy = token sub }, oldest first, and bumps the version', async () => {
    const member = await seedMember('MAXIMILIEN', 40);
    const sub = 'bob-maximilien';
    const token = await signTestToken({ operator: 'MAXIMILIEN', roles: ['operator_admin'], sub });
    const history = async () => {
      const { data, errors } = await gql(
        'query($id: ID!) { node(id: $id) { ... on Member { status version statusHistory { from to reason changedBy changedAt } } } }',
        { id: member.id },
      );
      expect(errors).toBeUndefined();
      return data!.node;
    };
    const start = await history();
    expect(start.status).toBe(member.status);
    const first = member.status === 'RESILIE' ? 'ADHERENT' : 'RESILIE';
    const second = first === 'RESILIE' ? 'ADHERENT' : 'PARTENAIRE';

    const one = expectPayload(
      await gql(DOCUMENTS.setMembershipStatus, { input: { id: member.id, expectedVersion: member.version, status: first, reason: 'Délibération du 3 mars' } }, token),
      'setMembershipStatus',
    );
    expect(one.member).toMatchObject({ status: first, version: member.version + 1 });
    const two = expectPayload(
      await gql(DOCUMENTS.setMembershipStatus, { input: { id: member.id, expectedVersion: member.version + 1, status: second, reason: 'Nouvelle adhésion' } }, token),
      'setMembershipStatus',
    );
    expect(two.member).toMatchObject({ status: second, version: member.version + 2 });

    const end = await history();
    expect(end.status).toBe(second);
    expect(end.statusHistory).toHaveLength(start.statusHistory.length + 2);
    expect(end.statusHistory.slice(0, start.statusHistory.length)).toEqual(start.statusHistory);
    const added = end.statusHistory.slice(start.statusHistory.length);
    expect(added).toEqual([
      { from: member.status, to: first, reason: 'Délibération du 3 mars', changedBy: sub, changedAt: expect.any(String) },
      { from: first, to: second, reason: 'Nouvelle adhésion', changedBy: sub, changedAt: expect.any(String) },
    ]);
    expect(Date.parse(added[0].changedAt)).toBeLessThanOrEqual(Date.parse(added[1].changedAt));
    expect(two.member.statusHistory).toEqual(end.statusHistory);
    const [{ n }] = await sql('MAXIMILIEN', 'SELECT count(*)::int AS n FROM membership_status_change WHERE member_id = $1', [member.localId]);
    expect(n).toBe(end.statusHistory.length);
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Private fields
// ---------------------------------------------------------------------------------------------

describe('Private fields: contactEmail, annualContribution, auditTrail', () => {
  const PRIVATE_MEMBER: Record<string, { id: string; email: string; contribution: number }> = {};

  beforeAll(async () => {
    for (const code of CODES) {
      const member = await seedMember(code, 50);
      const email = `dpo+${code.toLowerCase()}@example.fr`;
      const contribution = 1000 + CODES.indexOf(code);
      await sql(code, 'UPDATE member SET contact_email = $2, annual_contribution = $3 WHERE id = $1', [member.localId, email, contribution]);
      PRIVATE_MEMBER[code] = { id: member.id, email, contribution };
    }
  });

  const READS = CODES.flatMap((operator) =>
    ROLE_LABELS.map((role) => ({ operator, role, allowed: role === adminOf(operator) || role === 'partnership_admin' })),
  );

  it.each(READS)("$role reading $operator's private fields: allowed = $allowed", async ({ operator, role, allowed }) => {
    const fixture = PRIVATE_MEMBER[operator];
    const response = await gql(
      'query($id: ID!) { node(id: $id) { id ... on Member { name contactEmail annualContribution auditTrail { action actor } } } }',
      { id: fixture.id },
      TOKENS[role],
    );
    const node = response.data?.node;
    if (!node) throw new Error(`the member itself should be readable, got ${show(response)}`);
    expect(node.id).toBe(fixture.id);
    expect(typeof node.name).toBe('string');
    if (allowed) {
      if (response.errors) throw new Error(`expected no error, got ${show(response.errors)}`);
      expect(node.contactEmail).toBe(fixture.email);
      expect(node.annualContribution).toBe(fixture.contribution);
      expect(Array.isArray(node.auditTrail)).toBe(true);
    } else {
      expect(node).toMatchObject({ contactEmail: null, annualContribution: null, auditTrail: null });
      const errors = response.errors ?? [];
      expect(errors.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      expect(errors.map((error) => error.path?.at(-1)).sort()).toEqual(['annualContribution', 'auditTrail', 'contactEmail']);
      for (const error of errors) expect(error.path?.[0]).toBe('node');
    }
  });

  it('private fields written by registerMember come back to the operator admin and partnership_admin only', async () => {
    const input = registration('TERNUM_BFC', { contactEmail: 'contact@cc-test.fr', annualContribution: 2500 });
    const query = `mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id contactEmail annualContribution auditTrail { action } } } }`;
    const payload = expectPayload(await gql(query, { input }, TOKENS['TERNUM_BFC admin']), 'registerMember');
    expect(payload.member).toMatchObject({ contactEmail: 'contact@cc-test.fr', annualContribution: 2500, auditTrail: [{ action: 'registerMember' }] });
    const read = 'query($id: ID!) { node(id: $id) { ... on Member { contactEmail annualContribution } } }';
    const partnership = await gql(read, { id: payload.member.id }, TOKENS.partnership_admin);
    expect(partnership).toEqual({ data: { node: { contactEmail: 'contact@cc-test.fr', annualContribution: 2500 } } });
    const other = await gql(read, { id: payload.member.id }, TOKENS['MEGALIS admin']);
    expect(other.data?.node).toEqual({ contactEmail: null, annualContribution: null });
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('lists are readable by anyone; their private fields are FORBIDDEN per item for other operators', async () => {
    const response = await gql('{ operator(code: MEGALIS) { members(first: 2) { nodes { id name contactEmail } } } }', {}, TOKENS['TERNUM_BFC admin']);
    expect(response.data?.operator.members.nodes).toEqual([
      { id: expect.any(String), name: expect.any(String), contactEmail: null },
      { id: expect.any(String), name: expect.any(String), contactEmail: null },
    ]);
    expect(response.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ['FORBIDDEN', ['operator', 'members', 'nodes', 0, 'contactEmail']],
      ['FORBIDDEN', ['operator', 'members', 'nodes', 1, 'contactEmail']],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// 8. Tokens at the gateway and at every subgraph
// ---------------------------------------------------------------------------------------------

describe('Tokens refused at the gateway and again at each subgraph', () => {
  const ATTEMPTS_AT_GATEWAY = BAD_TOKENS.flatMap(([label, token]) =>
    (['registerMember', 'updateMember'] as const).map((mutation) => ({ label, token, mutation })),
  );

  it.each(ATTEMPTS_AT_GATEWAY)('the gateway refuses $mutation with $label: HTTP 401 UNAUTHENTICATED, nothing written', async ({ token, mutation }) => {
    const member = await seedMember('MEGALIS', 60);
    const input = mutation === 'registerMember' ? registration('MEGALIS') : { id: member.id, expectedVersion: member.version, name: 'Forgé' };
    const before = await snapshot();
    const answer = await post(alliance.gatewayUrl, DOCUMENTS[mutation], { input }, await token('MEGALIS'));
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(answer.body.data ?? null).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  /** The subgraph's own, @inaccessible mutation fields (`megalisRegisterMember`, …), called directly. */
  const INPUT_TYPE: Record<MutationName, string> = {
    registerMember: 'MemberRegistration',
    updateMember: 'MemberUpdate',
    setMembershipStatus: 'MembershipStatusUpdate',
    subscribe: 'SubscriptionChange',
    unsubscribe: 'SubscriptionChange',
    createService: 'ServiceCreation',
    updateService: 'ServiceUpdate',
    retireService: 'ServiceRetirement',
  };
  const fieldOf = (code: Code, mutation: MutationName) =>
    `${PREFIX[code].charAt(0).toLowerCase()}${PREFIX[code].slice(1)}${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}`;
  const direct = (code: Code, mutation: MutationName) =>
    `mutation($input: ${INPUT_TYPE[mutation]}!) { ${fieldOf(code, mutation)}(input: $input) { id relatedId clientMutationId } }`;

  /** A valid operator-side input: the public one without `operator` (the subgraph is the operator). */
  const cachedFixtures = new Map<Code, Fixtures>();
  async function directInput(code: Code, mutation: MutationName): Promise<Record<string, unknown>> {
    // Refusals change nothing (each case checks it), so the fixtures read once stay current.
    if (!cachedFixtures.has(code)) cachedFixtures.set(code, await sqlFixtures(code));
    const { operator: _operator, ...input } = ATTEMPTS[mutation](code, cachedFixtures.get(code)!, `direct-${nextTag()}`).input;
    return input;
  }

  type DirectCase = { code: Code; mutation: MutationName; caller: string; token: () => Promise<string | null>; expected: string; status?: number };
  const DIRECT_CASES: DirectCase[] = CODES.flatMap((code) =>
    MUTATIONS.flatMap((mutation): DirectCase[] => [
      ...BAD_TOKENS.map(([label, token]) => ({ code, mutation, caller: label, token: () => token(code), expected: 'UNAUTHENTICATED', status: 401 })),
      { code, mutation, caller: 'no token', token: async () => null, expected: 'UNAUTHENTICATED' },
      ...CODES.filter((other) => other !== code).map((other) => ({
        code,
        mutation,
        caller: `a valid ${other} admin token`,
        token: async () => TOKENS[adminOf(other)],
        expected: 'FORBIDDEN',
      })),
      { code, mutation, caller: 'a valid partnership_admin token', token: async () => TOKENS.partnership_admin, expected: 'FORBIDDEN' },
    ]),
  );

  it.each(DIRECT_CASES)('$code subgraph refuses $mutation sent straight to it with $caller → $expected', async ({ code, mutation, token, expected, status }) => {
    const input = await directInput(code, mutation);
    // Straight to one subgraph: only its database can change.
    const before = await snapshot([code]);
    const answer = await post(alliance.subgraphs[code].url, direct(code, mutation), { input }, await token());
    if (status !== undefined) expect(answer.status).toBe(status);
    const errors = answer.body.errors ?? [];
    if (errors.length !== 1 || errors[0].extensions?.code !== expected || answer.body.data?.[fieldOf(code, mutation)]) {
      throw new Error(`expected ${expected}, got HTTP ${answer.status} ${show(answer.body)}`);
    }
    expect(await snapshot([code])).toEqual(before);
  });

  it.each(CODES)('%s subgraph accepts its own admin sent straight to it (the refusals above are not blanket ones)', async (code) => {
    const input = await directInput(code, 'registerMember');
    const answer = await post(alliance.subgraphs[code].url, direct(code, 'registerMember'), { input: { ...input, clientMutationId: 'direct' } }, TOKENS[adminOf(code)]);
    const result = answer.body.data?.[fieldOf(code, 'registerMember')];
    if (answer.body.errors || !result) throw new Error(`expected success, got HTTP ${answer.status} ${show(answer.body)}`);
    expect(result.clientMutationId).toBe('direct');
    const [row] = await sql(code, 'SELECT siren FROM member WHERE id = $1', [localIdOf(result.id)]);
    expect(row.siren).toBe(input.siren);
  });
});
