import type { DataSource } from 'typeorm';
import { encodeGlobalId } from '../shared/src/ids/global-id';
import type { OperatorDefinition } from '../shared/src/operators/operator-definition';
import { OPERATORS } from '../shared/src/operators/operator-registry';
import { indexFieldNames, mutationFieldNames } from '../shared/src/schema/index-fields';
import { signTestToken } from '../shared/src/testing/test-auth';
import { startAlliance, type Alliance, type ExtraGateway } from './support/alliance';

/**
 * Hostile input (issue 5, item 5): a corpus of bad requests — malformed JSON, wrong content types
 * and methods, huge and deeply nested documents, alias and fragment bombs, fragment cycles, unknown
 * operations, invalid and oversized variables, SQL-looking strings in every filter and argument,
 * invalid IDs, cursors and SIRENs, unicode edge cases, negative and huge page sizes, hostile writes
 * — sent through the gateway (as tests run it and as production runs it) and straight to every
 * operator subgraph (its `@inaccessible` index and mutation fields, `_entities`).
 *
 * Every answer is a 4xx, or a GraphQL answer whose errors all carry a client code (never a 5xx,
 * never `INTERNAL_SERVER_ERROR`, never a stack or SQL); every server still answers afterwards; and
 * the data is unchanged (counts and checksums over each operator's tables, by SQL, before and
 * after). Writes are sent with tokens that are allowed to write, so that they reach validation:
 * the alliance runs on databases of its own.
 */

let alliance: Alliance;
let production: ExtraGateway;
const ADMIN_TOKENS: Record<string, string> = {};
let snapshotBefore: Record<string, Snapshot>;

beforeAll(async () => {
  alliance = await startAlliance({ isolated: true });
  production = await alliance.startGateway({ NODE_ENV: 'production', RATE_LIMIT_PER_MINUTE: '0' });
  for (const operator of OPERATORS) {
    ADMIN_TOKENS[operator.code] = await signTestToken({ operator: operator.code, roles: ['operator_admin'], sub: `hostile-${operator.slug}` });
  }
  snapshotBefore = await snapshotAll();
});

afterAll(async () => {
  await alliance?.close();
});

// ---------------------------------------------------------------------------------------------
// The data, checked
// ---------------------------------------------------------------------------------------------

interface Snapshot {
  members: number;
  services: number;
  subscriptions: number;
  vendors: number;
  status_changes: number;
  audit_records: number;
  idempotency_keys: number;
  member_checksum: string;
  service_checksum: string;
  subscription_checksum: string;
}

async function snapshot(dataSource: DataSource): Promise<Snapshot> {
  const [row] = await dataSource.query(`
    SELECT (SELECT count(*)::int FROM member) AS members,
           (SELECT count(*)::int FROM service) AS services,
           (SELECT count(*)::int FROM subscription) AS subscriptions,
           (SELECT count(*)::int FROM vendor) AS vendors,
           (SELECT count(*)::int FROM membership_status_change) AS status_changes,
           (SELECT count(*)::int FROM audit_log) AS audit_records,
           (SELECT count(*)::int FROM idempotency_key) AS idempotency_keys,
           (SELECT md5(coalesce(string_agg(m::text, '|' ORDER BY m.id), '')) FROM member m) AS member_checksum,
           (SELECT md5(coalesce(string_agg(s::text, '|' ORDER BY s.id), '')) FROM service s) AS service_checksum,
           (SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM subscription x) AS subscription_checksum`);
  return row as Snapshot;
}

async function snapshotAll(): Promise<Record<string, Snapshot>> {
  const all: Record<string, Snapshot> = {};
  for (const operator of OPERATORS) all[operator.code] = await snapshot(alliance.subgraphs[operator.code].dataSource);
  return all;
}

// ---------------------------------------------------------------------------------------------
// Sending, and judging the answer
// ---------------------------------------------------------------------------------------------

interface Raw {
  method?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
  search?: string;
}

interface Case {
  name: string;
  /** A GraphQL request (JSON-encoded), or a raw HTTP request. */
  request: { query?: unknown; variables?: unknown; operationName?: unknown; token?: string } | { raw: Raw };
  /** `refused`: must be refused (4xx, or errors and no data for the refused field). `safe`: may also be answered. */
  expect: 'refused' | 'safe';
  /** When refused, one of these codes. */
  codes?: string[];
  /** A 4xx without a JSON body is right: Node's HTTP parser refuses the request before any code of ours runs. */
  plain4xx?: boolean;
}

/** The codes a client may see for its own mistakes; `INTERNAL_SERVER_ERROR` is not one. */
const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
]);

interface Target {
  name: string;
  url: string;
  /** The subgraph's operator, for subgraph targets. */
  operator?: OperatorDefinition;
}

async function send(target: Target, testCase: Case): Promise<{ status: number; text: string }> {
  let init: RequestInit;
  let url = target.url;
  if ('raw' in testCase.request) {
    const raw = testCase.request.raw;
    const headers: Record<string, string> = { ...(raw.headers ?? {}) };
    if (raw.contentType !== null) headers['content-type'] = raw.contentType ?? 'application/json';
    init = { method: raw.method ?? 'POST', headers, body: raw.body as BodyInit | undefined };
    if (raw.search) url += raw.search;
  } else {
    const { token, ...payload } = testCase.request;
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(payload),
    };
  }
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text() };
}

