/**
 * The population bands of `member_group_count` (migration 1764450300000): 0 to 8 one by one, then
 * 12 bands per power of ten (10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80, then 100, 120…), up to
 * 2,000,000,000. A member with a population p is counted in the band of the greatest start <= p,
 * which covers [start, next start - 1]; members without a population are in band -1. The same starts
 * are written out in the migration's `member_population_band` SQL function (a test keeps them
 * equal): changing them needs a new migration that rebuilds the table.
 */
const MAX_POPULATION_VALUE = 2_147_483_647; // PostgreSQL int

export const POPULATION_BAND_STARTS: readonly number[] = bandStarts();

/** The band of members without a population. */
export const NO_POPULATION_BAND = -1;

function bandStarts(): number[] {
  const starts = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  for (let scale = 1; ; scale *= 10) {
    for (const step of [10, 12, 15, 20, 25, 30, 35, 40, 50, 60, 70, 80]) {
      if (step * scale > MAX_POPULATION_VALUE) return starts;
      starts.push(step * scale);
    }
  }
}

const bandEnd = (index: number) => (index + 1 < POPULATION_BAND_STARTS.length ? POPULATION_BAND_STARTS[index + 1] - 1 : MAX_POPULATION_VALUE);

function bandIndexOf(population: number): number {
  let index = 0;
  while (index + 1 < POPULATION_BAND_STARTS.length && POPULATION_BAND_STARTS[index + 1] <= population) index += 1;
  return index;
}

/** The band (its start) of a population, as `member_population_band` computes it. */
export function populationBandOf(population: number | null): number {
  return population === null ? NO_POPULATION_BAND : POPULATION_BAND_STARTS[bandIndexOf(population)];
}

/** An inclusive range of populations. */
export type PopulationSegment = [number, number];

export interface PopulationRangeCover {
  /** Bands counted whole, from `member_group_count`. */
  bands: number[];
  /** Parts of bands not counted whole that are in the range: counted from the members. */
  add: PopulationSegment[];
  /** Parts of bands counted whole that are outside the range: counted from the members and taken off. */
  subtract: PopulationSegment[];
}

/**
 * How to count the members whose population is in [min, max] (either bound optional): the bands
 * inside the range from the group counts; at each end, the band the bound falls in either from the
 * members (the part inside the range) or from the group counts less the part outside the range,
 * whichever part is narrower. Bounds on band starts (1,000, 3,500, 10,000…) need neither.
 */
export function coverPopulationRange(min: number | undefined, max: number | undefined): PopulationRangeCover {
  const low = min ?? 0;
  const high = max ?? MAX_POPULATION_VALUE;
  const cover: PopulationRangeCover = { bands: [], add: [], subtract: [] };
  if (low > high) return cover;
  const first = bandIndexOf(low);
  const last = bandIndexOf(high);
  const start = (index: number) => POPULATION_BAND_STARTS[index];
  if (first === last) {
    // One band: the range itself, or the band less what lies on either side of the range.
    const inside = high - low + 1;
    const outside = low - start(first) + (bandEnd(first) - high);
    if (outside === 0) cover.bands.push(start(first));
    else if (inside <= outside) cover.add.push([low, high]);
    else {
      cover.bands.push(start(first));
      if (low > start(first)) cover.subtract.push([start(first), low - 1]);
      if (high < bandEnd(first)) cover.subtract.push([high + 1, bandEnd(first)]);
    }
    return cover;
  }
  if (low === start(first)) cover.bands.push(start(first));
  else if (bandEnd(first) - low + 1 <= low - start(first)) cover.add.push([low, bandEnd(first)]);
  else {
    cover.bands.push(start(first));
    cover.subtract.push([start(first), low - 1]);
  }
  for (let index = first + 1; index < last; index += 1) cover.bands.push(start(index));
  if (high === bandEnd(last)) cover.bands.push(start(last));
  else if (high - start(last) + 1 <= bandEnd(last) - high) cover.add.push([start(last), high]);
  else {
    cover.bands.push(start(last));
    cover.subtract.push([high + 1, bandEnd(last)]);
  }
  return cover;
}
