import type { DataSource } from 'typeorm';
import { nameSortKey } from '../domain/sort-key.util';
import { badUserInput } from '../errors/user-input-error';

/**
 * Search over an operator's members and active services, by name. The text is folded exactly like
 * `sort_name` (accents, case, hyphens, apostrophes), then matched with pg_trgm (GIN-indexed `%` and
 * `<%` operators: tolerant of typos). The score — the mean of the whole-name similarity and the
 * best-matching-words similarity, so that the exact name outranks longer names containing it — is
 * computed the same way in every subgraph and rounded to 4 decimals, so that scores merge exactly.
 *
 * Order: score descending, then name, kind and id ascending.
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

const MATCHES = `
  SELECT 'Member'::text AS kind, m.id, m.sort_name AS key,
         round(((similarity(m.sort_name, $1) + word_similarity($1, m.sort_name)) / 2)::numeric, 4) AS score
    FROM member m
   WHERE m.sort_name % $1 OR $1 <% m.sort_name
  UNION ALL
  SELECT 'Service'::text, s.id, s.sort_name,
         round(((similarity(s.sort_name, $1) + word_similarity($1, s.sort_name)) / 2)::numeric, 4)
    FROM service s
   WHERE s.retired_at IS NULL AND (s.sort_name % $1 OR $1 <% s.sort_name)`;

export async function searchPage(
  dataSource: DataSource,
  folded: string,
  first: number,
  after: SearchPosition | null,
): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
  if (first === 0) return { hits: [], hasMore: false };
  const params: unknown[] = [folded, first + 1];
  let where = '';
  if (after) {
    params.push(after.score, after.key, after.kind, after.id);
    where = `WHERE r.score < $3::numeric OR (r.score = $3::numeric AND (r.key, r.kind, r.id) > ($4::text COLLATE "C", $5::text, $6::int))`;
  }
  const rows: { kind: SearchKind; id: number; key: string; score: string }[] = await dataSource.query(
    `SELECT r.kind, r.id, r.key, r.score::text AS score FROM (${MATCHES}) r ${where}
      ORDER BY r.score DESC, r.key ASC, r.kind ASC, r.id ASC LIMIT $2`,
    params,
  );
  return { hits: rows.slice(0, first).map((row) => ({ ...row, score: normaliseScore(row.score) })), hasMore: rows.length > first };
}

export async function countSearch(dataSource: DataSource, folded: string): Promise<number> {
  const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM (${MATCHES}) r`, [folded]);
  return count;
}

/** `1.0000` → `1.0000`; keeps 4 decimals so that scores compare as strings and as numbers alike. */
function normaliseScore(score: string): string {
  return Number(score).toFixed(4);
}
