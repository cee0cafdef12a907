import type { DataSource } from 'typeorm';

/**
 * Which members of a range of name lengths a search must read (shared/src/directory/search.ts).
 *
 * The trigram index answers `name % text` with every name sharing at least 30% of the text's
 * trigrams, and each of them is then read and scored. For "saint brieuc" (13 trigrams) among names
 * of 21 to 32 trigrams, that is every "saint …" name (6 shared trigrams): 78,000 rows read at
 * 1,000,000 members to keep 375. Yet a name of that range must share at least 8 of the 13 trigrams
 * to match at all (below, its similarity is under the threshold whatever the name), so it shares at
 * least one of any 13 − 8 + 1 = 6 of them — in particular one of the 6 rarest, which are all in
 * "brieuc". Reading the names that contain one of those (a `LIKE ANY` on the same trigram index)
 * and scoring them finds every match of the range, from 2,000 rows instead of 78,000.
 *
 * Which trigrams are rare, and whether that read is smaller than the trigram index's own, comes from
 * the per-range trigram frequencies ANALYZE keeps (migration 1764450400000). They decide only how
 * much is read, never which rows match: without them, or when they are stale, the answer is the same.
 */

/** pg_trgm's thresholds, as the session running the search has them. */
export interface TrigramThresholds {
  similarity: number;
  wordSimilarity: number;
  /** `current_setting` of both, space-separated: the statement checks it still holds. */
  setting: string;
}

/** A range of `name_trigram_count` with its own partial trigram index. */
export interface NameLengthRange {
  minTrigrams: number;
  maxTrigrams: number | null;
}

/** What ANALYZE sampled of `member_search_trigrams(...)`: frequencies as fractions of the members. */
export interface SearchTrigramStatistics {
  members: number;
  frequencies: ReadonlyMap<string, number>;
  /** The smallest listed frequency: an element not listed is rarer than this. */
  floor: number;
  thresholds: TrigramThresholds;
}

const ALPHABET = /^[a-z0-9 ]{3}$/;
/** Below this many estimated rows, reading through the rare trigrams is cheap whatever the index holds. */
const SMALL_READ = 200;
/**
 * A range of fewer names than this is read the index way: `%` cannot return more names than the
 * range holds, and one index scan for the text's trigrams costs less than one per `LIKE` pattern
 * (a whole name's text gives dozens). Measured on the seeded directories (2,250, 1,750 and 370
 * members), PostgreSQL CPU per search with its count, prepared: 2.9 / 0.9 / 0.75 ms the index way
 * against 3.3 / 3.3 / 2.8 ms through the patterns.
 */
const SMALL_RANGE = 5_000;
/** Float4 comparisons in pg_trgm: a margin well above float4's rounding of values near 1. */
const EPSILON = 1e-6;

/**
 * The distinct trigrams pg_trgm's `show_trgm` gives for a folded text (`nameSortKey` output: words of
 * [a-z0-9] separated by single spaces): each word padded with two spaces before and one after.
 */
export function textTrigrams(folded: string): string[] {
  const trigrams = new Set<string>();
  for (const word of folded.split(' ')) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let index = 0; index + 3 <= padded.length; index += 1) trigrams.add(padded.slice(index, index + 3));
  }
  return [...trigrams].sort();
}

/**
 * `LIKE` patterns matching exactly the folded names that contain a trigram; pg_trgm's index extracts
 * the trigram back from each of them. `null` for a trigram outside the folded alphabet.
 */
export function likePatternsFor(trigram: string): string[] | null {
  if (!ALPHABET.test(trigram)) return null;
  const [a, b, c] = trigram;
  // pg_trgm pads each word with two spaces before and one after: a space is never after a letter in mid-trigram.
  if ((a !== ' ' && b === ' ') || (b === ' ' && c === ' ')) return null;
  if (a === ' ' && b === ' ') return [`${c}%`, `% ${c}%`]; // a word starting with c
  if (a === ' ' && c === ' ') return [b, `${b} %`, `% ${b}`, `% ${b} %`]; // the one-letter word b
  if (a === ' ') return [`${b}${c}%`, `% ${b}${c}%`]; // a word starting with bc
  if (c === ' ') return [`%${a}${b}`, `%${a}${b} %`]; // a word ending with ab
  return [`%${trigram}%`];
}

/**
 * The fewest of the text's `q` trigrams a name of at least `minTrigrams` trigrams shares when it
 * matches: `name % text` needs c / (n + q − c) ≥ similarity (pg_trgm counts distinct trigrams; the
 * ratio grows with c and falls with n), and `text <% name` needs the best extent of the name to
 * score c′ / (q + extent − c′) ≥ word similarity, hence c ≥ c′ ≥ word similarity × q.
 */
export function minimumSharedTrigrams(q: number, minTrigrams: number, thresholds: TrigramThresholds): number {
  let bySimilarity = q + 1;
  for (let c = 1; c <= q; c += 1) {
    if (c / (Math.max(minTrigrams, c) + q - c) >= thresholds.similarity - EPSILON) {
      bySimilarity = c;
      break;
    }
  }
  let byWord = q + 1;
  for (let c = 1; c <= q; c += 1) {
    if (c / q >= thresholds.wordSimilarity - EPSILON) {
      byWord = c;
      break;
    }
  }
  return Math.max(1, Math.min(bySimilarity, byWord));
}

/**
 * For each range, the `LIKE` patterns to read it through, or `null` to read it through the trigram
 * index's `%` and `<%` as before. Patterns are chosen, in a range of `SMALL_RANGE` names or more,
 * when a matching name must share at least
 * m > 1 trigrams (so that it contains one of the q − m + 1 rarest), and the names containing those
 * are estimated fewer than what `%` would surely return: with the frequencies f of the text's
 * trigrams in the range, at least (Σf − (k − 1)) / (q − k + 1) of its names share k = ⌈0.3 q⌉ of
 * them or more (the mean shared count cannot exceed k − 1 otherwise).
 */
