import type { DataSource } from 'typeorm';
import { nameSortKey } from '../domain/sort-key.util';
import { badUserInput } from '../errors/user-input-error';
import { chooseCandidatePatterns, type NameLengthRange, type SearchTrigramStatistics, searchTrigramStatisticsFor } from './search-candidates';

/**
 * Search over an operator's members and active services, by name. The text is folded exactly like
 * `sort_name` (accents, case, hyphens, apostrophes), then matched with pg_trgm (GIN-indexed `%` and
 * `<%` operators: tolerant of typos). The score — the mean of the whole-name similarity and the
 * best-matching-words similarity, so that the exact name outranks longer names containing it — is
 * computed the same way in every subgraph and rounded to 4 decimals, so that scores merge exactly.
 *
 * Order: score descending, then name, kind and id ascending.
 *
 * A page does not score every match (a frequent word matches a tenth of a large directory). The
 * members are split by how many distinct trigrams their name has (`name_trigram_count`, n), one
 * partial GIN index per range (`SEARCH_NAME_BUCKETS`). A name of n trigrams and a text of q share at
 * most min(n, q) of them, so its similarity is at most q / n when n >= q, and its score at most
 * (1 + q / n) / 2 (the word similarity is at most 1). The page is first taken from the services
 * and the shortest names only; it is final when its first `first` rows all score above what any
 * longer name could, and otherwise the next range is added, up to all of them. Within a range, the
 * members read are either those the trigram index returns for `%` and `<%`, or, when a frequent word
 * of the text would make that most of the range, those containing one of the text's rarest trigrams
 * (search-candidates.ts). The answer is the same rows in the same order as scoring every match; only
 * the work differs.
 */
export type SearchKind = 'Member' | 'Service';

export interface SearchPosition {
  score: string;
  key: string;
  kind: SearchKind;
  id: number;
}

export interface SearchHit extends SearchPosition {}

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 100;

/** Folds and validates the search text; `BAD_USER_INPUT` on `text` when it cannot be searched. */
export function searchTextOrThrow(text: string): string {
  if (text.length > SEARCH_MAX_LENGTH) throw badUserInput('text', `text must be at most ${SEARCH_MAX_LENGTH} characters long.`);
  const folded = nameSortKey(text);
  if (folded.replace(/ /g, '').length < SEARCH_MIN_LENGTH) {
    throw badUserInput('text', `text must contain at least ${SEARCH_MIN_LENGTH} letters or digits.`);
  }
  return folded;
}

const SCORE = (column: string) => `round(((similarity(${column}, $1) + word_similarity($1, ${column})) / 2)::numeric, 4)`;
/**
 * Whether a name matches: `%` (similarity) or `<%` (word similarity) over the threshold. The text
 * reaches these operators as an InitPlan value rather than a constant, so that the planner does not
 * estimate their selectivity by running them over every value of `sort_name`'s statistics (with
 * ten operators in a page statement, planning took longer than the execution); the GIN index
 * conditions take it at run time.
 */
const MATCHES_NAME = (column: string) => `(${column} % (SELECT $1::text) OR (SELECT $1::text) <% ${column})`;

/**
 * Ranges of `name_trigram_count`, each with a partial GIN trigram index whose predicate is the same
 * text (migration 1764450300000), so that the planner proves the index usable. Contiguous, from 0
 * up: every member is in exactly one.
 */
export const SEARCH_NAME_BUCKETS: readonly (NameLengthRange & { predicate: string })[] = [
  { predicate: 'm.name_trigram_count <= 12', minTrigrams: 0, maxTrigrams: 12 },
  { predicate: 'm.name_trigram_count BETWEEN 13 AND 20', minTrigrams: 13, maxTrigrams: 20 },
  { predicate: 'm.name_trigram_count BETWEEN 21 AND 32', minTrigrams: 21, maxTrigrams: 32 },
  { predicate: 'm.name_trigram_count >= 33', minTrigrams: 33, maxTrigrams: null },
];

const ORDER = 'ORDER BY r.score DESC, r.key ASC, r.kind ASC, r.id ASC';
/**
 * Parameters of the page and count statements: $1 the folded text, $2 pg_trgm's thresholds, then one
 * pattern list per bucket (`chooseCandidatePatterns`); a page adds `first + 1` and the position to
 * start after.
 */
const LIMIT = `$${3 + SEARCH_NAME_BUCKETS.length}`;
const POSITION = 4 + SEARCH_NAME_BUCKETS.length;
const AFTER = `WHERE r.score < $${POSITION}::numeric OR (r.score = $${POSITION}::numeric AND (r.key, r.kind, r.id) > ($${POSITION + 1}::text COLLATE "C", $${POSITION + 2}::text, $${POSITION + 3}::int))`;

