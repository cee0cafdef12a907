import type { IncomingMessage } from 'node:http';
import { signTestToken } from '../shared/src/testing/test-auth';
import { startAlliance, type Alliance } from './support/alliance';

let alliance: Alliance;
beforeAll(async () => {
  alliance = await startAlliance();
});
afterAll(() => alliance?.close());

/** Counts the requests the MEGALIS subgraph receives while `run` runs, by Authorization header. */
async function megalisCalls(run: () => Promise<unknown>): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  const server = alliance.subgraphs.MEGALIS.http!.server;
  const listener = (request: IncomingMessage) => {
    const key = request.headers.authorization ?? 'anonymous';
    calls.set(key, (calls.get(key) ?? 0) + 1);
  };
  server.on('request', listener);
  try {
    await run();
  } finally {
    server.off('request', listener);
  }
  return calls;
}

const QUERY = '{ operator(code: MEGALIS) { memberCount members(first: 5) { nodes { name } } } }';

describe('Gateway: identical reads in flight share one subgraph call', () => {
  it('answers 20 identical concurrent reads correctly with fewer subgraph calls', async () => {
    let answers: unknown[] = [];
    const calls = await megalisCalls(async () => {
      answers = await Promise.all(Array.from({ length: 20 }, () => alliance.query(QUERY)));
    });
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect((answers[0] as any).data.operator.memberCount).toBe(2250);
    expect(calls.get('anonymous')).toBeLessThan(20);
  });

  it('never shares across credentials', async () => {
    const tokens = await Promise.all(
      ['MEGALIS', 'TERNUM_BFC'].map((operator) => signTestToken({ operator, roles: ['operator_admin'], sub: `admin-${operator}` })),
    );
    const calls = await megalisCalls(() =>
      Promise.all(tokens.map((token) => alliance.query(QUERY, undefined, { authorization: `Bearer ${token}` }))),
    );
    expect([...calls.values()]).toEqual([1, 1]);
  });
});

describe('Gateway: the in-process partnership layer shares identical reads in flight', () => {
  it('runs one fan-out for identical concurrent statistics, and tells every caller of a missing operator', async () => {
    let answers: any[] = [];
    const calls = await megalisCalls(async () => {
      answers = await Promise.all(Array.from({ length: 10 }, () => alliance.query('{ statistics { memberCount } }')));
    });
    expect(answers.every((answer) => answer.data.statistics.memberCount === 4370 && !answer.errors)).toBe(true);
    expect(calls.get('anonymous')).toBeLessThan(10);

    await alliance.subgraphs.MAXIMILIEN.stopListening();
    try {
      const degraded = await Promise.all(Array.from({ length: 5 }, () => alliance.query('{ statistics { memberCount } }')));
      for (const answer of degraded as any[]) {
        expect(answer.data.statistics.memberCount).toBe(4000);
        expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'OPERATOR_UNAVAILABLE', operator: 'MAXIMILIEN' }) })]);
      }
    } finally {
      await alliance.subgraphs.MAXIMILIEN.startListening();
    }
  });
});
