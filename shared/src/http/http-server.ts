import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';

/**
 * A small HTTP front for Apollo Server (the integration API `executeHTTPGraphQLRequest`), shared by
 * the gateway and every subgraph: `/graphql` (POST and GET), liveness and readiness probes and
 * Prometheus metrics, a request body limit, keep-alive, and a graceful close.
 */
export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (request: IncomingMessage) => Promise<TContext>;
  /** Readiness: resolves to true when the service can serve (its database answers...). */
  ready?: () => Promise<boolean>;
  /** Prometheus text exposition. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  maxBodyBytes?: number;
  /**
   * Extra routes by path (e.g. the explorer): the handler answers and returns true, or returns
   * false to let the request fall through to the default handling of that path.
   */
  routes?: Record<string, (request: IncomingMessage, response: ServerResponse) => Promise<boolean> | boolean>;
}

export interface RunningHttpServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 1_000_000;

export async function listenHttp<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
  port: number,
  host = '127.0.0.1',
): Promise<RunningHttpServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.destroy(error as Error);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    server,
    port: actualPort,
    url: `http://${host}:${actualPort}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function handle<TContext extends BaseContext>(
  options: HttpServerOptions<TContext>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = options.routes?.[url.pathname];
  if (route && (await route(request, response))) return;
  switch (url.pathname) {
    case '/health/live':
      return sendJson(response, 200, { status: 'ok' });
    case '/health/ready': {
      const ready = options.ready ? await options.ready().catch(() => false) : true;
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
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (request.method === 'POST') {
    const raw = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (raw === null) return sendJson(response, 413, { errors: [{ message: 'Request body too large', extensions: { code: 'BAD_REQUEST' } }] });
    const contentType = headers.get('content-type') ?? '';
    if (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json')) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(response, 400, { errors: [{ message: 'Malformed JSON body', extensions: { code: 'BAD_REQUEST' } }] });
      }
    } else {
      body = raw;
    }
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = {
    method: (request.method ?? 'GET').toUpperCase(),
    headers,
    search: url.search,
    body,
  };
  const result = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest,
    context: () => options.context(request),
  });
  for (const [key, value] of result.headers) response.setHeader(key, value);
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(payload));
}
