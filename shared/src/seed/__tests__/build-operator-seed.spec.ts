import { isValidSiren } from '../../domain/siren.util';
import { getOperatorOrThrow } from '../../operators/operator-registry';
import { currentCommunes, epcis, epts } from '../../reference/insee-reference';
import { buildOperatorSeed } from '../build-operator-seed';
import { loadOperatorModule } from '../../../../subgraphs/operator-modules';
import type { OperatorSeed, SeedMember } from '../seed-types';

const MEGALIS = getOperatorOrThrow('MEGALIS');
const TERNUM_BFC = getOperatorOrThrow('TERNUM_BFC');
const MAXIMILIEN = getOperatorOrThrow('MAXIMILIEN');

// Built once: every test below reads the same seeds.
const seedDataOf = (operator: typeof MEGALIS) => {
  const { specifics } = loadOperatorModule(operator);
  return { catalogue: specifics.catalogue, composition: specifics.seedComposition };
};
const CATALOGUES = Object.fromEntries([MEGALIS, TERNUM_BFC, MAXIMILIEN].map((o) => [o.code, loadOperatorModule(o).specifics.catalogue]));
const seeds: Record<string, OperatorSeed> = {
  MEGALIS: buildOperatorSeed(MEGALIS, seedDataOf(MEGALIS)),
  TERNUM_BFC: buildOperatorSeed(TERNUM_BFC, seedDataOf(TERNUM_BFC)),
  MAXIMILIEN: buildOperatorSeed(MAXIMILIEN, seedDataOf(MAXIMILIEN)),
};
const OPERATOR_CODES = Object.keys(seeds);
/** Synthetic SIRENs start with 0, a range INSEE never allocates. */
const SYNTHETIC_PREFIX = '0';

function seedOf(code: string): OperatorSeed {
  const seed = seeds[code];
  if (!seed) throw new Error(`no seed for ${code}`);
  return seed;
}

function communesOf(seed: OperatorSeed): SeedMember[] {
  return seed.members.filter((member) => member.kind === 'COMMUNE');
}

function bySiren(seed: OperatorSeed): Map<string, SeedMember> {
  return new Map(seed.members.map((member) => [member.siren, member]));
}

