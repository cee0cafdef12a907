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
  private readonly inFlight = new Map<string, Promise<T>>();

  /** How many runs are under way (for tests and metrics). */
  get size(): number {
    return this.inFlight.size;
  }

  /**
   * Runs `work`, or waits for the identical run already under way (`key` equal). `copy` gives a
   * sharer its own copy of the answer (the first caller keeps the original). A null key never shares.
   * The default, `structuredClone`, suits plain data only: an Error subclass (a GraphQLError) comes
   * back as a bare Error, without its own fields; the gateway's data sources copy from JSON text.
   */
  async run(key: string | null, work: () => Promise<T>, copy: (value: T) => T = structuredClone): Promise<T> {
    if (key === null) return work();
    const pending = this.inFlight.get(key);
    if (pending) return copy(await pending);
    const run = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
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
  const text = query.replace(/#[^\n\r]*/g, ' ');
  if (!/^\s*(query\b|\{)/.test(text)) return false;
  return !/(^|[\s}])(mutation|subscription)\b\s*[A-Za-z_({@]/.test(text);
}
