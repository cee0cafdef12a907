import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the megalis subgraph that answers every request at once with the same page of
 * 20 members (`_entities`), so that the gateway's CPU is measured without a database or a real
 * subgraph sharing the machine. Run by bench/gateway-cpu.ts in a process of its own; prints
 * `listening <port>` when ready.
 *
 * Our gateway sends a persisted-query hash first (automatic persisted queries): a body without
 * `query` is answered like one with it.
 */
const NAMES = ['Abbaretz', 'Allaire', 'Arradon', 'Arzal', 'Augan', 'Baden', 'Bangor', 'Baud', 'Beignon', 'Belz', 'Berric', 'Bignan', 'Billiers', 'Billio', 'Bohal', 'Brandérion', 'Brandivy', 'Brech', 'Bubry', 'Buléon'];

export const CANNED_PAGE = JSON.stringify({ data: { _entities: [{ members: { nodes: NAMES.map((name, index) => ({ name, population: 1000 + index * 37 })) } }] } });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = parseBody(Buffer.concat(chunks).toString('utf8'));
    const entities = body !== null && (body.extensions !== undefined || (typeof body.query === 'string' && body.query.includes('_entities')));
    response.writeHead(entities ? 200 : 400, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=30, public' });
    response.end(entities ? CANNED_PAGE : JSON.stringify({ errors: [{ message: 'the canned subgraph answers _entities only' }] }));
  });
});

function parseBody(text: string): { query?: unknown; extensions?: unknown } | null {
  try {
    const body: unknown = JSON.parse(text);
    return body !== null && typeof body === 'object' ? (body as { query?: unknown; extensions?: unknown }) : null;
  } catch {
    return null;
  }
}

server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