/** What is wrong with the answer to `testCase`, or null. */
function judge(testCase: Case, answer: { status: number; text: string }): string | null {
  if (answer.status >= 500) return `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
  let body: { data?: unknown; errors?: { message?: unknown; extensions?: Record<string, unknown> }[] };
  try {
    body = JSON.parse(answer.text);
  } catch {
    if (testCase.plain4xx && answer.status >= 400) return null;
    return `HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (/\bat [^\s]+ \(?\/[^)]*:\d+:\d+\)?/.test(answer.text) || /stacktrace/i.test(answer.text)) return `a stack trace: ${answer.text.slice(0, 300)}`;
  if (/QueryFailedError|syntax error at or near|invalid byte sequence|relation "\w+"|column "\w+"/i.test(answer.text)) return `database details: ${answer.text.slice(0, 300)}`;
  const errors = body.errors ?? [];
  for (const error of errors) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !CLIENT_CODES.has(code)) return `HTTP ${answer.status}, error code ${String(code)}: ${String(error.message).slice(0, 200)}`;
  }
  if (answer.status >= 400 && errors.length === 0) return `HTTP ${answer.status} without an error`;
  if (answer.status === 200 && errors.length === 0 && (body.data === undefined || body.data === null)) return 'HTTP 200 with neither data nor errors';
  if (testCase.expect === 'refused') {
    if (errors.length === 0) return `accepted: ${answer.text.slice(0, 200)}`;
    if (testCase.codes && !errors.some((error) => testCase.codes!.includes(String(error.extensions?.code)))) {
      return `refused with ${errors.map((error) => error.extensions?.code).join(', ')}, expected one of ${testCase.codes.join(', ')}`;
    }
  }
  return null;
}

/** Sends every case (a few at a time), then checks that the target still answers. */
async function run(target: Target, cases: Case[]): Promise<string[]> {
  const failures: string[] = [];
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let testCase = queue.shift(); testCase; testCase = queue.shift()) {
        try {
          const problem = judge(testCase, await send(target, testCase));
          if (problem) failures.push(`${testCase.name}: ${problem}`);
        } catch (error) {
          failures.push(`${testCase.name}: no answer (${(error as Error).message})`);
        }
      }
    }),
  );
  const alive = await send(target, { name: 'alive', request: { query: '{ __typename }' }, expect: 'safe' });
  if (alive.status !== 200 || !alive.text.includes('"__typename"')) failures.push(`${target.name} no longer answers: HTTP ${alive.status} ${alive.text.slice(0, 200)}`);
  return failures;
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

const SQL = [
  "'; DROP TABLE member; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  '1; DELETE FROM member WHERE true; --',
  '$$; DROP TABLE service; $$',
  "%' UNION SELECT contact_email, siren FROM member --",
  "\\'; TRUNCATE subscription CASCADE; --",
  '%_%',
  '*/ DROP TABLE vendor; /*',
];

const UNICODE = [
  '\uD800', // a lone high surrogate
  'abc\uDC00', // a lone low surrogate
  '\u202Eenihcam\u202C', // right-to-left override
  '\u200F\u200E\u061C', // RTL and LTR marks, Arabic letter mark
  'a\u0000b', // NUL
  '\u0000',
  '\u0007\u001b[2J', // control characters, a terminal escape
  '🏛️👩‍👩‍👧‍👦🇫🇷', // emoji, ZWJ sequence, flag
  'e\u0301\u0301\u0301\u0301\u0301', // combining accents
  'Z̴̡̛̼̗a̶͇l̷g̸o̵', // "zalgo"
  '\uFEFFsaint', // byte order mark
  '\uFFFF\uFFFE', // non-characters
  '𝕄𝕖𝕘𝕒𝕝𝕚𝕤', // mathematical letters (astral plane)
  'İSTANBUL ß ǅ ﬁ', // case mappings that change length
  '\u00A0\u2028\u2029', // no-break space, line and paragraph separators
  'ｓａｉｎｔ', // full-width letters
];

const HOSTILE_STRINGS = [...SQL, ...UNICODE, '', ' ', 'x'.repeat(10_000)];
/** A few of each kind, for the second gateway (production differs in what it shows, not in what it accepts). */
const SAMPLE_STRINGS = [SQL[0], SQL[1], SQL[5], '\uD800', 'a\u0000b', '\u202Eenihcam\u202C', 'e\u0301\u0301\u0301', '', 'x'.repeat(10_000)];

const INVALID_IDS = [
  '',
  'abc',
  '====',
  'not base64!',
  encodeGlobalId('MegalisMember', "1'; DROP TABLE member; --"),
  Buffer.from("MegalisMember:1'; DROP TABLE member; --").toString('base64url'),
  Buffer.from('MegalisMember:-1').toString('base64url'),
  Buffer.from('MegalisMember:99999999999999999999999').toString('base64url'),
  Buffer.from('MegalisMember:1e5').toString('base64url'),
  Buffer.from('Member:1').toString('base64url'),
  Buffer.from('__proto__:1').toString('base64url'),
  Buffer.from('MegalisMember').toString('base64url'),
  Buffer.from('MegalisMember:').toString('base64url'),
  Buffer.from('MegalisMember:1\u0000').toString('base64url'),
  'TWVnYWxpc01lbWJlcjox=', // padded
  'A'.repeat(5_000),
  ...SQL,
  ...UNICODE,
];

