import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import { clientAddress, type RateLimiter } from './rate-limiter';
import { PAGE_CONTENT_SECURITY_POLICY, setSecurityHeaders, type SecurityHeadersOptions } from './security-headers';

/**
 * A small HTTP front for Apollo Server (the integration API `executeHTTPGraphQLRequest`), shared by
 * the gateway and every subgraph: `/graphql` (POST and GET), liveness and readiness probes and
 * Prometheus metrics, a request body limit, security headers on every response, optional
 * per-client rate limiting, keep-alive, and a graceful close.
 *
 * GraphQL over HTTP: POST bodies must be `application/json` (UTF-8), anything else is 415 (so no
 * "simple" cross-site POST reaches Apollo Server); other methods are 405; malformed JSON is 400;
 * a body over the limit is 413; a client over its rate is 429 with `Retry-After`.
 */
export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (request: IncomingMessage) => Promise<TContext>;
  /** Readiness: resolves to true when the service can serve (its database answers...). */
  ready?: () => Promise<boolean>;
  /** Prometheus text exposition. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** The largest request body accepted, in bytes (1 MB by default). */
  maxBodyBytes?: number;
  /**
   * Extra routes by path (e.g. the explorer): the handler answers and returns true, or returns
   * false to let the request fall through to the default handling of that path. Their responses
   * carry `PAGE_CONTENT_SECURITY_POLICY` unless the handler sets its own.
   */
  routes?: Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean>;
  /** Rate limiting of the GraphQL endpoint per client address (probes and metrics are not limited). */
  rateLimit?: { limiter: RateLimiter; trustProxyHops?: number };
  securityHeaders?: SecurityHeadersOptions;
}

export interface RunningHttpServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /**
   * Graceful close: stops accepting connections at once (new ones are refused), answers 503 on
   * `/health/ready` to requests still arriving on open connections, lets the requests in flight
   * finish (their connections are then closed), and after `graceMs` (10 s by default) closes
   * whatever is left. Resolves when every connection is closed; calling it again returns the same.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** How long `close()` waits for requests in flight unless told otherwise. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

interface ServerState {
  closing: boolean;
}

/** The request body limit unless configured (`maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

export async function listenHttp<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningHttpServer> {
  const state: ServerState = { closing: false };
  const inFlight = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    inFlight.add(response);
    response.once('close', () => {
      inFlight.delete(response);
      // While closing, a keep-alive connection that just became idle is closed.
      if (state.closing) setImmediate(() => server.closeIdleConnections());
    });
    // While closing, every answer ends its connection.
    if (state.closing) response.setHeader('connection', 'close');
    handle(options, state, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.destroy(error as Error);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Receiving a whole request (headers and body, at most `maxBodyBytes`) may take this long: a
  // client trickling its body does not hold a connection for the default five minutes.
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  return {
    server,
    port: actualPort,
    url: `http://${host}:${actualPort}/graphql`,
    close: ({ graceMs = DEFAULT_SHUTDOWN_GRACE_MS } = {}) => {
      if (closed) return closed;
      state.closing = true;
      closed = new Promise<void>((resolve) => {
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        // Requests in flight whose answer has not started end their connection when answered;
        // idle keep-alive connections are closed now.
        for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

async function handle<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
  state: ServerState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  setSecurityHeaders(response, options.securityHeaders);
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = options.routes?.[url.pathname];
  if (route) {
    response.setHeader('content-security-policy', PAGE_CONTENT_SECURITY_POLICY);
    if (await route(request, response)) return;
    setSecurityHeaders(response, options.securityHeaders);
  }
  switch (url.pathname) {
    case '/health/live':
      return sendJson(response, 200, { status: 'ok' });
    case '/health/ready': {
      // Not ready while closing: a load balancer stops sending before the connections close.
      const ready = state.closing ? false : options.ready ? await options.ready().catch(() => false) : true;
      return sendJson(response, ready ? 200 : 503, { status: ready ? 'ok' : 'unavailable' });
    }
    case '/metrics': {
      if (!options.metrics) return sendJson(response, 404, { error: 'not found' });
      const { contentType, body } = await options.metrics();
      response.writeHead(200, { 'content-type': contentType });
      response.end(body);
      return;
    }
    case '/graphql':
    case '/':
      return handleGraphQL(options, request, response, url);
    default:
      return sendJson(response, 404, { error: 'not found' });
  }
}

async function handleGraphQL<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    response.setHeader('allow', 'GET, POST');
    return sendError(response, 405, `Method ${method} is not allowed: use POST (or GET for queries)`, 'BAD_REQUEST');
  }
  if (options.rateLimit) {
    const taken = options.rateLimit.limiter.take(clientAddress(request, options.rateLimit.trustProxyHops));
    if (!taken.allowed) {
      response.setHeader('retry-after', String(taken.retryAfterSeconds));
      return sendError(response, 429, `Too many requests: retry after ${taken.retryAfterSeconds} s`, 'RATE_LIMITED');
    }
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (method === 'POST') {
    const contentType = headers.get('content-type');
    if (!isJsonUtf8(contentType)) {
      return sendError(
        response,
        415,
        `Unsupported content type ${JSON.stringify(contentType ?? '')}: send the request as application/json (UTF-8)`,
        'BAD_REQUEST',
      );
    }
    const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const declared = Number(request.headers['content-length'] ?? 0);
    const raw = declared > limit ? null : await readBody(request, limit);
    if (raw === null) {
      // The rest of the body is not read: the connection is closed after this answer.
      response.setHeader('connection', 'close');
      return sendError(response, 413, `Request body too large: the limit is ${limit} bytes`, 'BAD_REQUEST');
    }
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(response, 400, 'Malformed JSON body', 'BAD_REQUEST');
    }
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method,
    headers,
    search: url.search,
    body,
  };
  const result = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context: () => options.context(request),
  });
  for (const [key, value] of result.headers) response.setHeader(key, value);
  // Apollo Server's development landing page loads its scripts from Apollo's CDN: a page policy
  // of our own would blank it (it is off in production, where introspection is off).
  if (/^text\/html/i.test(result.headers.get('content-type') ?? '')) response.removeHeader('content-security-policy');
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** `application/json`, with no charset or a UTF-8 one (GraphQL over HTTP: UTF-8 is assumed). */
function isJsonUtf8(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return false;
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** The body as UTF-8, or null as soon as it exceeds `limit` (the rest is then discarded). */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      request.off('data', onData);
      request.resume();
      resolve(null);
    };
    request.on('data', onData);
    request.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(payload));
}

function sendError(response: ServerResponse, status: number, message: string, code: string): void {
  sendJson(response, status, { errors: [{ message, extensions: { code } }] });
}
