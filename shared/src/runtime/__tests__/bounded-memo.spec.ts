import { BoundedMemo } from '../bounded-memo';

describe('BoundedMemo', () => {
  it('computes once per key and gives the kept answer back, undefined included', () => {
    const memo = new BoundedMemo<string, string | undefined>(10);
    const compute = jest.fn((key: string) => (key === 'none' ? undefined : key.toUpperCase()));
    expect(memo.remember('a', () => compute('a'))).toBe('A');
    expect(memo.remember('a', () => compute('a'))).toBe('A');
    expect(memo.remember('none', () => compute('none'))).toBeUndefined();
    expect(memo.remember('none', () => compute('none'))).toBeUndefined();
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('keeps at most `capacity` answers: the oldest goes first', () => {
    const memo = new BoundedMemo<number, number>(2);
    const compute = jest.fn((n: number) => n * 2);
    for (const n of [1, 2, 3]) memo.remember(n, () => compute(n)); // 3 evicts 1
    expect(memo.size).toBe(2);
    memo.remember(2, () => compute(2));
    expect(compute).toHaveBeenCalledTimes(3);
    memo.remember(1, () => compute(1));
    expect(compute).toHaveBeenCalledTimes(4);
  });

  it('keeps nothing from a computation that throws', () => {
    const memo = new BoundedMemo<string, number>(2);
    expect(() => memo.remember('x', () => { throw new Error('no'); })).toThrow('no');
    expect(memo.size).toBe(0);
    expect(memo.remember('x', () => 1)).toBe(1);
  });

  it('refuses a capacity that holds nothing', () => {
    expect(() => new BoundedMemo(0)).toThrow('A memo holds at least one answer, not 0');
    expect(() => new BoundedMemo(1.5)).toThrow(RangeError);
  });
});
