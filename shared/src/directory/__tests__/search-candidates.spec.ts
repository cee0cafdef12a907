import {
  chooseCandidatePatterns,
  likePatternsFor,
  minimumSharedTrigrams,
  type SearchTrigramStatistics,
  textTrigrams,
  type TrigramThresholds,
} from '../search-candidates';
import { SEARCH_NAME_BUCKETS } from '../search';

const DEFAULTS: TrigramThresholds = { similarity: 0.3, wordSimilarity: 0.6, setting: '0.3 0.6' };

/** Like LIKE, for the patterns the module writes (`%` wildcards only). */
const like = (value: string, pattern: string) =>
  new RegExp(`^${pattern.split('%').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(value);

describe('search candidates: trigrams as pg_trgm makes them', () => {
  it('pads each word with two spaces before and one after, distinct and sorted', () => {
    expect(textTrigrams('saint brieuc')).toEqual(
      ['  b', '  s', ' br', ' sa', 'ain', 'bri', 'euc', 'ieu', 'int', 'nt ', 'rie', 'sai', 'uc '].sort(),
    );
    expect(textTrigrams('a')).toEqual(['  a', ' a ']);
    expect(textTrigrams('la la')).toEqual(['  l', ' la', 'la ']);
  });

  it('writes LIKE patterns that match exactly the folded names containing the trigram', () => {
    const names = ['brieuc', 'saint brieuc', 'abrieuc', 'le bris', 'b', 'a b c', 'b a', 'ab', 'bab', 'brr', 'x ab', 'ab x', 'zz'];
    const trigrams = [...new Set(names.flatMap(textTrigrams))];
    for (const trigram of trigrams) {
      const patterns = likePatternsFor(trigram)!;
      expect(patterns).not.toBeNull();
      for (const name of names) {
        expect({ trigram, name, matches: patterns.some((pattern) => like(name, pattern)) }).toEqual({
          trigram,
          name,
          matches: textTrigrams(name).includes(trigram),
        });
      }
    }
  });

  it('refuses what pg_trgm never makes from a folded name', () => {
    for (const trigram of ['   ', 'a  ', 'a b', 'é a', '%ab', 'ab', 'abcd', '_ab']) expect(likePatternsFor(trigram)).toBeNull();
  });
});

describe('search candidates: the fewest trigrams a match shares', () => {
  it('is never more than a matching name shares (every q, n and c up to 60)', () => {
    for (const range of SEARCH_NAME_BUCKETS) {
      for (let q = 1; q <= 60; q += 1) {
        const minimum = minimumSharedTrigrams(q, range.minTrigrams, DEFAULTS);
        for (let n = Math.max(1, range.minTrigrams); n <= (range.maxTrigrams ?? 60); n += 1) {
          for (let c = 0; c <= Math.min(n, q); c += 1) {
            // pg_trgm computes in float4; similarity is c / (n + q - c), word similarity at most c / q.
            const similarity = Math.fround(c / Math.fround(n + q - c));
            const matches = similarity >= Math.fround(0.3) || Math.fround(c / q) >= Math.fround(0.6);
            if (matches) expect({ q, n, c, atLeast: minimum }).toEqual({ q, n, c, atLeast: Math.min(minimum, c) });
          }
        }
      }
    }
  });

  it('is as large as the thresholds allow: 8 of 13 among names of 21 trigrams or more', () => {
    expect(minimumSharedTrigrams(13, 21, DEFAULTS)).toBe(8);
    expect(minimumSharedTrigrams(13, 13, DEFAULTS)).toBe(6);
    expect(minimumSharedTrigrams(13, 0, DEFAULTS)).toBe(4);
    expect(minimumSharedTrigrams(13, 21, { similarity: 0.1, wordSimilarity: 0.2, setting: '0.1 0.2' })).toBe(3);
  });
});

/** Statistics as ANALYZE would give them: "saint" in every name of 21–32 trigrams, "brieuc" rare. */
function statistics(overrides: Partial<SearchTrigramStatistics> = {}): SearchTrigramStatistics {
  const frequencies = new Map<string, number>([
    ['1:', 0.05],
    ['2:', 0.87],
    ['3:', 0.08],
    ['2:  b', 0.11],
    ['2:  s', 0.1],
  ]);
  for (const trigram of ['  s', ' sa', 'sai', 'ain', 'int', 'nt ']) frequencies.set(`3:${trigram}`, 0.08);
  frequencies.set('3:  b', 0.01);
  return { members: 1_000_000, frequencies, floor: 0.002, thresholds: DEFAULTS, ...overrides };
}

describe('search candidates: choosing how each range is read', () => {
  it('reads through the rarest trigrams where a frequent word would make the index return most of the range', () => {
    const chosen = chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics());
    // 21–32: a match shares 8 of 13, so one of the 6 rarest: all in "brieuc" (not "  b", listed at 1%).
    expect(chosen[2]).toEqual(['br%', '% br%', '%bri%', '%euc%', '%ieu%', '%rie%', '%uc', '%uc %']);
    // Up to 20 trigrams: a match may share only 6 of 13, so 8 trigrams, one of them from "saint".
    expect(chosen[1]).toBeNull();
    // The shortest names: nothing to gain (4 of 13 is what the index asks already).
    expect(chosen[0]).toBeNull();
  });

  it('keeps the index where its read is small anyway', () => {
    expect(chooseCandidatePatterns('plouguerneau', SEARCH_NAME_BUCKETS, statistics())).toEqual([null, null, null, null]);
  });

  it('reads a range of fewer than 5,000 names the index way: one index scan costs less than one per pattern there', () => {
    // Range 21–32 holds 8% of the members: 80,000 of a million (patterns, above), 4,000 of 50,000.
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics({ members: 62_500 }))[2]).not.toBeNull();
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics({ members: 50_000 }))).toEqual([null, null, null, null]);
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics({ members: 2_250 }))).toEqual([null, null, null, null]);
  });

  it('reads every range the index way without statistics, with no members, or with a text outside the folded alphabet', () => {
    const none = [null, null, null, null];
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, null)).toEqual(none);
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics({ members: 0 }))).toEqual(none);
    expect(chooseCandidatePatterns('saint_brieuc', SEARCH_NAME_BUCKETS, statistics())).toEqual(none);
  });

  it('follows the thresholds the statistics were read with', () => {
    const loose = { similarity: 0.1, wordSimilarity: 0.2, setting: '0.1 0.2' };
    // A match among 21–32 then shares 3 of 13: 11 trigrams, "saint" included: not worth it.
    expect(chooseCandidatePatterns('saint brieuc', SEARCH_NAME_BUCKETS, statistics({ thresholds: loose }))[2]).toBeNull();
  });
});
