import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, any>;
}

/**
 * A real HTTP hop in front of a subgraph that records every GraphQL request body it forwards, to
 * see what the gateway actually sends (persisted-query hashes, query texts). `target` can be
 * changed while it runs (a subgraph replaced by a fresh one).
 */
export interface RecordingProxy {
  readonly url: string;
  readonly requests: RecordedRequest[];
  target: string;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const proxy = { requests, target } as { requests: RecordedRequest[]; target: string };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    requests.push({ headers: request.headers, body: JSON.parse(raw) });
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'accept', 'authorization', 'x-request-id']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(proxy.target, { method: 'POST', headers, body: raw });
    const text = await answer.text();
    const forwarded: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
    const cacheControl = answer.headers.get('cache-control');
    if (cacheControl) forwarded['cache-control'] = cacheControl;
    response.writeHead(answer.status, forwarded).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
