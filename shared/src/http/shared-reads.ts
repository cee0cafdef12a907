import { BoundedMemo } from '../runtime/bounded-memo';

/**
 * In-flight deduplication of identical reads: while a read is under way, an identical one waits
 * for it instead of running again, and gets a copy of its answer.
 *
 * The rule (unit-tested in __tests__/shared-reads.spec.ts): two reads share one run only when they
 * are the same query text, the same variables, the same operation name and the same credentials
 * (`Authorization` header, verbatim). A mutation, a subscription, or a document whose operation
 * cannot be told is never shared: `readSharingKey` gives null and the work runs on its own.
 */
export class SharedReads<T> {
  private readonly inFlight = new Map<string, { promise: Promise<T>; sharers: number; copy?: () => T }>();

  /** How many runs are under way (for tests and metrics). */
  get size(): number {
    return this.inFlight.size;
  }

  /**
   * Runs `work`, or waits for the identical run already under way (`key` equal). A null key never
   * shares. The first caller keeps the answer; each sharer gets its own copy.
   *
   * Copies are made from the answer as the run gave it, before any caller can change it (Apollo
   * Gateway merges a fetch's data into the request's result in place): when the run ends, and
   * only if someone shared it, `copier` is called once with the answer and returns the function
   * that makes each sharer's copy (parsing a JSON text kept or made then, say). The default,
   * `structuredClone`, suits plain data only: an Error subclass (a GraphQLError) comes back as a
   * bare Error, without its own fields.
   */
  async run(key: string | null, work: () => Promise<T>, copier: (value: T) => () => T = (value) => () => structuredClone(value)): Promise<T> {
    if (key === null) return work();
    const pending = this.inFlight.get(key);
    if (pending) {
      pending.sharers++;
      await pending.promise;
      return pending.copy!();
    }
    const entry: { promise: Promise<T>; sharers: number; copy?: () => T } = { promise: Promise.resolve() as Promise<T>, sharers: 0 };
    // Settled in one step: once the answer is there, no one joins any more, and the copies' source
    // is taken before any caller (the first included) resumes.
    entry.promise = work().then(
      (value) => {
        this.inFlight.delete(key);
        if (entry.sharers > 0) entry.copy = copier(value);
        return value;
      },
      (error: unknown) => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, entry);
    return entry.promise;
  }
}

export interface ReadDescription {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  authorization?: string | null;
}

/**
 * The sharing key of an operation, or null when it must not be shared. The operation's kind is read
 * from the text: a document is a read when its only operations are queries (`query …` or the `{ … }`
 * shorthand); anything naming a mutation or a subscription is not. Comments and strings cannot make
 * a mutation look like a query, because a document containing the word `mutation`/`subscription` as
 * an operation keyword anywhere is refused.
 */
export function readSharingKey(read: ReadDescription): string | null {
  if (!isReadOnly(read.query)) return null;
  return JSON.stringify([read.query, read.variables ?? null, read.operationName ?? null, read.authorization ?? null]);
}

/** Whether every operation of the document is a query (conservative: false when unsure). */
export function isReadOnly(query: string): boolean {
  // The gateway asks it of its plans' subgraph operations, a few texts asked again and again.
  return verdicts.remember(query, () => readsOnly(query));
}

/** Verdicts kept, by query text. */
const verdicts = new BoundedMemo<string, boolean>(1_000);

function readsOnly(query: string): boolean {
  const text = query.replace(/#[^\n\r]*/g, ' ');
  if (!/^\s*(query\b|\{)/.test(text)) return false;
  return !/(^|[\s}])(mutation|subscription)\b\s*[A-Za-z_({@]/.test(text);
}