describe('buildOperatorSeed', () => {
  it.each([
    ['MEGALIS', 2250],
    ['TERNUM_BFC', 1750],
    ['MAXIMILIEN', 370],
  ])('seeds exactly the member count of %s (%i)', (code, expected) => {
    expect(seedOf(code).members).toHaveLength(expected);
  });

  it.each(OPERATOR_CODES)('gives %s unique, Luhn-valid SIRENs', (code) => {
    const sirens = seedOf(code).members.map((member) => member.siren);
    expect(new Set(sirens).size).toBe(sirens.length);
    expect(sirens.filter((siren) => !isValidSiren(siren))).toEqual([]);
  });

  it('is deterministic: two calls return deep-equal seeds', () => {
    expect(buildOperatorSeed(MEGALIS, seedDataOf(MEGALIS))).toEqual(seedOf('MEGALIS'));
    expect(buildOperatorSeed(MAXIMILIEN, seedDataOf(MAXIMILIEN))).toEqual(seedOf('MAXIMILIEN'));
  });

  it('builds the Mégalis seed well under a second', () => {
    const started = performance.now();
    buildOperatorSeed(MEGALIS, seedDataOf(MEGALIS));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('includes every current Breton commune with its reference name, SIREN and population', () => {
    const megalis = bySiren(seedOf('MEGALIS'));
    const breton = currentCommunes().filter((commune) => commune.region === '53');
    expect(breton).toHaveLength(1202);
    for (const commune of breton) {
      const member = megalis.get(commune.siren);
      expect(member).toMatchObject({
        kind: 'COMMUNE',
        name: commune.nom,
        inseeCode: commune.code,
        population: commune.population ?? null,
        departement: commune.departement,
        synthetic: false,
      });
    }
    expect(communesOf(seedOf('MEGALIS'))).toHaveLength(1202);
  });

  it('uses the real SIRENs and names of the régions and départements', () => {
    const megalis = bySiren(seedOf('MEGALIS'));
    expect(megalis.get('233500016')).toMatchObject({ kind: 'REGION', name: 'Région Bretagne', legalCategory: '7230' });
    expect(megalis.get('222200016')?.name).toBe("Département des Côtes-d'Armor");
    expect(megalis.get('222900011')?.name).toBe('Département du Finistère');
    expect(megalis.get('223500018')?.name).toBe("Département d'Ille-et-Vilaine");
    expect(megalis.get('225600014')?.name).toBe('Département du Morbihan');

    const ternum = bySiren(seedOf('TERNUM_BFC'));
    expect(ternum.get('200053726')?.kind).toBe('REGION');
    const ternumDepartements = [
      ...['222100018', '222500019', '223900010', '225800010'],
      ...['227000015', '227100013', '228900015', '229000013'],
    ];
    for (const siren of ternumDepartements) expect(ternum.get(siren)?.kind).toBe('DEPARTEMENT');
    expect(ternum.get('222100018')?.name).toBe("Département de la Côte-d'Or");

    const maximilien = bySiren(seedOf('MAXIMILIEN'));
    expect(maximilien.get('237500079')?.kind).toBe('REGION');
    for (const siren of ['227700010', '227806460', '229102280', '229200506', '229300082', '229400288', '229501275']) {
      expect(maximilien.get(siren)?.kind).toBe('DEPARTEMENT');
    }
  });

  it('emits Paris once, as the commune that is also the département', () => {
    const maximilien = seedOf('MAXIMILIEN');
    const paris = maximilien.members.filter((member) => member.siren === '217500016');
    expect(paris).toEqual([expect.objectContaining({ kind: 'COMMUNE', name: 'Paris', inseeCode: '75056' })]);
    expect(maximilien.members.filter((member) => member.kind === 'DEPARTEMENT')).toHaveLength(7);
  });

  it('seeds every EPCI of each région, and the 11 EPT of the Grand Paris', () => {
    const countKinds = (code: string, kinds: string[]): number =>
      seedOf(code).members.filter((member) => kinds.includes(member.kind)).length;
    const epciKinds = ['COMMUNAUTE_DE_COMMUNES', 'COMMUNAUTE_D_AGGLOMERATION', 'COMMUNAUTE_URBAINE', 'METROPOLE'];
    expect(countKinds('MEGALIS', epciKinds)).toBe(60);
    expect(countKinds('TERNUM_BFC', epciKinds)).toBe(113);
    expect(countKinds('MAXIMILIEN', epciKinds)).toBe(52);
    expect(countKinds('MAXIMILIEN', ['EPT'])).toBe(11);
  });

  it('links communes to their EPCI', () => {
    const rennes = seedOf('MEGALIS').members.find((member) => member.inseeCode === '35238');
    expect(rennes?.epciSiren).toBe('243500139'); // Rennes Métropole
  });

  it.each(OPERATOR_CODES)('flags synthetic records in %s, and only them', (code) => {
    const members = seedOf(code).members;
    const misflagged = members.filter((member) => member.siren.startsWith(SYNTHETIC_PREFIX) !== member.synthetic);
    expect(misflagged).toEqual([]);
    const synthetic = members.filter((member) => member.synthetic);
    expect(synthetic.length).toBeGreaterThan(0);
    expect(synthetic.filter((member) => member.kind === 'COMMUNE')).toEqual([]);
    expect(synthetic.filter((member) => member.inseeCode !== null || member.population !== null)).toEqual([]);
  });

  it.each(OPERATOR_CODES)('gives %s synthetic SIRENs that no reference entity uses', (code) => {
    const referenceSirens = new Set([
      ...currentCommunes().map((commune) => commune.siren),
      ...epcis().map((epci) => epci.code),
      ...epts().map((ept) => ept.code),
    ]);
    const synthetic = seedOf(code).members.filter((member) => member.synthetic);
    expect(synthetic.filter((member) => referenceSirens.has(member.siren))).toEqual([]);
  });

  it('biases Territoires Numériques BFC to communes under 500 inhabitants, with a few large towns', () => {
    const communes = communesOf(seedOf('TERNUM_BFC'));
    const small = communes.filter((commune) => (commune.population ?? 0) < 500);
    expect(small.length / communes.length).toBeGreaterThan(0.8);
    const names = communes.map((commune) => commune.name);
    expect(names).toEqual(expect.arrayContaining(['Dijon', 'Besançon']));
  });

  it('seeds the most populous Île-de-France communes for Maximilien', () => {
    const chosen = communesOf(seedOf('MAXIMILIEN'));
    const chosenCodes = new Set(chosen.map((commune) => commune.inseeCode));
    const smallestChosen = Math.min(...chosen.map((commune) => commune.population ?? 0));
    const largestLeftOut = Math.max(
      ...currentCommunes()
        .filter((commune) => commune.region === '11' && !chosenCodes.has(commune.code))
        .map((commune) => commune.population ?? 0),
    );
    expect(smallestChosen).toBeGreaterThanOrEqual(largestLeftOut);
  });

  it.each(OPERATOR_CODES)('subscribes %s members only to its own catalogue', (code) => {
    const seed = seedOf(code);
    const serviceCodes = new Set(seed.services.map((service) => service.code));
    const members = bySiren(seed);
    expect(seed.services).toEqual(CATALOGUES[code]);
    expect(seed.subscriptions.length).toBeGreaterThan(0);
    const invalid = seed.subscriptions.filter((subscription) => {
      const joinedAt = members.get(subscription.memberSiren)?.joinedAt;
      return !serviceCodes.has(subscription.serviceCode) || !joinedAt || subscription.since < joinedAt;
    });
    expect(invalid).toEqual([]);
  });

  it.each(OPERATOR_CODES)('references in %s only vendors of its catalogue', (code) => {
    const seed = seedOf(code);
    const vendorKeys = new Set(seed.vendors.map((vendor) => vendor.key));
    const referenced = new Set(seed.services.map((service) => service.vendorKey).filter((key) => key !== null));
    expect(vendorKeys).toEqual(referenced);
    expect(seed.vendors.every((vendor) => vendor.siren === null)).toBe(true);
  });

  it('has about 80 % of subscribing Mégalis communes transmitting their acts', () => {
    const seed = seedOf('MEGALIS');
    const subscribing = communesOf(seed).filter((member) => ['ADHERENT', 'PARTENAIRE'].includes(member.status));
    const transmitting = new Set(
      seed.subscriptions
        .filter((subscription) => subscription.serviceCode === 'TDT_ACTES')
        .map((subscription) => subscription.memberSiren),
    );
    const rate = subscribing.filter((member) => transmitting.has(member.siren)).length / subscribing.length;
    expect(rate).toBeGreaterThan(0.7);
    expect(rate).toBeLessThan(0.9);
  });

  it.each(OPERATOR_CODES)('gives joinedAt only to %s members that joined', (code) => {
    const joinedStatuses = ['ADHERENT', 'PARTENAIRE', 'RESILIE', 'DISSOLUTION'];
    const inconsistent = seedOf(code).members.filter(
      (member) => (member.joinedAt !== null) !== joinedStatuses.includes(member.status),
    );
    expect(inconsistent).toEqual([]);
  });
});
