import { isReadOnly, readSharingKey, SharedReads } from '../shared-reads';

/** A run that finishes when told to, counting how often it started. */
function gated<T>(value: T) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const work = jest.fn(async () => {
    await gate;
    return value;
  });
  return { work, release };
}

describe('SharedReads: the deduplication rule', () => {
  const read = { query: 'query Page($first: Int) { members(first: $first) { nodes { id } } }', variables: { first: 2 }, operationName: 'Page' };

  it('two identical reads in flight share one run; each gets its own copy of the answer', async () => {
    const shared = new SharedReads<{ rows: number[] }>();
    const { work, release } = gated({ rows: [1, 2] });
    const key = readSharingKey({ ...read, authorization: 'Bearer a' });
    const first = shared.run(key, work);
    const second = shared.run(readSharingKey({ ...read, authorization: 'Bearer a' }), work);
    expect(shared.size).toBe(1);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(work).toHaveBeenCalledTimes(1);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(shared.size).toBe(0);
  });

  it("copies come from the answer as the run gave it, even when the first caller changes its own at once; nothing is copied when no one shared", async () => {
    const shared = new SharedReads<{ rows: number[] }>();
    const copier = jest.fn((value: { rows: number[] }) => {
      const json = JSON.stringify(value);
      return () => JSON.parse(json) as { rows: number[] };
    });
    const alone = gated({ rows: [1] });
    const only = shared.run(readSharingKey(read), alone.work, copier);
    alone.release();
    await only;
    expect(copier).not.toHaveBeenCalled();

    const { work, release } = gated({ rows: [1, 2] });
    const first = shared.run(readSharingKey(read), work, copier).then((answer) => {
      answer.rows.push(99); // what Apollo Gateway does: merges into the answer it holds
      return answer;
    });
    const others = [shared.run(readSharingKey(read), work, copier), shared.run(readSharingKey(read), work, copier)];
    release();
    expect(await Promise.all(others)).toEqual([{ rows: [1, 2] }, { rows: [1, 2] }]);
    expect((await first).rows).toEqual([1, 2, 99]);
    expect(copier).toHaveBeenCalledTimes(1);
  });

  it('a read that comes once the answer is in runs afresh (it does not get a copy of an answer already handed out)', async () => {
    const shared = new SharedReads<number>();
    let calls = 0;
    const work = async () => ++calls;
    const key = readSharingKey(read);
    const first = shared.run(key, work);
    const later = first.then(() => shared.run(key, work));
    expect(await first).toBe(1);
    expect(await later).toBe(2);
  });

  it('reads with different credentials, variables or operation names never share', async () => {
    const variants = [
      { ...read, authorization: 'Bearer a' },
      { ...read, authorization: 'Bearer b' },
      { ...read, authorization: null },
      { ...read, variables: { first: 3 } },
      { ...read, operationName: 'Other' },
    ];
    const keys = variants.map(readSharingKey);
    expect(new Set(keys).size).toBe(variants.length);
    const shared = new SharedReads<number>();
    const { work, release } = gated(1);
    const runs = keys.map((key) => shared.run(key, work));
    release();
    await Promise.all(runs);
    expect(work).toHaveBeenCalledTimes(variants.length);
  });

  it('a mutation is never shared, even identical and with the same credentials', async () => {
    const mutation = { query: 'mutation { unsubscribe(input: { id: "x" }) { clientMutationId } }', authorization: 'Bearer a' };
    expect(readSharingKey(mutation)).toBeNull();
    const shared = new SharedReads<number>();
    const { work, release } = gated(1);
    const runs = [shared.run(readSharingKey(mutation), work), shared.run(readSharingKey(mutation), work)];
    release();
    await Promise.all(runs);
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('a failed run fails every sharer, and the next read runs afresh', async () => {
    const shared = new SharedReads<number>();
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('down');
    };
    const key = readSharingKey(read);
    await expect(Promise.all([shared.run(key, failing), shared.run(key, failing)])).rejects.toThrow('down');
    expect(calls).toBe(1);
    await expect(shared.run(key, async () => 7)).resolves.toBe(7);
  });

  it.each([
    ['{ members { nodes { id } } }', true],
    ['query Q { a }', true],
    ['  # a comment\n query Q { a }', true],
    ['{ member { subscriptions { id } } }', true],
    ['mutation M { a }', false],
    ['subscription S { a }', false],
    ['query Q { a } mutation M { b }', false],
    ['', false],
  ])('isReadOnly(%j) is %s', (query, expected) => {
    expect(isReadOnly(query)).toBe(expected);
  });
});