const INVALID_CURSORS = [
  'garbage',
  '!!!',
  'e30', // {}
  Buffer.from('{"t":"members","p":{"MEGALIS":"\'; DROP TABLE member; --"}}').toString('base64url'),
  Buffer.from('{"t":"members:NAME:ASC","p":{"MEGALIS":{"$gt":""}}}').toString('base64url'),
  Buffer.from('{"t":null,"p":null}').toString('base64url'),
  Buffer.from('[1,2,3]').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from('{"__proto__":{"polluted":true}}').toString('base64url'),
  Buffer.from('\u0000\u0001\u0002').toString('base64url'),
  'A'.repeat(30_000),
  ...SQL,
  ...UNICODE,
];

const INVALID_SIRENS = ['', '12345678', '1234567890', '123456789', 'abcdefghi', ' 253514491', '253514491 ', '２５３５１４４９１', '25351449\u0000', '-25351449', '2.5351449', ...SQL, ...UNICODE];

const PAGE_SIZES: unknown[] = [-1, 0, 501, 100_000, 2_147_483_647, -2_147_483_648, 2_147_483_648, 1e100, 1.5, '10', null, true, [20], { n: 20 }, Number.MAX_SAFE_INTEGER];

/** Cases of the HTTP layer, the same for every service. */
function httpCases(): Case[] {
  const raw = (name: string, request: Raw, codes?: string[]): Case => ({ name, request: { raw: request }, expect: 'refused', codes });
  const rawSafe = (name: string, request: Raw): Case => ({ name, request: { raw: request }, expect: 'safe' });
  const ok = JSON.stringify({ query: '{ __typename }' });
  const deepJson = '['.repeat(100_000) + ']'.repeat(100_000);
  return [
    raw('empty body', { body: '' }),
    raw('malformed JSON', { body: '{"query": "{ __typename }"' }),
    raw('JSON with a trailing comma', { body: '{"query": "{ __typename }",}' }),
    raw('JSON null', { body: 'null' }),
    raw('a JSON string', { body: '"{ __typename }"' }),
    raw('a JSON number', { body: '42' }),
    raw('an empty JSON array (batching is off)', { body: '[]' }),
    raw('a JSON array of requests (batching is off)', { body: `[${ok},${ok}]` }),
    raw('JSON nested 100,000 levels deep', { body: deepJson }),
    raw('query is a number', { body: '{"query": 1}' }),
    raw('query is null', { body: '{"query": null}' }),
    raw('query is an object', { body: '{"query": {"$ne": ""}}' }),
    raw('no query', { body: '{"variables": {}}' }),
    raw('variables are a string', { body: JSON.stringify({ query: '{ __typename }', variables: 'not an object' }) }),
    raw('variables are a list', { body: JSON.stringify({ query: '{ __typename }', variables: [1, 2] }) }),
    raw('operationName is a number', { body: JSON.stringify({ query: '{ __typename }', operationName: 5 }) }),
    raw('extensions are a string', { body: JSON.stringify({ query: '{ __typename }', extensions: 'x' }) }),
    raw('an unknown persisted query', { body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }) }),
    raw('a malformed persisted query hash', { body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "'; DROP TABLE member; --" } } }) }),
    rawSafe('invalid UTF-8 bytes in a string', { body: Buffer.concat([Buffer.from('{"query": "{ __typename }", "operationName": null, "x": "'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]) }),
    raw('invalid UTF-8 bytes in the query', { body: Buffer.concat([Buffer.from('{"query": "{ __typename '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(' }"}')]) }, ['GRAPHQL_PARSE_FAILED']),
    raw('a UTF-16 body', { body: Buffer.from(ok, 'utf16le') }),
    raw('a body over the limit', { body: JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(1_100_000) } }) }),
    raw('no content type', { contentType: null, body: ok }),
    raw('text/plain', { contentType: 'text/plain', body: ok }),
    raw('a form', { contentType: 'application/x-www-form-urlencoded', body: 'query=%7B__typename%7D' }),
    raw('multipart', { contentType: 'multipart/form-data; boundary=x', body: `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${ok}\r\n--x--` }),
    raw('application/graphql', { contentType: 'application/graphql', body: '{ __typename }' }),
    raw('JSON in Latin-1', { contentType: 'application/json; charset=latin1', body: ok }),
    rawSafe('a JSON content type with a parameter of 10 KB', { contentType: `application/json; x=${'a'.repeat(10_000)}`, body: ok }),
    raw('a content type of 10 KB', { contentType: `application/${'a'.repeat(10_000)}`, body: ok }),
    raw('PUT', { method: 'PUT', body: ok }),
    raw('DELETE', { method: 'DELETE' }),
    raw('PATCH', { method: 'PATCH', body: ok }),
    raw('a GET without a preflight header (CSRF prevention)', { method: 'GET', contentType: null, search: '?query=%7B__typename%7D' }),
    raw('a GET mutation', { method: 'GET', contentType: null, headers: { 'apollo-require-preflight': 'true' }, search: `?query=${encodeURIComponent('mutation { __typename }')}` }),
    raw('a GET with malformed variables', { method: 'GET', contentType: null, headers: { 'apollo-require-preflight': 'true' }, search: `?query=%7B__typename%7D&variables=%7Bnope` }),
    rawSafe('a GET with a query of 1,200 tokens', { method: 'GET', contentType: null, headers: { 'apollo-require-preflight': 'true' }, search: `?query=${encodeURIComponent(`{ ${'__typename '.repeat(1_200)}}`)}` }),
    { ...raw('a request line of 200 KB', { method: 'GET', contentType: null, search: `?query=${'x'.repeat(200_000)}` }), plain4xx: true },
    { ...raw('headers of 40 KB', { headers: { 'x-junk': 'x'.repeat(40_000) }, body: ok }), plain4xx: true },
    raw('a malformed bearer token', { headers: { authorization: "Bearer '; DROP TABLE member; --" }, body: ok }, ['UNAUTHENTICATED']),
    raw('an oversized bearer token', { headers: { authorization: `Bearer ${'a'.repeat(9_000)}` }, body: ok }, ['UNAUTHENTICATED']),
    raw('an alg=none token', { headers: { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["partnership_admin"]}').toString('base64url')}.` }, body: ok }, ['UNAUTHENTICATED']),
  ];
}