/**
 * A bucket's members that match, read one of two ways (search-candidates.ts), decided per request:
 * through the trigram index's `%` and `<%`, or, when the bucket's parameter holds `LIKE` patterns,
 * through the names containing one of the text's rarest trigrams, scored with the same operators
 * applied as a filter (`|| ''`: not an index condition, so the planner reads the index by the
 * patterns alone). The patterns are used only while pg_trgm's thresholds are those they were
 * chosen for ($2); otherwise the bucket is read the first way. The way not taken is never run.
 */
function bucketMatches(bucket: (typeof SEARCH_NAME_BUCKETS)[number], index: number, columns: string): string {
  const patterns = `(SELECT CASE WHEN current_setting('pg_trgm.similarity_threshold') || ' ' || current_setting('pg_trgm.word_similarity_threshold') = $2::text THEN $${3 + index}::text[] END)`;
  return `SELECT ${columns} FROM member m WHERE ${bucket.predicate} AND ${patterns} IS NULL AND ${MATCHES_NAME('m.sort_name')}
      UNION ALL
      SELECT ${columns} FROM member m WHERE ${bucket.predicate} AND ${patterns} IS NOT NULL AND m.sort_name::text LIKE ANY (${patterns}::text[])
        AND ${MATCHES_NAME("(m.sort_name::text || '')")}`;
}

/** A bucket's matching members, scored, for a page. */
function bucketStatement(bucket: (typeof SEARCH_NAME_BUCKETS)[number], index: number): string {
  return `bucket_${index + 1} AS MATERIALIZED (
      ${bucketMatches(bucket, index, `'Member'::text AS kind, m.id, m.sort_name AS key, ${SCORE('m.sort_name')} AS score`)})`;
}

/** The active services that match, scored. */
const SERVICES = `services AS MATERIALIZED (
      SELECT 'Service'::text AS kind, s.id, s.sort_name AS key, ${SCORE('s.sort_name')} AS score
        FROM service s WHERE s.retired_at IS NULL AND ${MATCHES_NAME('s.sort_name')})`;

/**
 * The page statement. `tier_k` is the page over the services and the buckets up to k; `chosen` is
 * the first tier that is exact (evaluated lazily: a later bucket is read only when an earlier tier
 * is not enough).
 *
 * With `withCount`, the statement also counts every match, reading each member once: the services
 * and the buckets the page read (1 to `chosen`, all their matches materialised) are counted from
 * their CTEs, the others as `countSearch` reads them (matched, not scored; each branch of the CASE is
 * an InitPlan run only if taken). The page's rows follow in no order (the caller sorts them), beside
 * the count; an outer join keeps the count when the page is empty.
 */
function pageStatement(after: boolean, withCount: boolean): string {
  const ctes: string[] = [...SEARCH_NAME_BUCKETS.map(bucketStatement), SERVICES];
  SEARCH_NAME_BUCKETS.forEach((_bucket, index) => {
    const previous = index === 0 ? 'services' : `tier_${index}`;
    ctes.push(`tier_${index + 1} AS MATERIALIZED (
      SELECT * FROM (SELECT * FROM ${previous} UNION ALL SELECT * FROM bucket_${index + 1}) r ${after ? AFTER : ''} ${ORDER} LIMIT ${LIMIT})`);
  });
  // The best score a member outside tier k can have, rounded up (float4 similarities included).
  const bound = (maxTrigrams: number) =>
    `round(((least(1, coalesce(array_length(show_trgm($1), 1), 0)::float8 / ${maxTrigrams + 1}) + 1) / 2 + 0.000001)::numeric, 4)`;
  const exact = SEARCH_NAME_BUCKETS.flatMap((bucket, index) =>
    bucket.maxTrigrams === null
      ? []
      : [`WHEN (SELECT count(*) >= ${LIMIT} AND count(*) FILTER (WHERE t.score > ${bound(bucket.maxTrigrams)}) >= ${LIMIT} - 1 FROM tier_${index + 1} t) THEN ${index + 1}`],
  );
  ctes.push(`chosen AS (SELECT CASE ${exact.join(' ')} ELSE ${SEARCH_NAME_BUCKETS.length} END AS tier)`);
  const branches = SEARCH_NAME_BUCKETS.map((_bucket, index) => `SELECT * FROM tier_${index + 1} WHERE (SELECT tier FROM chosen) = ${index + 1}`);
  const rows = `SELECT r.kind, r.id, r.key, r.score::text AS score FROM (${branches.join(' UNION ALL ')}) r`;
  if (!withCount) return `WITH ${ctes.join(',\n')}\n    ${rows} ${ORDER}`;
  const counts = SEARCH_NAME_BUCKETS.map(
    (bucket, index) =>
      `CASE WHEN (SELECT tier FROM chosen) >= ${index + 1} THEN (SELECT count(*) FROM bucket_${index + 1})
            ELSE (SELECT count(*) FROM (${bucketMatches(bucket, index, 'm.id')}) b) END`,
  );
  return `WITH ${ctes.join(',\n')}
    SELECT page.kind, page.id, page.key, page.score, total.count
      FROM (SELECT ((SELECT count(*) FROM services) + ${counts.join(' + ')})::int AS count) total
      LEFT JOIN (${rows}) page ON true`;
}