export function chooseCandidatePatterns(
  folded: string,
  ranges: readonly NameLengthRange[],
  statistics: SearchTrigramStatistics | null,
): (string[] | null)[] {
  const none = ranges.map(() => null);
  if (!statistics || statistics.members <= 0) return none;
  const trigrams = textTrigrams(folded);
  const q = trigrams.length;
  if (q === 0 || trigrams.some((trigram) => likePatternsFor(trigram) === null)) return none;
  const listed = (element: string) => statistics.frequencies.get(element) ?? statistics.floor / 2;
  const indexMinimum = Math.max(1, Math.ceil(statistics.thresholds.similarity * q - EPSILON));
  return ranges.map((range, index) => {
    const tag = `${index + 1}:`;
    const minimum = minimumSharedTrigrams(q, range.minTrigrams, statistics.thresholds);
    const keep = q - minimum + 1;
    if (keep >= q) return null;
    const inRange = listed(tag);
    if (inRange * statistics.members < SMALL_RANGE) return null;
    const frequency = new Map(trigrams.map((trigram) => [trigram, Math.min(listed(tag + trigram), inRange)]));
    const rarest = [...trigrams].sort((x, y) => frequency.get(x)! - frequency.get(y)! || (x < y ? -1 : x > y ? 1 : 0)).slice(0, keep);
    const throughRare = rarest.reduce((sum, trigram) => sum + frequency.get(trigram)!, 0) * statistics.members;
    const meanShared = trigrams.reduce((sum, trigram) => sum + frequency.get(trigram)!, 0) / inRange;
    const throughIndex = (Math.max(0, meanShared - (indexMinimum - 1)) / (q - indexMinimum + 1)) * inRange * statistics.members;
    if (throughRare > Math.max(throughIndex, SMALL_READ)) return null;
    return rarest.flatMap((trigram) => likePatternsFor(trigram)!);
  });
}

/**
 * Reads the statistics; `null` when ANALYZE has not sampled the members yet (or they are not visible).
 * pg_trgm defines its two settings when its library is loaded, on a connection's first use of one of
 * its functions: before that, `current_setting` of them is an error. `show_trgm('')` (folded when the
 * statement is planned) loads it first, so that the read works on any pooled connection.
 */
export async function readSearchTrigramStatistics(dataSource: DataSource): Promise<SearchTrigramStatistics | null> {
  const [row] = await dataSource.query(
    `SELECT show_trgm('') AS loaded, c.reltuples::float8 AS members, s.most_common_elems::text::text[] AS elements, s.most_common_elem_freqs AS frequencies,
            current_setting('pg_trgm.similarity_threshold') AS similarity, current_setting('pg_trgm.word_similarity_threshold') AS word
       FROM pg_class c
       LEFT JOIN pg_stats_ext_exprs s
         ON s.statistics_name = 'member_search_trigrams' AND s.schemaname = current_schema() AND s.tablename = 'member'
      WHERE c.oid = to_regclass('member')`,
  );
  if (!row || !(row.members > 0) || !Array.isArray(row.elements) || !Array.isArray(row.frequencies)) return null;
  const elements: string[] = row.elements;
  const frequencies: number[] = row.frequencies.map(Number);
  const map = new Map<string, number>();
  elements.forEach((element, index) => map.set(element, frequencies[index]));
  // After the element frequencies, PostgreSQL stores their minimum, maximum and the null fraction.
  const floor = frequencies[elements.length] ?? Math.min(...frequencies.slice(0, elements.length));
  const similarity = Number(row.similarity);
  const wordSimilarity = Number(row.word);
  if (!Number.isFinite(similarity) || !Number.isFinite(wordSimilarity)) return null;
  return {
    members: Number(row.members),
    frequencies: map,
    floor,
    thresholds: { similarity, wordSimilarity, setting: `${row.similarity} ${row.word}` },
  };
}

/** How long statistics read from a database are used before they are read again. */
export const SEARCH_STATISTICS_MAX_AGE_MS = 5 * 60_000;

interface CachedStatistics {
  value: Promise<SearchTrigramStatistics | null>;
  readAt: number;
}
const cache = new WeakMap<DataSource, CachedStatistics>();

/**
 * The statistics of a database, read at most every `SEARCH_STATISTICS_MAX_AGE_MS` (one statement;
 * concurrent searches share it). Only the first search of a data source waits for the read: once
 * they are older than the max age, the statistics held are still served while the next read runs
 * in the background (one read, whatever the number of searches meanwhile), and replaced when it
 * ends. A failed read counts as no statistics until the next one: search stays exact, only slower
 * on some texts.
 */
export function searchTrigramStatisticsFor(dataSource: DataSource, now = Date.now()): Promise<SearchTrigramStatistics | null> {
  const cached = cache.get(dataSource);
  if (cached && now - cached.readAt < SEARCH_STATISTICS_MAX_AGE_MS) return cached.value;
  const read = readSearchTrigramStatistics(dataSource).catch(() => null);
  if (!cached) {
    cache.set(dataSource, { value: read, readAt: now });
    return read;
  }
  const refreshing: CachedStatistics = { value: cached.value, readAt: now };
  cache.set(dataSource, refreshing);
  void read.then((value) => {
    if (cache.get(dataSource) === refreshing) cache.set(dataSource, { value: Promise.resolve(value), readAt: now });
  });
  return cached.value;
}
