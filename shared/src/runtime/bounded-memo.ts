/**
 * The answers of a pure computation, kept by key, at most `capacity` of them (the oldest goes
 * first): for hot paths that ask the same few questions again and again (a query's hash, whether
 * a query text is a read, a media type negotiation, a parsed document) while a client could make
 * the keys endlessly various. An `undefined` answer is kept like any other; a computation that
 * throws keeps nothing.
 */
export class BoundedMemo<K, V> {
  private readonly answers = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`A memo holds at least one answer, not ${capacity}`);
  }

  /** How many answers are kept. */
  get size(): number {
    return this.answers.size;
  }

  /** The answer kept for `key`, or else `compute()`'s, then kept. */
  remember(key: K, compute: () => V): V {
    const kept = this.answers.get(key);
    if (kept !== undefined || this.answers.has(key)) return kept as V;
    const answer = compute();
    if (this.answers.size >= this.capacity) this.answers.delete(this.answers.keys().next().value as K);
    this.answers.set(key, answer);
    return answer;
  }
}
