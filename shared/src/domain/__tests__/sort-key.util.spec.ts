import { nameSortKey } from '../sort-key.util';

describe('nameSortKey: order of names', () => {
  it('folds accents, case, hyphens and apostrophes', () => {
    expect(nameSortKey('Pont-l’Abbé')).toBe('pont l abbe');
    expect(nameSortKey("Pont-l'Abbé")).toBe('pont l abbe');
    expect(nameSortKey('Châteaulin')).toBe('chateaulin');
    expect(nameSortKey('ÉTABLES-SUR-MER')).toBe('etables sur mer');
    expect(nameSortKey('Œuilly')).toBe('oeuilly');
  });

  it('sorts accented names among their unaccented neighbours', () => {
    const names = ['Zillisheim', 'Étables-sur-Mer', 'Erquy', 'Eu', 'Saint-Brieuc', 'Saint Aaron', 'Sainte-Anne'];
    const sorted = [...names].sort((a, b) => (nameSortKey(a) < nameSortKey(b) ? -1 : 1));
    expect(sorted).toEqual(['Erquy', 'Étables-sur-Mer', 'Eu', 'Saint Aaron', 'Saint-Brieuc', 'Sainte-Anne', 'Zillisheim']);
  });
});
