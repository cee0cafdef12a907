/**
 * The key members are ordered by name with, in SQL (`ORDER BY sort_name COLLATE "C"`) and in the
 * partnership merge alike: both compare these strings byte by byte, so they always agree.
 *
 * Accents and case are folded (É sorts with E), and hyphens, apostrophes and other punctuation
 * become single spaces, so that "Saint-Brieuc", "Saint Brieuc" and "L'Hermitage" sort as a reader
 * expects. Ligatures are expanded (œ → oe).
 */
export function nameSortKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