/** Cases of the GraphQL layer that need no schema knowledge. */
function documentCases(field: string): Case[] {
  const refused = (name: string, query: unknown, codes?: string[], extra: Partial<Case['request']> = {}): Case => ({ name, request: { query, ...extra }, expect: 'refused', codes });
  const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: __typename`).join(' ');
  const laughs = Array.from({ length: 12 }, (_, index) => `fragment F${index} on Query { ...F${index + 1} ...F${index + 1} }`).join('\n');
  return [
    refused('a parse error', '{ __typename', ['GRAPHQL_PARSE_FAILED']),
    refused('an empty document', '', ['BAD_REQUEST', 'GRAPHQL_PARSE_FAILED']),
    refused('only a comment', '# nothing here', ['GRAPHQL_PARSE_FAILED']),
    refused('100,000 opening braces', '{'.repeat(100_000), ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']),
    refused('a query 200 levels deep', `{ ${`${field} { `.repeat(200)}__typename${' }'.repeat(200)} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
    refused('an alias bomb (2,000 aliases)', `{ ${aliases(2_000)} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
    refused('a fragment bomb ("billion laughs")', `{ ...F0 }\n${laughs}\nfragment F12 on Query { __typename }`, ['GRAPHQL_VALIDATION_FAILED']),
    refused('a fragment cycle', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('a fragment spreading itself', '{ ...A } fragment A on Query { __typename ...A }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('an undefined fragment', '{ ...Nope }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('directives 500 times', `{ __typename ${'@include(if: true) '.repeat(500)}}`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
    refused('an unknown directive', '{ __typename @drop(table: "member") }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('a subscription operation', 'subscription { __typename }', ['GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']),
    refused('an unknown field', '{ dropTable }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('an unknown operationName', 'query A { __typename }', ['OPERATION_RESOLUTION_FAILURE'], { operationName: 'B' }),
    refused('an operationName that is SQL', 'query A { __typename }', ['OPERATION_RESOLUTION_FAILURE'], { operationName: "'; DROP TABLE member; --" }),
    refused('an operationName of 100 KB', 'query A { __typename }', ['OPERATION_RESOLUTION_FAILURE'], { operationName: 'B'.repeat(100_000) }),
    refused('two operations without operationName', 'query A { __typename } query B { __typename }', ['OPERATION_RESOLUTION_FAILURE']),
    refused('only fragments', 'fragment A on Query { __typename }', ['GRAPHQL_VALIDATION_FAILED', 'OPERATION_RESOLUTION_FAILURE']),
    refused('a variable of an unknown type', 'query($x: Nope) { __typename }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('a mutation of nothing', 'mutation { nope }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('a string literal with a NUL escape in an unknown argument', '{ __typename(x: "\\u0000") }', ['GRAPHQL_VALIDATION_FAILED']),
    refused('a query of 700 KB of comments and 20,000 tokens', `${'#'.repeat(700_000)}\n{ ${'__typename '.repeat(20_000)}}`, ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']),
    { name: 'prototype pollution through variables', request: { query: 'query($x: String) { __typename }', variables: JSON.parse('{"x": "a", "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') }, expect: 'safe' },
  ];
}

type Vars = Record<string, unknown>;

/** A request whose variable `name` is `json` as is (too deep for JSON.stringify's recursion). */
const deepVariable = (name: string, query: string, variable: string, json: string, expect: Case['expect'] = 'refused'): Case => ({
  name,
  request: { raw: { body: `{"query": ${JSON.stringify(query)}, "variables": {${JSON.stringify(variable)}: ${json}}}` } },
  expect,
  codes: expect === 'refused' ? ['BAD_USER_INPUT'] : undefined,
});
const q = (name: string, query: string, variables: Vars, expect: Case['expect'] = 'safe', codes?: string[], token?: string): Case => ({ name, request: { query, variables, token }, expect, codes });

/** The gateway's public schema, every argument; `sample`: fewer values of each kind. */
function gatewayCases(sample = false): Case[] {
  const cases: Case[] = [];
  const pick = <T>(values: T[]) => (sample ? values.slice(0, 6) : values);
  const members = 'query($f: PartnershipMemberFilter, $first: Int, $after: String) { members(filter: $f, first: $first, after: $after) { totalCount unavailableOperators { code } pageInfo { endCursor } nodes { id name } } }';
  const services = 'query($f: ServiceFilter, $first: Int, $after: String) { services(filter: $f, first: $first, after: $after) { totalCount nodes { id name } } }';
  const search = 'query($text: String!, $first: Int, $after: String) { search(text: $text, first: $first, after: $after) { totalCount nodes { __typename } } }';
  const operatorMembers = 'query($f: MemberFilter, $first: Int, $after: String) { operator(code: MEGALIS) { members(filter: $f, first: $first, after: $after) { totalCount nodes { id } } } }';
  const bySiren = 'query($s: String!) { membersBySiren(siren: $s) { id } }';
  const node = 'query($id: ID!) { node(id: $id) { id } }';
  const nodes = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
  for (const [index, text] of (sample ? SAMPLE_STRINGS : HOSTILE_STRINGS).entries()) {
    const label = `string #${index} ${JSON.stringify(text.slice(0, 30))}`;
    cases.push(
      q(`members nameContains ${label}`, members, { f: { nameContains: text } }),
      q(`members departements ${label}`, members, { f: { departements: [text] } }),
      q(`members regions ${label}`, members, { f: { regions: [text] } }),
      q(`members vendors ${label}`, members, { f: { vendors: [text] } }),
      q(`members serviceCodes ${label}`, members, { f: { serviceCodes: [text] } }),
      q(`members everything ${label}`, members, { f: { nameContains: text, departements: [text], regions: [text], vendors: [text], serviceCodes: [text] } }),
      q(`members after ${label}`, members, { after: text }),
      q(`services nameContains ${label}`, services, { f: { nameContains: text } }),
      q(`services vendors ${label}`, services, { f: { vendors: [text] } }),
      q(`services after ${label}`, services, { after: text }),
      q(`search text ${label}`, search, { text }),
      q(`search after ${label}`, search, { text: 'saint', after: text }),
      q(`operator members nameContains ${label}`, operatorMembers, { f: { nameContains: text, departements: [text], vendors: [text], serviceCodes: [text] } }),
      q(`operator members after ${label}`, operatorMembers, { after: text }),
      q(`an enum given as ${label}`, members, { f: { kinds: [text] } }),
    );
  }
  for (const [index, id] of pick(INVALID_IDS).entries()) {
    const label = `id #${index} ${JSON.stringify(id.slice(0, 30))}`;
    cases.push(q(`node ${label}`, node, { id }), q(`nodes ${label}`, nodes, { ids: [id, encodeGlobalId('MegalisMember', 1)] }));
  }
  for (const [index, cursor] of pick(INVALID_CURSORS).entries()) {
    const label = `cursor #${index} ${JSON.stringify(cursor.slice(0, 30))}`;
    cases.push(q(`members ${label}`, members, { after: cursor }, 'refused', ['BAD_USER_INPUT']), q(`operator members ${label}`, operatorMembers, { after: cursor }, 'refused', ['BAD_USER_INPUT']));
  }
  for (const [index, siren] of pick(INVALID_SIRENS).entries()) {
    cases.push(q(`membersBySiren #${index} ${JSON.stringify(siren.slice(0, 30))}`, bySiren, { s: siren }, 'refused', ['BAD_USER_INPUT']));
  }
  for (const size of PAGE_SIZES) {
    const label = `first = ${JSON.stringify(size)}`;
    // null is the default page size; 0 to 500 are page sizes; anything else is refused.
    const outcome = size === null || (typeof size === 'number' && Number.isInteger(size) && size >= 0 && size <= 500) ? 'safe' : 'refused';
    cases.push(
      q(`members ${label}`, members, { first: size }, outcome),
      q(`services ${label}`, services, { first: size }, outcome),
      q(`search ${label}`, search, { text: 'saint', first: size }, outcome),
      q(`operator members ${label}`, operatorMembers, { first: size }, outcome),
    );
  }
  cases.push(
    q('a literal first: -1', '{ members(first: -1) { totalCount } }', {}, 'refused', ['BAD_USER_INPUT']),
    q('a literal first beyond Int', '{ members(first: 99999999999) { totalCount } }', {}, 'refused', ['GRAPHQL_VALIDATION_FAILED']),
    q('nodes with 10,000 IDs', nodes, { ids: Array.from({ length: 10_000 }, (_, index) => encodeGlobalId('MegalisMember', index + 1)) }, 'refused', ['BAD_USER_INPUT']),
    q('a filter list of 50,000 départements', members, { f: { departements: Array.from({ length: 50_000 }, () => '35') } }, 'refused', ['BAD_USER_INPUT']),
    deepVariable('a filter list nested 10,000 deep', members, 'f', `{"departements": ${'['.repeat(10_000)}"35"${']'.repeat(10_000)}}`),
    deepVariable('a filter nested 10,000 deep in an unknown field', members, 'f', `{"nameContains": "saint", "x": ${'{"x":'.repeat(10_000)}1${'}'.repeat(10_000)}}`),
    q('an empty cursor is no cursor', members, { after: '', first: 1 }, 'safe'),
    q('a variable of 900 KB', members, { f: { nameContains: 'x'.repeat(900_000) } }, 'refused', ['BAD_USER_INPUT']),
    q('an unknown filter field', members, { f: { dropTable: 'member' } }, 'refused', ['BAD_USER_INPUT']),
    q('a filter that is a string', members, { f: "'; DROP TABLE member; --" }, 'refused', ['BAD_USER_INPUT']),
    q('a null for a non-null variable', search, { text: null }, 'refused', ['BAD_USER_INPUT']),
    q('a missing required variable', search, {}, 'refused', ['BAD_USER_INPUT']),
    q('minPopulation beyond Int', members, { f: { minPopulation: 1e12 } }, 'refused', ['BAD_USER_INPUT']),
    q('minPopulation negative', members, { f: { minPopulation: -5 } }, 'refused', ['BAD_USER_INPUT']),
    q('an operator code that is SQL', 'query($c: OperatorCode!) { operator(code: $c) { name } }', { c: "MEGALIS'; --" }, 'refused', ['BAD_USER_INPUT']),
    q('an order that is SQL', 'query($o: MemberOrder) { members(orderBy: $o) { totalCount } }', { o: { field: 'name; DROP TABLE member', direction: 'ASC' } }, 'refused', ['BAD_USER_INPUT']),
  );
  return [...cases, ...gatewayWrites(sample)];
}

/** Writes that must all be refused, by a caller allowed to write. */
function gatewayWrites(sample: boolean): Case[] {
  const token = ADMIN_TOKENS.MEGALIS;
  const register = 'mutation($input: RegisterMemberInput!) { registerMember(input: $input) { member { id } } }';
  const update = 'mutation($input: UpdateMemberInput!) { updateMember(input: $input) { member { id } } }';
  const status = 'mutation($input: SetMembershipStatusInput!) { setMembershipStatus(input: $input) { member { id } } }';
  const subscribe = 'mutation($input: SubscribeInput!) { subscribe(input: $input) { member { id } } }';
  const createService = 'mutation($input: CreateServiceInput!) { createService(input: $input) { service { id } } }';
  const updateService = 'mutation($input: UpdateServiceInput!) { updateService(input: $input) { service { id } } }';
  const retireService = 'mutation($input: RetireServiceInput!) { retireService(input: $input) { service { id } } }';
  const valid = { operator: 'MEGALIS', siren: '213500010', name: 'Commune hostile', kind: 'COMMUNE', departement: '35' };
  const member1 = encodeGlobalId('MegalisMember', 1);
  const cases: Case[] = [];
  const refused = (name: string, query: string, input: Vars) => q(name, query, { input }, 'refused', ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN'], token);
  for (const [index, text] of (sample ? SAMPLE_STRINGS : HOSTILE_STRINGS).entries()) {
    const label = `#${index} ${JSON.stringify(text.slice(0, 30))}`;
    cases.push(
      refused(`registerMember siren ${label}`, register, { ...valid, siren: text, name: text }),
      refused(`registerMember departement ${label}`, register, { ...valid, departement: text }),
      refused(`registerMember inseeCode ${label}`, register, { ...valid, siren: '000000000', inseeCode: text }),
      refused(`registerMember contactEmail ${label}`, register, { ...valid, siren: 'x', contactEmail: text }),
      refused(`registerMember clientMutationId ${label}`, register, { ...valid, siren: 'x', clientMutationId: text }),
      refused(`updateMember id ${label}`, update, { id: text, expectedVersion: 1, name: text }),
      refused(`updateMember stale version, name ${label}`, update, { id: member1, expectedVersion: 999_999, name: text }),
      refused(`setMembershipStatus id ${label}`, status, { id: text, expectedVersion: 1, status: 'RESILIE', reason: text }),
      refused(`subscribe ids ${label}`, subscribe, { memberId: text, serviceId: text }),
      refused(`createService code ${label}`, createService, { operator: 'MEGALIS', code: text, name: text, category: 'ARCHIVAGE', description: text }),
      refused(`updateService id ${label}`, updateService, { id: text, expectedVersion: 1, name: text }),
      refused(`retireService id ${label}`, retireService, { id: text, expectedVersion: 1 }),
    );
  }
  // Text fields of otherwise valid writes: control characters and lengths are refused.
  for (const text of ['a\u0000b', '\u0000', '\u0007\u001b[2J', '', '   ', 'x'.repeat(301), 'x'.repeat(100_000)]) {
    cases.push(refused(`registerMember name ${JSON.stringify(text.slice(0, 20))}`, register, { ...valid, name: text }));
    cases.push(refused(`updateMember stale version with name ${JSON.stringify(text.slice(0, 20))}`, update, { id: member1, expectedVersion: 0, name: text }));
  }
  cases.push(
    refused('registerMember population -1', register, { ...valid, population: -1 }),
    refused('registerMember population beyond Int', register, { ...valid, population: 1e12 }),
    refused('registerMember annualContribution -1', register, { ...valid, annualContribution: -1 }),
    refused('registerMember for another operator', register, { ...valid, operator: 'MAXIMILIEN', departement: '92' }),
    refused('registerMember with an operator that is SQL', register, { ...valid, operator: "MEGALIS'--" }),
    refused('updateMember expectedVersion beyond Int', update, { id: member1, expectedVersion: 1e12 }),
    refused('updateMember expectedVersion negative', update, { id: member1, expectedVersion: -1, name: 'x' }),
  );
  return cases;
}

/** An operator subgraph's own fields: its index and mutation fields, and `_entities`. */
function subgraphCases(operator: OperatorDefinition): Case[] {
  const f = indexFieldNames(operator);
  const m = mutationFieldNames(operator);
  const prefix = operator.typePrefix;
  const token = ADMIN_TOKENS[operator.code];
  const memberIndex = `query($f: MemberFilter, $first: Int!, $after: String) { ${f.memberIndex}(filter: $f, first: $first, after: $after, withCount: true) { totalCount hasMore entries { id key cursor } } }`;
  const serviceIndex = `query($f: ServiceIndexFilter, $first: Int!, $after: String) { ${f.serviceIndex}(filter: $f, first: $first, after: $after, withCount: true) { totalCount entries { id } } }`;
  const searchIndex = `query($text: String!, $first: Int!, $after: String) { ${f.searchIndex}(text: $text, first: $first, after: $after, withCount: true) { totalCount entries { id score } } }`;
  const bySiren = `query($s: String!) { ${f.membersBySiren}(siren: $s) { id } }`;
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${prefix}Member { id name } ... on ${prefix}Service { id name } } }`;
  const register = `mutation($input: MemberRegistration!) { ${m.registerMember}(input: $input) { id } }`;
  const update = `mutation($input: MemberUpdate!) { ${m.updateMember}(input: $input) { id } }`;
  const subscribe = `mutation($input: SubscriptionChange!) { ${m.subscribe}(input: $input) { id } }`;
  const createService = `mutation($input: ServiceCreation!) { ${m.createService}(input: $input) { id } }`;
  const refusedWrite = (name: string, query: string, input: Vars) => q(name, query, { input }, 'refused', ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN'], token);
  const member1 = encodeGlobalId(`${prefix}Member`, 1);
  const valid = { siren: '213500010', name: 'Commune hostile', kind: 'COMMUNE', departement: operator.departementCodes[0] };
  const cases: Case[] = [];
  for (const [index, text] of HOSTILE_STRINGS.entries()) {
    const label = `#${index} ${JSON.stringify(text.slice(0, 30))}`;
    cases.push(
      q(`member index nameContains ${label}`, memberIndex, { first: 5, f: { nameContains: text } }),
      q(`member index departements ${label}`, memberIndex, { first: 5, f: { departements: [text] } }),
      q(`member index vendors ${label}`, memberIndex, { first: 5, f: { vendors: [text] } }),
      q(`member index serviceCodes ${label}`, memberIndex, { first: 5, f: { serviceCodes: [text] } }),
      q(`member index after ${label}`, memberIndex, { first: 5, after: text }),
      q(`service index nameContains and vendors ${label}`, serviceIndex, { first: 5, f: { nameContains: text, vendors: [text] } }),
      q(`service index after ${label}`, serviceIndex, { first: 5, after: text }),
      q(`search index text ${label}`, searchIndex, { text, first: 5 }),
      q(`search index after ${label}`, searchIndex, { text: 'saint', first: 5, after: text }),
      q(`membersBySiren ${label}`, bySiren, { s: text }, 'refused', ['BAD_USER_INPUT']),
      q(`_entities id ${label}`, entities, { r: [{ __typename: `${prefix}Member`, id: text }, { __typename: `${prefix}Service`, id: text }] }),
      refusedWrite(`register siren and name ${label}`, register, { ...valid, siren: text, name: text }),
      refusedWrite(`register departement ${label}`, register, { ...valid, departement: text }),
      refusedWrite(`update id ${label}`, update, { id: text, expectedVersion: 1, name: text }),
      refusedWrite(`update stale, name ${label}`, update, { id: member1, expectedVersion: 999_999, name: text }),
      refusedWrite(`subscribe ${label}`, subscribe, { memberId: text, serviceId: text }),
      refusedWrite(`createService ${label}`, createService, { code: text, name: text, category: 'ARCHIVAGE', description: text, vendorName: text }),
    );
  }
  for (const [index, id] of INVALID_IDS.entries()) {
    cases.push(q(`_entities id #${index} ${JSON.stringify(id.slice(0, 30))}`, entities, { r: [{ __typename: `${prefix}Member`, id }] }));
  }
  for (const [index, cursor] of INVALID_CURSORS.entries()) {
    cases.push(q(`member index cursor #${index} ${JSON.stringify(cursor.slice(0, 30))}`, memberIndex, { first: 5, after: cursor }, 'refused', ['BAD_USER_INPUT']));
  }
  for (const [index, siren] of INVALID_SIRENS.entries()) {
    cases.push(q(`membersBySiren #${index} ${JSON.stringify(siren.slice(0, 30))}`, bySiren, { s: siren }, 'refused', ['BAD_USER_INPUT']));
  }
  for (const size of PAGE_SIZES) {
    const outcome = typeof size === 'number' && Number.isInteger(size) && size >= 0 && size <= 500 ? 'safe' : 'refused';
    cases.push(
      q(`member index first = ${JSON.stringify(size)}`, memberIndex, { first: size }, outcome),
      q(`service index first = ${JSON.stringify(size)}`, serviceIndex, { first: size }, outcome),
      q(`search index first = ${JSON.stringify(size)}`, searchIndex, { text: 'saint', first: size }, outcome),
    );
  }
  const hostileRepresentations: unknown[][] = [
    [{ __typename: 'Nope', id: member1 }],
    [{ __typename: `${prefix}Member` }],
    [{ id: member1 }],
    [{ __typename: `${prefix}Member`, id: 1 }],
    [{ __typename: `${prefix}Member`, id: { $ne: null } }],
    [{ __typename: `${prefix}Member`, id: [member1] }],
    [{ __typename: '__proto__', id: member1 }],
    [null],
    ['a string'],
    Array.from({ length: 10_000 }, (_, index) => ({ __typename: `${prefix}Member`, id: encodeGlobalId(`${prefix}Member`, index + 1) })),
  ];
  hostileRepresentations.forEach((representations, index) => cases.push(q(`_entities representations #${index}`, entities, { r: representations })));
  cases.push(
    deepVariable('_entities with an id nested 10,000 deep', entities, 'r', `[{"__typename": "${prefix}Member", "id": ${'['.repeat(10_000)}1${']'.repeat(10_000)}}]`, 'safe'),
    deepVariable('_entities with a representation nested 10,000 deep', entities, 'r', `[${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}]`),
  );
  cases.push(
    q('the member index with 50,000 départements', memberIndex, { first: 5, f: { departements: Array.from({ length: 50_000 }, () => operator.departementCodes[0]) } }, 'refused', ['BAD_USER_INPUT']),
    q('the member index with a 900 KB nameContains', memberIndex, { first: 5, f: { nameContains: 'x'.repeat(900_000) } }, 'refused', ['BAD_USER_INPUT']),
    q('a write without a token', register, { input: valid }, 'refused', ['UNAUTHENTICATED']),
    q('a write with another operator\'s token', register, { input: valid }, 'refused', ['FORBIDDEN'], ADMIN_TOKENS[OPERATORS.find((other) => other.code !== operator.code)!.code]),
    refusedWrite('register with a NUL in the name', register, { ...valid, name: 'a\u0000b' }),
    refusedWrite('register with a name of 100,000 characters', register, { ...valid, name: 'x'.repeat(100_000) }),
  );
  return cases;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

