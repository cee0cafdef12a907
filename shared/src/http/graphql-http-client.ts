import { EventEmitter } from 'node:events';
import { Agent, request } from 'undici';
import { queryHash } from '../runtime/query-hash';

/** One GraphQL operation sent over HTTP. */
export interface GraphQLHttpRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  /** Extra request headers (lower-case names): `authorization`, `x-request-id`… */
  headers?: Record<string, string>;
}

/** What came back: the HTTP status, the parsed JSON body (and its text), and the `Cache-Control` header. */
export interface GraphQLHttpResponse {
  status: number;
  body: unknown;
  /** The body as received: another copy of `body` is `JSON.parse(text)`. */
  text: string;
  cacheControl: string | undefined;
}

/**
 * A call that produced no usable answer, with the reason told to clients (no address, no body,
 * no stack): not reachable, too slow, or not JSON. A JSON answer is never a failure here, whatever
 * its status: the caller decides what a 401 or a 500 with a GraphQL body means.
 */
export class GraphQLCallFailure extends Error {
  constructor(
    readonly reason: string,
    readonly status?: number,
  ) {
    super(reason);
    this.name = 'GraphQLCallFailure';
  }
}

export interface GraphQLHttpClientOptions {
  /** Bounds the whole call: connecting, the server's work and reading its answer. */
  timeoutMs: number;
  /**
   * Automatic persisted queries: send the query's SHA-256 first, the text only when the server
   * does not know it yet (`PERSISTED_QUERY_NOT_FOUND`), once per server and query.
   */
  apq: boolean;
  /** Keep-alive connections per origin (undefined: no limit). */
  connections?: number;
}

/** The error code of Apollo Server's answer to a hash it does not know. */
const PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND';
/** Queries known persisted, per client (the plan's subgraph operations are few; bounded all the same). */
const MAX_PERSISTED_QUERIES = 5_000;

/**
 * The kernel's GraphQL-over-HTTP client, used by the gateway for every subgraph call: undici's
 * `request` on a keep-alive connection pool (cheaper per call than `fetch`: no WHATWG streams, no
 * Request/Headers objects), a deadline on the whole call, and automatic persisted queries.
 */
export class GraphQLHttpClient {
  private readonly agent: Agent;
  /** Servers known to hold a query (`url` + hash): their requests carry the hash only. */
  private readonly persisted = new Set<string>();

  constructor(private readonly options: GraphQLHttpClientOptions) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: options.connections ?? null });
  }

  async post(url: string, operation: GraphQLHttpRequest): Promise<GraphQLHttpResponse> {
    const deadline = new CallDeadline(this.options.timeoutMs);
    try {
      return await this.postWithin(url, operation, deadline);
    } finally {
      deadline.clear();
    }
  }

  private async postWithin(url: string, operation: GraphQLHttpRequest, deadline: CallDeadline): Promise<GraphQLHttpResponse> {
    if (!this.options.apq) return this.send(url, operation, { query: operation.query }, deadline);
    const sha256Hash = queryHash(operation.query);
    const persistedQuery = { version: 1, sha256Hash };
    const key = `${url}\n${sha256Hash}`;
    if (this.persisted.has(key)) {
      const optimistic = await this.send(url, operation, { extensions: { persistedQuery } }, deadline);
      if (!isPersistedQueryNotFound(optimistic.body)) return optimistic;
      // The server forgot it (restarted, or its cache evicted it): register it again below.
      this.persisted.delete(key);
    }
    const registered = await this.send(url, operation, { query: operation.query, extensions: { persistedQuery } }, deadline);
    if (registered.status < 300 && !isPersistedQueryNotFound(registered.body)) {
      // Bounded like the hashes: clients can make the plans' operations endlessly various.
      if (this.persisted.size >= MAX_PERSISTED_QUERIES) this.persisted.delete(this.persisted.values().next().value!);
      this.persisted.add(key);
    }
    return registered;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(url: string, operation: GraphQLHttpRequest, payload: Record<string, unknown>, deadline: CallDeadline): Promise<GraphQLHttpResponse> {
    const body = JSON.stringify({
      ...payload,
      ...(operation.operationName ? { operationName: operation.operationName } : {}),
      variables: operation.variables ?? undefined,
    });
    let response;
    try {
      response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...operation.headers },
        body,
        signal: deadline,
      });
    } catch {
      throw this.failure(deadline);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch {
      throw this.failure(deadline);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new GraphQLCallFailure(`it answered HTTP ${response.statusCode} with something other than JSON`, response.statusCode);
    }
    const cacheControl = response.headers['cache-control'];
    return { status: response.statusCode, body: parsed, text, cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl };
  }

  /** Why a call got no answer: the deadline, or anything else that kept it from the server. */
  private failure(deadline: CallDeadline): GraphQLCallFailure {
    return new GraphQLCallFailure(deadline.expired ? `no answer within ${this.options.timeoutMs} ms` : 'it could not be reached');
  }
}

