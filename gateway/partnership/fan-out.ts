import { badUserInput } from '../../shared/src/errors/user-input-error';
import type { OperatorDefinition } from '../../shared/src/operators/operator-definition';
import { OperatorUnavailableError } from './operator-client';
import type { PartnershipContext } from './partnership-context';

/**
 * The one fan-out-and-merge mechanism of every partnership-wide list (DESIGN.md §4):
 * 1. every selected operator is asked, in parallel, for the keys of its next matching rows (and
 *    its total, when asked for), with its own keyset cursor;
 * 2. the sorted streams are k-way merged and the page is cut;
 * 3. entity references are returned; the gateway hydrates them from their owners.
 *
 * The cursor is a vector: each operator's own position. An operator that could not be reached
 * keeps its position, so that when it comes back none of its rows is skipped.
 */

export interface IndexEntry {
  id: string;
  typename: string;
  /** JSON-encoded sort key. */
  key: string;
  score: string | null;
  /** Operator-local cursor just after this entry. */
  cursor: string;
}

export interface IndexPage {
  entries: IndexEntry[];
  hasMore: boolean;
  totalCount: number | null;
}

export interface MergedEdge {
  entry: IndexEntry;
  operator: OperatorDefinition;
  /** The list cursor just after this edge (computed on demand). */
  cursor: () => string;
}

export interface MergedPage {
  edges: MergedEdge[];
  hasNextPage: boolean;
  totalCount: number | null;
  unavailable: OperatorDefinition[];
}

export interface MergeRequest {
  /** The operators to ask, in registry order (the tie-breaker between equal keys). */
  operators: readonly OperatorDefinition[];
  /** Identifies the list and order a cursor belongs to. */
  tag: string;
  first: number;
  after: string | null | undefined;
  withCount: boolean;
  /** One operator's page of keys after its own cursor. */
  fetchIndex(operator: OperatorDefinition, after: string | null, first: number): Promise<IndexPage>;
  /** Negative when `a` comes before `b` in the list's order (entries of different operators). */
  compare(a: IndexEntry, b: IndexEntry): number;
  context: PartnershipContext;
}

type Positions = Record<string, string>;

export function encodeListCursor(tag: string, positions: Positions): string {
  return Buffer.from(JSON.stringify({ t: tag, p: positions }), 'utf8').toString('base64url');
}

export function decodeListCursorOrThrow(after: string, tag: string, operators: readonly OperatorDefinition[]): Positions {
  const invalid = () => badUserInput('after', 'after is not a valid cursor for this list.');
  if (after.length > 20_000 || !/^[A-Za-z0-9_-]+$/.test(after)) throw invalid();
  let payload: { t?: unknown; p?: unknown };
  try {
    payload = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!payload || typeof payload !== 'object') throw invalid();
  if (payload.t !== tag) throw badUserInput('after', 'after is a cursor of another list or order; pass the same arguments as the page it came from.');
  const positions = payload.p;
  if (!positions || typeof positions !== 'object' || Array.isArray(positions)) throw invalid();
  const codes = new Set(operators.map((o) => o.code));
  for (const [code, position] of Object.entries(positions)) {
    if (!codes.has(code) || typeof position !== 'string' || position.length > 4000) throw invalid();
  }
  return positions as Positions;
}

export async function mergeAcrossOperators(request: MergeRequest): Promise<MergedPage> {
  const start = request.after ? decodeListCursorOrThrow(request.after, request.tag, request.operators) : {};
  const { results, unavailable } = await fanOut(
    request.operators,
    (operator) => request.fetchIndex(operator, start[operator.code] ?? null, request.first),
    request.context,
  );
  // Results keep registry order: on equal keys the earlier operator comes first.
  const streams = results.map(({ operator, value }) => ({ operator, page: value, next: 0 }));

  const positions: Positions = { ...start };
  const edges: MergedEdge[] = [];
  while (edges.length < request.first) {
    let best: (typeof streams)[number] | null = null;
    for (const stream of streams) {
      if (stream.next >= stream.page.entries.length) continue;
      if (!best) {
        best = stream;
        continue;
      }
      const order = request.compare(stream.page.entries[stream.next], best.page.entries[best.next]);
      if (order < 0) best = stream; // on a tie the earlier operator, visited first, stays
    }
    if (!best) break;
    const entry = best.page.entries[best.next];
    best.next += 1;
    positions[best.operator.code] = entry.cursor;
    const snapshot = { ...positions };
    edges.push({ entry, operator: best.operator, cursor: () => encodeListCursor(request.tag, snapshot) });
  }
  const hasNextPage = streams.some((stream) => stream.next < stream.page.entries.length || stream.page.hasMore);
  const totalCount = request.withCount ? streams.reduce((sum, stream) => sum + (stream.page.totalCount ?? 0), 0) : null;
  return { edges, hasNextPage, totalCount, unavailable };
}

/** Runs one call per operator in parallel; unreachable operators are recorded, not fatal. */
export async function fanOut<T>(
  operators: readonly OperatorDefinition[],
  call: (operator: OperatorDefinition) => Promise<T>,
  context: PartnershipContext,
): Promise<{ results: { operator: OperatorDefinition; value: T }[]; unavailable: OperatorDefinition[] }> {
  const settled = await Promise.allSettled(operators.map(call));
  const results: { operator: OperatorDefinition; value: T }[] = [];
  const unavailable: OperatorDefinition[] = [];
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') results.push({ operator: operators[index], value: result.value });
    else if (result.reason instanceof OperatorUnavailableError) unavailable.push(operators[index]);
    else throw result.reason;
  });
  for (const operator of unavailable) context.unavailableOperators?.add(operator.code);
  return { results, unavailable };
}