const gatewayTargets = (): Target[] => [
  { name: 'gateway (test)', url: alliance.gatewayUrl },
  { name: 'gateway (production)', url: production.http.url },
];
const subgraphTargets = (): Target[] => OPERATORS.map((operator) => ({ name: `${operator.code} subgraph`, url: alliance.subgraphs[operator.code].url, operator }));

describe('Hostile input: the HTTP layer of every service', () => {
  it.each(['gateway (test)', 'gateway (production)', ...OPERATORS.map((operator) => `${operator.code} subgraph`)])('%s: malformed bodies, wrong content types and methods, bad tokens', async (name) => {
    const target = [...gatewayTargets(), ...subgraphTargets()].find((candidate) => candidate.name === name)!;
    expect(await run(target, httpCases())).toEqual([]);
  });
});

describe('Hostile input: documents (huge, deep, bombs, cycles, unknown operations)', () => {
  it.each(['gateway (test)', 'gateway (production)', ...OPERATORS.map((operator) => `${operator.code} subgraph`)])('%s', async (name) => {
    const target = [...gatewayTargets(), ...subgraphTargets()].find((candidate) => candidate.name === name)!;
    const field = target.operator ? '_service' : 'operators';
    expect(await run(target, documentCases(field))).toEqual([]);
  });

  it('an unknown operationName is 400 OPERATION_RESOLUTION_FAILURE at the gateway, as at a subgraph', async () => {
    for (const url of [alliance.gatewayUrl, production.http.url, alliance.subgraphs.MEGALIS.url]) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }) });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ errors: [{ message: 'Unknown operation named "B".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
    }
  });
});