/**
 * The deadline of one call, as the abort signal undici takes (an `EventEmitter` that emits
 * `abort`: undici aborts the request, or the body being read, when it fires). It does the work of
 * `AbortSignal.timeout` at a fraction of its cost per call: measured with undici against a local
 * server, 10 calls in flight, an `AbortSignal` added 15–20 µs of CPU to each ~50 µs call, this
 * about 2 µs. The timer never keeps the process alive; `clear()` once the call has ended.
 */
class CallDeadline extends EventEmitter {
  expired = false;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.expired = true;
      this.emit('abort');
    }, ms);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

function isPersistedQueryNotFound(body: unknown): boolean {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) && errors.some((error) => (error as { extensions?: { code?: unknown } })?.extensions?.code === PERSISTED_QUERY_NOT_FOUND);
}

/**
 * The cache hint of a subgraph's `Cache-Control` header, as Apollo Server writes it
 * (`max-age=30, public`); anything else, or no header, is "do not cache" (max age 0).
 */
export function cacheHintOf(header: string | undefined): CacheHint {
  if (!header) return { maxAge: 0 };
  const directives = header.toLowerCase().split(',').map((part) => part.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return { maxAge: 0 };
  const maxAge = directives.map((part) => /^max-age=(\d{1,9})$/.exec(part)?.[1]).find((value) => value !== undefined);
  const scope = directives.includes('private') ? 'PRIVATE' : directives.includes('public') ? 'PUBLIC' : undefined;
  return { maxAge: maxAge === undefined ? 0 : Number(maxAge), ...(scope ? { scope } : {}) };
}

/**
 * The `Cache-Control` header of an answer whose policy is `hint` (null, or a max age of 0: not
 * cacheable), as the subgraphs send it and `cacheHintOf` reads it back: `max-age=30, public`.
 */
export function cacheControlHeader(hint: CacheHint | null): string {
  if (!hint || !(hint.maxAge > 0)) return 'no-store';
  return `max-age=${hint.maxAge}, ${(hint.scope ?? 'PUBLIC').toLowerCase()}`;
}

/** A cache hint: max age in seconds, and whether a shared cache may keep the answer. */
export interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/**
 * The cache policy of an answer built from several others (the partnership layer's, from the
 * operator answers it used): it starts at `baseMaxAge` and every hint restricts it — the smallest
 * max age wins, PRIVATE wins over PUBLIC.
 */
export class CachePolicyAccumulator {
  private maxAge: number;
  private scope: 'PUBLIC' | 'PRIVATE' = 'PUBLIC';

  constructor(baseMaxAge: number) {
    this.maxAge = baseMaxAge;
  }

  restrict(hint: CacheHint): void {
    this.maxAge = Math.min(this.maxAge, hint.maxAge);
    if (hint.scope === 'PRIVATE') this.scope = 'PRIVATE';
  }

  get hint(): CacheHint {
    return { maxAge: this.maxAge, scope: this.scope };
  }
}

/** A GraphQL response as a server sends it. */
export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Whether a parsed body is a GraphQL response: an object with `data` (an object or null) and/or
 * `errors` (a list of objects). `[]`, `{"data": 1}`, `{}` or any other JSON is not.
 */
export function isGraphQLResponse(body: unknown): body is GraphQLResponseBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  if (data === undefined && errors === undefined) return false;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return false;
  return errors === undefined || (Array.isArray(errors) && errors.every((error) => typeof error === 'object' && error !== null));
}