const FIRST_PAGE = pageStatement(false, false);
const PAGE_AFTER = pageStatement(true, false);
const FIRST_PAGE_COUNTED = pageStatement(false, true);
const PAGE_AFTER_COUNTED = pageStatement(true, true);
/**
 * Every match counted (not scored), each bucket read the way chosen for it, as a page reads it; when
 * every bucket is read through the trigram index, one scan of the whole-table trigram index instead.
 * The text reaches the operators as an InitPlan value here too (`MATCHES_NAME`): planned for a
 * constant text (without prepared statements, or a prepared statement's first five executions on a
 * connection), the planner prices `%` and `<%` like an equality, and on a directory of a few
 * thousand members it preferred scoring every name (a sequential scan) to the index: 10 to 30 ms of
 * PostgreSQL CPU per count on MEGALIS's 2,250 members, against 0.5 to 5 ms through the index. (A
 * prepared statement's generic plan already read the index.)
 */
const COUNT_THROUGH_INDEX = `SELECT count(*)::int AS count FROM (
      SELECT m.id FROM member m WHERE ${MATCHES_NAME('m.sort_name')}
      UNION ALL
      SELECT s.id FROM service s WHERE s.retired_at IS NULL AND ${MATCHES_NAME('s.sort_name')}) r`;
const COUNT_BY_BUCKET = `SELECT count(*)::int AS count FROM (
      ${SEARCH_NAME_BUCKETS.map((bucket, index) => bucketMatches(bucket, index, 'm.id')).join('\n      UNION ALL\n      ')}
      UNION ALL
      SELECT s.id FROM service s WHERE s.retired_at IS NULL AND ${MATCHES_NAME('s.sort_name')}) r`;

/** The parameters every search statement starts with. */
async function searchParameters(dataSource: DataSource, folded: string, statistics: SearchTrigramStatistics | null | undefined): Promise<unknown[]> {
  if (statistics === undefined) statistics = await searchTrigramStatisticsFor(dataSource);
  return [folded, statistics?.thresholds.setting ?? '', ...chooseCandidatePatterns(folded, SEARCH_NAME_BUCKETS, statistics)];
}

export async function searchPage(
  dataSource: DataSource,
  folded: string,
  first: number,
  after: SearchPosition | null,
  /** The trigram statistics to choose how each bucket is read; by default the database's, cached. */
  statistics?: SearchTrigramStatistics | null,
): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
  const { hits, hasMore } = await searchPageAndCount(dataSource, folded, first, after, false, statistics);
  return { hits, hasMore };
}

/**
 * A page and, when asked, the count of every match (`countSearch`), in one statement that reads each
 * member once (`pageStatement`). The page's rows are ordered here.
 */
export async function searchPageAndCount(
  dataSource: DataSource,
  folded: string,
  first: number,
  after: SearchPosition | null,
  withCount: boolean,
  statistics?: SearchTrigramStatistics | null,
): Promise<{ hits: SearchHit[]; hasMore: boolean; totalCount: number | null }> {
  if (first === 0) return { hits: [], hasMore: false, totalCount: withCount ? await countSearch(dataSource, folded, statistics) : null };
  const params = [...(await searchParameters(dataSource, folded, statistics)), first + 1];
  if (after) params.push(after.score, after.key, after.kind, after.id);
  const sql = withCount ? (after ? PAGE_AFTER_COUNTED : FIRST_PAGE_COUNTED) : after ? PAGE_AFTER : FIRST_PAGE;
  const rows: { kind: SearchKind | null; id: number | null; key: string | null; score: string | null; count?: number }[] = await dataSource.query(sql, params);
  const hits = rows
    .filter((row): row is SearchHit & { count?: number } => row.id !== null)
    .map(({ kind, id, key, score }) => ({ kind, id, key, score: normaliseScore(score) }))
    .sort(compareHits);
  return { hits: hits.slice(0, first), hasMore: hits.length > first, totalCount: withCount ? (rows[0]?.count ?? 0) : null };
}

/** The page's order (`ORDER`): score descending, then key (byte order, as `COLLATE "C"`), kind and id ascending. */
function compareHits(a: SearchHit, b: SearchHit): number {
  const byScore = Number(b.score) - Number(a.score);
  if (byScore !== 0) return byScore;
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.id - b.id;
}

export async function countSearch(dataSource: DataSource, folded: string, statistics?: SearchTrigramStatistics | null): Promise<number> {
  const params = await searchParameters(dataSource, folded, statistics);
  const byBucket = params.slice(2).some((patterns) => patterns !== null);
  const [{ count }] = await dataSource.query(byBucket ? COUNT_BY_BUCKET : COUNT_THROUGH_INDEX, byBucket ? params : [folded]);
  return count;
}

/** `1.0000` → `1.0000`; keeps 4 decimals so that scores compare as strings and as numbers alike. */
function normaliseScore(score: string): string {
  return Number(score).toFixed(4);
}