describe('Hostile input: every argument of the public schema, through the gateway', () => {
  it('gateway (test): SQL-looking strings, unicode, invalid IDs, cursors and SIRENs, page sizes, oversized variables, writes', async () => {
    expect(await run(gatewayTargets()[0], gatewayCases())).toEqual([]);
  });

  it('gateway (production): a sample of each kind', async () => {
    expect(await run(gatewayTargets()[1], gatewayCases(true))).toEqual([]);
  });

  it('SQL-looking text matches as text: no row, no error', async () => {
    const { data, errors } = await alliance.query<any>('query($t: String!) { members(filter: { nameContains: $t }) { totalCount } search(text: $t) { totalCount } }', { t: "'; DROP TABLE member; --" });
    expect(errors).toBeUndefined();
    expect(data).toEqual({ members: { totalCount: 0 }, search: { totalCount: 0 } });
    const injected = await alliance.query<any>('query($t: String!) { members(filter: { nameContains: $t }) { totalCount } }', { t: "' OR '1'='1" });
    expect(injected.data!.members.totalCount).toBe(0);
  });

  it('no prototype was polluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Hostile input: straight to every operator subgraph', () => {
  it.each(OPERATORS.map((operator) => operator.code))('%s: index fields, _entities and mutations', async (code) => {
    const target = subgraphTargets().find((candidate) => candidate.operator!.code === code)!;
    expect(await run(target, subgraphCases(target.operator!))).toEqual([]);
  });
});

describe('Hostile input: afterwards', () => {
  it('every service still answers, and the data is unchanged (counts and checksums by SQL)', async () => {
    const { data, errors } = await alliance.query<any>('{ operators { code memberCount } statistics { memberCount } }');
    expect(errors).toBeUndefined();
    expect(data!.statistics.memberCount).toBe(4370);
    for (const target of [...gatewayTargets(), ...subgraphTargets()]) {
      expect((await fetch(new URL('/health/ready', target.url))).status).toBe(200);
    }
    const after = await snapshotAll();
    expect(after).toEqual(snapshotBefore);
    expect(after.MEGALIS).toMatchObject({ members: 2250, status_changes: snapshotBefore.MEGALIS.status_changes, audit_records: snapshotBefore.MEGALIS.audit_records });
  });
});
