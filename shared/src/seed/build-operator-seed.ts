import { EPCI_KINDS, MEMBER_KINDS, type MemberKind } from '../domain/member-kind';
import type { MembershipStatus } from '../domain/membership-status';
import type { SubscriptionStatus } from '../domain/service-category';
import { isValidSiren, withLuhnCheckDigit } from '../domain/siren.util';
import type { OperatorDefinition } from '../operators/operator-definition';
import { OPERATORS } from '../operators/operator-registry';
import {
  currentCommunes,
  departements,
  epcis,
  epts,
  regionNameOrThrow,
  regions,
  type InseeArea,
  type InseeCommune,
  type InseeEpci,
} from '../reference/insee-reference';
import { createPrng, type Prng } from './prng.util';
import type { OperatorSeed, SeedMember, SeedService, SeedSubscription, SeedVendor } from './seed-types';
import { VENDORS } from './vendors';

/**
 * Builds one operator's seed: its member directory, catalogue, vendors and subscriptions.
 * Pure and deterministic: no clock, no `Math.random`; every draw comes from a PRNG seeded with a
 * readable string (`<operator>:<purpose>:<siren>`), so a member's draws do not depend on the
 * order in which members are built. Two calls return deep-equal results.
 *
 * Rules (DOMAIN.md, "The seed: 4,370 members"):
 *
 * - Totals are exactly `operator.seed.memberCount` (2,250 / 1,750 / 370); the function throws
 *   otherwise. SIRENs are unique within an operator and all pass the Luhn check.
 * - Real entities come from INSEE's reference (`@etalab/decoupage-administratif`) and carry their
 *   real INSEE code, name, SIREN and population; `synthetic: false`.
 *   - The Région ("Région Bretagne"), SIREN from the table below, population = sum of its communes.
 *   - The départements ("Département du Finistère", French article from INSEE's `typeLiaison`),
 *     SIREN from the table below, population = sum of their communes. Paris is both a commune and
 *     a département under one SIREN (217500016): it is emitted once, as the commune, and is always
 *     selected as a member.
 *   - Every EPCI of epci.json (CC, CA, CU, METRO) whose strict majority of member communes lie in
 *     the operator's départements (this is how an EPCI is assigned to a région: Bretagne 60,
 *     Bourgogne-Franche-Comté 113, Île-de-France 52 including the Métropole du Grand Paris), and
 *     the same for the 11 EPT of ept.json. Its département is the one of the operator holding most
 *     of its communes.
 *   - Communes (current communes of the operator's départements; a commune without a valid SIREN
 *     would be skipped — none is in these three régions):
 *     'ALL' (Mégalis): every commune (Bretagne: 1,202).
 *     'SMALLEST_FIRST' (Territoires Numériques BFC, free under 500 inhabitants since 2020):
 *       SMALL_COMMUNE_SHARE of the communes are drawn (deterministic shuffle) among those under
 *       500 inhabitants; the rest are the LARGEST_TOWN_COUNT most populous towns (Dijon,
 *       Besançon, Belfort…) then a deterministic draw among the other communes of 500 or more.
 *     'LARGEST_FIRST' (Maximilien): the most populous communes (ties by INSEE code).
 *     A commune's `epciSiren` is its EPCI from epci.json (for the Grand Paris, the Métropole du
 *     Grand Paris), else its EPT, else null (the islands of Bréhat, Sein and Ouessant). A few
 *     communes belong to an EPCI whose majority lies in another région, which is then not a member.
 * - Synthetic bodies (not in the reference): CCAS, SIVU, SIVOM, syndicats mixtes, hospitals,
 *   EPLE (collèges, lycées), OPH, SDIS (one per département, none where the Paris fire brigade
 *   serves), GIP (the MDPH of a département). `synthetic: true`, population and INSEE code null,
 *   legal category of their kind, département of their host commune. A CCAS is hosted by a member
 *   commune (communes of 1,500 inhabitants or more first: a CCAS is compulsory there); the others
 *   by any commune of the territory large enough for such a body.
 *   Their SIRENs are `0` + the operator's 2-digit index in the registry + a 5-digit sequence + a
 *   Luhn check digit. INSEE reserves 1… and 2… for public bodies (communes 21…, départements
 *   22…, régions 23…, EPCI 24…/200…) and allocates every other SIREN sequentially upwards from
 *   3…, now in the 9… range — which new public bodies get too: communes created since 2024 have
 *   93… SIRENs (Saint-Denis 929939411, Merdrignac 938330784), so 9… is not safe. The sequence
 *   has never produced a SIREN starting with 0, hence that prefix; the `synthetic` flag and a
 *   test against every SIREN of the reference back it up.
 * - Counts: how many synthetic bodies of each kind is set per operator (COMPOSITIONS). When every
 *   commune is a member ('ALL'), one kind (CCAS for Mégalis) absorbs the remainder; otherwise the
 *   number of communes is the remainder.
 * - Membership status: the Région and the départements (Paris: the commune) are ADHERENT since the
 *   operator's founding date; Mégalis' EPCI (statutory members) are ADHERENT too, from a drawn
 *   date. Others draw ADHERENT (92.5 %), EN_COURS_D_ADHESION, PARTENAIRE, RESILIE (2 % each),
 *   PROSPECT (1 %), REFUS_D_ADHERER (0.5 %); a few SIVU/SIVOM are DISSOLUTION (syndicats are the
 *   bodies that get dissolved). `joinedAt` is a synthetic date between the founding date and
 *   REFERENCE_DATE (small BFC communes mostly since 2020); null for PROSPECT, REFUS_D_ADHERER and
 *   EN_COURS_D_ADHESION (they have not joined yet). Founding dates and all joining and
 *   subscription dates are synthetic (plausible, not historical).
 * - Subscriptions: for ADHERENT and PARTENAIRE members (mostly ACTIVE, a few SUSPENDED or ENDED)
 *   and for RESILIE and DISSOLUTION members (all ENDED), each service of the operator's catalogue
 *   is drawn with its adoption rate for the member's kind (else DEFAULT, else 0); `since` is on or
 *   after `joinedAt`.
 * - Vendors: only those referenced by the operator's catalogue.
 */
/** An operator's own seed data, from its folder: its catalogue and the composition of its directory. */
export interface OperatorSeedData {
  catalogue?: readonly SeedService[];
  composition?: SeedComposition;
}

export function buildOperatorSeed(operator: OperatorDefinition, data: OperatorSeedData = {}): OperatorSeed {
  const policy = operator.seed;
  if (!policy) throw new Error(`Operator ${operator.code} has no seed policy`);
  const composition = data.composition ?? DEFAULT_COMPOSITION;
  const territory = loadTerritory(operator);

  const region = regionMember(operator, territory);
  const departementPart = buildDepartementMembers(operator, territory);
  const intercommunalities = [
    ...intercommunalityMembers(epcis(), territory),
    ...intercommunalityMembers(epts(), territory),
  ];
  const realNonCommuneCount = 1 + departementPart.members.length + intercommunalities.length;

  const syntheticCounts = plannedSyntheticCounts(composition, territory);
  const communeCount =
    policy.communes === 'ALL'
      ? territory.communes.length
      : policy.memberCount - realNonCommuneCount - sumOf(Object.values(syntheticCounts));
  const communes = selectCommunes(
    operator.code,
    policy.communes,
    territory.communes,
    communeCount,
    departementPart.communeCodes,
  );
  if (policy.communes === 'ALL') {
    // Every commune is in: the remainder kind fills the room left.
    const room = policy.memberCount - realNonCommuneCount - communes.length;
    const { [composition.remainderKind]: _ignored, ...fixedCounts } = syntheticCounts;
    syntheticCounts[composition.remainderKind] = room - sumOf(Object.values(fixedCounts));
  }

  const identities: MemberIdentity[] = [
    region,
    ...departementPart.members,
    ...intercommunalities,
    ...communes.map((commune) => communeMember(commune, territory)),
    ...syntheticMembers(operator, syntheticCounts, communes, territory),
  ];
  assertComposition(operator, identities, policy.memberCount);

  // The Région and the départements (Paris: its commune) are members since the founding date.
  const founders = new Set([
    region.siren,
    ...departementPart.members.map((member) => member.siren),
    ...communes.filter((commune) => departementPart.communeCodes.has(commune.code)).map((commune) => commune.siren),
  ]);
  const members = identities.map((identity) => withMembership(operator.code, composition, identity, founders));
  // Copies: callers may not mutate the shared catalogue through a seed.
  const services = (data.catalogue ?? []).map((service) => ({
    ...service,
    adoption: { ...service.adoption },
  }));
  return {
    operatorCode: operator.code,
    vendors: vendorsOf(services),
    services,
    members,
    subscriptions: members.flatMap((member) => subscriptionsOf(operator.code, member, services)),
  };
}

// ---------------------------------------------------------------------------------------------
// Reference facts and tuning constants

/** Latest date any synthetic date may take (fixed, so the seed never depends on the clock). */
const REFERENCE_DATE = '2025-06-30';

/** Région SIRENs (SIRENE), by INSEE région code. */
const REGION_SIRENS: Readonly<Record<string, string>> = {
  '53': '233500016', // Bretagne
  '27': '200053726', // Bourgogne-Franche-Comté
  '11': '237500079', // Île-de-France
  '24': '234500023', // Centre-Val de Loire
};

/** Département SIRENs (SIRENE), by INSEE département code. 75 is the Ville de Paris. */
const DEPARTEMENT_SIRENS: Readonly<Record<string, string>> = {
  // Bretagne
  '22': '222200016',
  '29': '222900011',
  '35': '223500018',
  '56': '225600014',
  // Bourgogne-Franche-Comté
  '21': '222100018',
  '25': '222500019',
  '39': '223900010',
  '58': '225800010',
  '70': '227000015',
  '71': '227100013',
  '89': '228900015',
  '90': '229000013',
  // Île-de-France
  '75': '217500016',
  '77': '227700010',
  '78': '227806460',
  '91': '229102280',
  '92': '229200506',
  '93': '229300082',
  '94': '229400288',
  '95': '229501275',
  // Centre-Val de Loire
  '18': '221800014',
  '28': '222800013',
  '36': '223600016',
  '37': '223700014',
  '41': '224100016',
  '45': '224500017',
};

/** Where the Brigade de sapeurs-pompiers de Paris serves instead of an SDIS. */
const BSPP_DEPARTEMENTS: ReadonlySet<string> = new Set(['75', '92', '93', '94']);

/** Share of a SMALLEST_FIRST selection drawn among communes under SMALL_COMMUNE_POPULATION. */
const SMALL_COMMUNE_SHARE = 0.85;
const SMALL_COMMUNE_POPULATION = 500;
/** The most populous towns a SMALLEST_FIRST operator still counts among its members. */
const LARGEST_TOWN_COUNT = 10;

/** A CCAS is compulsory in communes of at least this population (optional below). */
const CCAS_COMPULSORY_POPULATION = 1500;

/** First digit of synthetic SIRENs: below every range INSEE allocates (see the header). */
const SYNTHETIC_SIREN_PREFIX = '0';

const MEMBERSHIP_STATUS_WEIGHTS: readonly (readonly [MembershipStatus, number])[] = [
  ['ADHERENT', 0.925],
  ['EN_COURS_D_ADHESION', 0.02],
  ['PARTENAIRE', 0.02],
  ['RESILIE', 0.02],
  ['PROSPECT', 0.01],
  ['REFUS_D_ADHERER', 0.005],
];
const DISSOLVED_SYNDICAT_SHARE = 0.03;
const DISSOLVABLE_KINDS: ReadonlySet<MemberKind> = new Set(['SIVU', 'SIVOM']);

const ACTIVE_SUBSCRIPTION_WEIGHTS: readonly (readonly [SubscriptionStatus, number])[] = [
  ['ACTIVE', 0.94],
  ['SUSPENDED', 0.02],
  ['ENDED', 0.04],
];
/** Members subscribe to a service within this many days of joining (or by REFERENCE_DATE). */
const SUBSCRIPTION_SPREAD_DAYS = 4 * 365;

export type SyntheticKind = 'CCAS' | 'SIVU' | 'SIVOM' | 'SYNDICAT_MIXTE' | 'HOPITAL' | 'EPLE' | 'OPH' | 'SDIS' | 'GIP';
export type SyntheticCounts = Partial<Record<SyntheticKind, number>>;

/** How an operator's directory is composed beyond the INSEE reference (its own seed data). */
export interface SeedComposition {
  /** Synthetic but plausible start of the operator's activity: the earliest `joinedAt`. */
  foundedOn: string;
  /** Synthetic bodies by kind (SDIS and GIP are capped at one per eligible département). */
  synthetic: SyntheticCounts;
  /** With 'ALL' communes, this kind's count is whatever makes the total exact. */
  remainderKind: SyntheticKind;
  /** The intercommunalités are statutory members (Mégalis): always ADHERENT. */
  statutoryIntercommunalities?: boolean;
  /** Small communes that joined once services became free for them. */
  smallCommunes?: { populationBelow: number; mostlyJoinedFrom: string; share: number };
}

const DEFAULT_COMPOSITION: SeedComposition = {
  foundedOn: '2010-01-01',
  synthetic: { SDIS: 1, SIVU: 10, SYNDICAT_MIXTE: 5, CCAS: 10 },
  remainderKind: 'CCAS',
};

// ---------------------------------------------------------------------------------------------
// Territory: the reference data of the operator's départements, indexed once per build

/** INSEE's "type de nom en clair": which article a name takes (0 de, 1 d', 2 du, 3 de la…). */
interface WithTypeLiaison {
  typeLiaison?: number;
}

interface Territory {
  departementCodes: ReadonlySet<string>;
  regionCode: string;
  /** Current communes of the operator's départements that have a valid SIREN, by INSEE code. */
  communes: InseeCommune[];
  /** Every current commune of France, by INSEE code. */
  communeByCode: Map<string, InseeCommune>;
  /** EPCI (else EPT) SIREN of each commune. */
  intercommunalityOfCommune: Map<string, string>;
  departementByCode: Map<string, InseeArea & WithTypeLiaison>;
}

function loadTerritory(operator: OperatorDefinition): Territory {
  const departementCodes = new Set(operator.departementCodes);
  const all = currentCommunes();
  const communeByCode = new Map(all.map((commune) => [commune.code, commune]));
  const communes = all
    .filter((commune) => departementCodes.has(commune.departement) && isValidSiren(commune.siren ?? ''))
    .sort((a, b) => compareStrings(a.code, b.code));
  const intercommunalityOfCommune = new Map<string, string>();
  // epci.json first: an EPCI à fiscalité propre wins over an EPT.
  for (const interco of [...epcis(), ...epts()]) {
    for (const member of interco.membres) {
      if (!intercommunalityOfCommune.has(member.code)) intercommunalityOfCommune.set(member.code, interco.code);
    }
  }
  const departementByCode = new Map(
    (departements() as (InseeArea & WithTypeLiaison)[]).map((departement) => [departement.code, departement]),
  );
  return {
    departementCodes,
    regionCode: operator.regionCode,
    communes,
    communeByCode,
    intercommunalityOfCommune,
    departementByCode,
  };
}

// ---------------------------------------------------------------------------------------------
// Real members

type MemberIdentity = Omit<SeedMember, 'status' | 'joinedAt'>;

function regionMember(operator: OperatorDefinition, territory: Territory): MemberIdentity {
  const siren = REGION_SIRENS[operator.regionCode];
  if (!siren) throw new Error(`No SIREN known for région ${operator.regionCode}`);
  const population = sumOf(
    [...territory.communeByCode.values()].filter((c) => c.region === operator.regionCode).map((c) => c.population ?? 0),
  );
  return {
    siren,
    name: `Région ${regionNameOrThrow(operator.regionCode)}`,
    kind: 'REGION',
    legalCategory: MEMBER_KINDS.REGION.legalCategory,
    inseeCode: null,
    population,
    departement: regionSeatDepartement(operator, territory),
    synthetic: false,
    epciSiren: null,
  };
}

/** The département of the région's seat (chef-lieu), else the operator's first département. */
function regionSeatDepartement(operator: OperatorDefinition, territory: Territory): string {
  const region = (regions() as (InseeArea & { chefLieu?: string })[]).find((r) => r.code === operator.regionCode);
  const seat = region?.chefLieu === undefined ? undefined : territory.communeByCode.get(region.chefLieu);
  return seat?.departement ?? operator.departementCodes[0] ?? '';
}

/**
 * One member per département; a département that shares its SIREN with a commune (Paris) is
 * left out and that commune's code returned, so that the commune is always selected.
 */
function buildDepartementMembers(
  operator: OperatorDefinition,
  territory: Territory,
): { members: MemberIdentity[]; communeCodes: Set<string> } {
  const communeBySiren = new Map(territory.communes.map((commune) => [commune.siren, commune]));
  const populationByDepartement = new Map<string, number>();
  for (const commune of territory.communes) {
    populationByDepartement.set(
      commune.departement,
      (populationByDepartement.get(commune.departement) ?? 0) + (commune.population ?? 0),
    );
  }
  const members: MemberIdentity[] = [];
  const communeCodes = new Set<string>();
  for (const code of operator.departementCodes) {
    const siren = DEPARTEMENT_SIRENS[code];
    if (!siren) throw new Error(`No SIREN known for département ${code}`);
    const sameAsCommune = communeBySiren.get(siren);
    if (sameAsCommune) {
      communeCodes.add(sameAsCommune.code);
      continue;
    }
    members.push({
      siren,
      name: `Département ${withDe(departementName(territory, code), departementLiaison(territory, code))}`,
      kind: 'DEPARTEMENT',
      legalCategory: MEMBER_KINDS.DEPARTEMENT.legalCategory,
      inseeCode: null,
      population: populationByDepartement.get(code) ?? 0,
      departement: code,
      synthetic: false,
      epciSiren: null,
    });
  }
  return { members, communeCodes };
}

const INTERCOMMUNALITY_KINDS: Readonly<Record<InseeEpci['type'], MemberKind>> = {
  CC: 'COMMUNAUTE_DE_COMMUNES',
  CA: 'COMMUNAUTE_D_AGGLOMERATION',
  CU: 'COMMUNAUTE_URBAINE',
  METRO: 'METROPOLE',
  MET69: 'METROPOLE',
  EPT: 'EPT',
};

/** EPCI or EPT whose strict majority of member communes lie in the operator's départements. */
function intercommunalityMembers(source: InseeEpci[], territory: Territory): MemberIdentity[] {
  const members: MemberIdentity[] = [];
  for (const interco of source) {
    const inTerritory = interco.membres
      .map((member) => territory.communeByCode.get(member.code)?.departement)
      .filter((code): code is string => code !== undefined && territory.departementCodes.has(code));
    if (inTerritory.length * 2 <= interco.membres.length || !isValidSiren(interco.code)) continue;
    const kind = INTERCOMMUNALITY_KINDS[interco.type];
    members.push({
      siren: interco.code,
      name: interco.nom,
      kind,
      legalCategory: MEMBER_KINDS[kind].legalCategory,
      inseeCode: null,
      population: interco.populationTotale ?? null,
      departement: mostFrequent(inTerritory),
      synthetic: false,
      epciSiren: null,
    });
  }
  return members.sort((a, b) => compareStrings(a.siren, b.siren));
}

function communeMember(commune: InseeCommune, territory: Territory): MemberIdentity {
  return {
    siren: commune.siren,
    name: commune.nom,
    kind: 'COMMUNE',
    legalCategory: MEMBER_KINDS.COMMUNE.legalCategory,
    inseeCode: commune.code,
    population: commune.population ?? null,
    departement: commune.departement,
    synthetic: false,
    epciSiren: territory.intercommunalityOfCommune.get(commune.code) ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Commune selection

/** `count` communes per the policy, always including `forcedCodes`; returned by INSEE code. */
function selectCommunes(
  operatorCode: string,
  policy: NonNullable<OperatorDefinition['seed']>['communes'],
  candidates: InseeCommune[],
  count: number,
  forcedCodes: ReadonlySet<string>,
): InseeCommune[] {
  if (policy === 'ALL') return candidates;
  if (count < forcedCodes.size || count > candidates.length) {
    throw new Error(`${operatorCode}: cannot select ${count} communes out of ${candidates.length}`);
  }
  const ordered =
    policy === 'LARGEST_FIRST' ? byPopulationDescending(candidates) : smallestFirst(operatorCode, candidates, count);
  const forced = candidates.filter((commune) => forcedCodes.has(commune.code));
  const chosen = [...forced, ...ordered.filter((commune) => !forcedCodes.has(commune.code))].slice(0, count);
  return chosen.sort((a, b) => compareStrings(a.code, b.code));
}

function byPopulationDescending(communes: InseeCommune[]): InseeCommune[] {
  return [...communes].sort((a, b) => (b.population ?? 0) - (a.population ?? 0) || compareStrings(a.code, b.code));
}

/**
 * Small communes drawn at random for SMALL_COMMUNE_SHARE of the selection, then the largest towns,
 * then a random draw among the other communes; the unused small communes come last, as a reserve.
 */
function smallestFirst(operatorCode: string, candidates: InseeCommune[], count: number): InseeCommune[] {
  const prng = createPrng(`${operatorCode}:communes`);
  const isSmall = (commune: InseeCommune): boolean => (commune.population ?? 0) < SMALL_COMMUNE_POPULATION;
  const small = prng.shuffle(candidates.filter(isSmall));
  const larger = byPopulationDescending(candidates.filter((commune) => !isSmall(commune)));
  const largest = larger.slice(0, LARGEST_TOWN_COUNT);
  const others = prng.shuffle(larger.slice(LARGEST_TOWN_COUNT));
  const smallQuota = Math.round(count * SMALL_COMMUNE_SHARE);
  return [...small.slice(0, smallQuota), ...largest, ...others, ...small.slice(smallQuota)];
}

// ---------------------------------------------------------------------------------------------
// Synthetic members

interface HostedSpec {
  /** Communes that may host such a body: the operator's member communes, or its whole territory. */
  pool: 'MEMBERS' | 'TERRITORY';
  minPopulation: number;
  /** Hosts at or above this population are used first. */
  preferredPopulation: number;
  name(host: InseeCommune, prng: Prng): string;
}

const SIVU_THEMES = [
  'Syndicat intercommunal des eaux',
  "Syndicat intercommunal d'assainissement",
  'Syndicat intercommunal à vocation scolaire',
  "Syndicat intercommunal d'électrification",
  'Syndicat intercommunal de voirie',
  'Syndicat intercommunal de transport scolaire',
  'Syndicat intercommunal du regroupement pédagogique',
];
const SYNDICAT_MIXTE_THEMES = [
  'Syndicat mixte de collecte et de traitement des déchets',
  "Syndicat mixte d'eau potable",
  'Syndicat mixte du bassin versant',
  'Syndicat mixte du schéma de cohérence territoriale du pays',
  "Syndicat mixte d'aménagement et de développement du pays",
  'Syndicat mixte de la fourrière animale',
];
const EPLE_TYPES = ['Collège', 'Collège', 'Lycée', 'Lycée professionnel'];
const EPLE_NAMESAKES = [
  'Victor Hugo',
  'Jean Moulin',
  'Jules Ferry',
  'Louis Pasteur',
  'Jean Jaurès',
  'Marie Curie',
  'Albert Camus',
  'Jacques Prévert',
  'Paul Éluard',
  'Simone Veil',
  'Jean Monnet',
  'Pierre Mendès France',
  'Émile Zola',
  'Condorcet',
  'Camille Claudel',
  'Louise Michel',
  'Antoine de Saint-Exupéry',
  'Gustave Eiffel',
  'Georges Brassens',
  'Rosa Parks',
  'Jean Rostand',
  'Paul Langevin',
  'Jean de La Fontaine',
  'Montaigne',
  'Voltaire',
  'Olympe de Gouges',
  'Germaine Tillion',
  'René Cassin',
];

/** Bodies hosted by a commune, named after it. */
const HOSTED_SPECS: Readonly<Record<Exclude<SyntheticKind, 'SDIS' | 'GIP'>, HostedSpec>> = {
  CCAS: {
    pool: 'MEMBERS',
    minPopulation: 0,
    preferredPopulation: CCAS_COMPULSORY_POPULATION,
    name: (host) => `CCAS ${communeWithDe(host)}`,
  },
  SIVU: {
    pool: 'TERRITORY',
    minPopulation: 0,
    preferredPopulation: 0,
    name: (host, prng) => `${prng.pick(SIVU_THEMES)} ${prng.chance(0.5) ? 'de la région ' : ''}${communeWithDe(host)}`,
  },
  SIVOM: {
    pool: 'TERRITORY',
    minPopulation: 500,
    preferredPopulation: 2000,
    name: (host, prng) =>
      prng.chance(0.5) ? `SIVOM du canton ${communeWithDe(host)}` : `SIVOM de la région ${communeWithDe(host)}`,
  },
  SYNDICAT_MIXTE: {
    pool: 'TERRITORY',
    minPopulation: 1000,
    preferredPopulation: 5000,
    name: (host, prng) => `${prng.pick(SYNDICAT_MIXTE_THEMES)} ${communeWithDe(host)}`,
  },
  HOPITAL: {
    pool: 'TERRITORY',
    minPopulation: 5000,
    preferredPopulation: 15000,
    name: (host) => `Centre hospitalier ${communeWithDe(host)}`,
  },
  EPLE: {
    pool: 'TERRITORY',
    minPopulation: 2000,
    preferredPopulation: 8000,
    name: (host, prng) => `${prng.pick(EPLE_TYPES)} ${prng.pick(EPLE_NAMESAKES)} ${communeWithDe(host)}`,
  },
  OPH: {
    pool: 'TERRITORY',
    minPopulation: 10000,
    preferredPopulation: 30000,
    name: (host) => `${host.nom} Habitat`,
  },
};

/** Bodies of a département: the SDIS and the MDPH (a GIP). */
const DEPARTEMENTAL_SPECS: Readonly<Record<'SDIS' | 'GIP', (departementWithDe: string) => string>> = {
  SDIS: (departement) => `SDIS ${departement}`,
  GIP: (departement) => `Maison départementale des personnes handicapées ${departement}`,
};

/** Tries per body before concluding that the hosts cannot yield enough distinct names. */
const MAX_NAME_ATTEMPTS = 50;

interface SyntheticBody {
  kind: SyntheticKind;
  name: string;
  departement: string;
}

function eligibleDepartements(kind: 'SDIS' | 'GIP', territory: Territory): string[] {
  const codes = [...territory.departementCodes].sort(compareStrings);
  return kind === 'SDIS' ? codes.filter((code) => !BSPP_DEPARTEMENTS.has(code)) : codes;
}

/** The composition's counts, with the per-département kinds capped at one per département. */
function plannedSyntheticCounts(composition: SeedComposition, territory: Territory): SyntheticCounts {
  const counts: SyntheticCounts = { ...composition.synthetic };
  for (const kind of ['SDIS', 'GIP'] as const) {
    const requested = counts[kind];
    if (requested !== undefined) counts[kind] = Math.min(requested, eligibleDepartements(kind, territory).length);
  }
  return counts;
}

function syntheticMembers(
  operator: OperatorDefinition,
  counts: SyntheticCounts,
  memberCommunes: InseeCommune[],
  territory: Territory,
): MemberIdentity[] {
  const usedNames = new Set<string>();
  const bodies: SyntheticBody[] = [];
  for (const kind of Object.keys(counts).sort(compareStrings) as SyntheticKind[]) {
    const count = counts[kind] ?? 0;
    if (count < 0) throw new Error(`${operator.code}: too many members already to add ${kind} (${count})`);
    const made =
      kind === 'SDIS' || kind === 'GIP'
        ? departementalBodies(kind, count, territory)
        : hostedBodies(operator.code, kind, count, memberCommunes, territory, usedNames);
    bodies.push(...made);
  }
  const operatorIndex = syntheticOperatorIndex(operator.code);
  return bodies.map((body, index) => ({
    siren: syntheticSiren(operatorIndex, index + 1),
    name: body.name,
    kind: body.kind,
    legalCategory: MEMBER_KINDS[body.kind].legalCategory,
    inseeCode: null,
    population: null,
    departement: body.departement,
    synthetic: true,
    epciSiren: null,
  }));
}

function departementalBodies(kind: 'SDIS' | 'GIP', count: number, territory: Territory): SyntheticBody[] {
  return eligibleDepartements(kind, territory)
    .slice(0, count)
    .map((code) => ({
      kind,
      name: DEPARTEMENTAL_SPECS[kind](withDe(departementName(territory, code), departementLiaison(territory, code))),
      departement: code,
    }));
}

function hostedBodies(
  operatorCode: string,
  kind: Exclude<SyntheticKind, 'SDIS' | 'GIP'>,
  count: number,
  memberCommunes: InseeCommune[],
  territory: Territory,
  usedNames: Set<string>,
): SyntheticBody[] {
  const spec = HOSTED_SPECS[kind];
  const prng = createPrng(`${operatorCode}:synthetic:${kind}`);
  const hosts = hostsInOrder(spec, spec.pool === 'MEMBERS' ? memberCommunes : territory.communes, prng);
  const bodies: SyntheticBody[] = [];
  let cursor = 0;
  for (let attempts = 0; bodies.length < count; attempts += 1) {
    if (hosts.length === 0 || attempts >= count * MAX_NAME_ATTEMPTS) {
      throw new Error(`${operatorCode}: not enough host communes for ${count} ${kind}`);
    }
    const host = hosts[cursor % hosts.length] as InseeCommune;
    cursor += 1;
    const name = spec.name(host, prng);
    if (usedNames.has(name)) continue;
    usedNames.add(name);
    bodies.push({ kind, name, departement: host.departement });
  }
  return bodies;
}

/** Eligible hosts, the preferred (larger) ones first, each group in a deterministic random order. */
function hostsInOrder(spec: HostedSpec, communes: InseeCommune[], prng: Prng): InseeCommune[] {
  const eligible = communes.filter((commune) => (commune.population ?? 0) >= spec.minPopulation);
  const isPreferred = (commune: InseeCommune): boolean => (commune.population ?? 0) >= spec.preferredPopulation;
  return [...prng.shuffle(eligible.filter(isPreferred)), ...prng.shuffle(eligible.filter((c) => !isPreferred(c)))];
}

/** The operator's index in the registry (its synthetic SIREN range); unregistered ones use 99. */
function syntheticOperatorIndex(operatorCode: string): number {
  const index = OPERATORS.findIndex((operator) => operator.code === operatorCode);
  return index >= 0 ? index : 99;
}

/** `0` + operator index (2 digits) + sequence (5 digits) + Luhn check digit. */
function syntheticSiren(operatorIndex: number, sequence: number): string {
  return withLuhnCheckDigit(
    `${SYNTHETIC_SIREN_PREFIX}${String(operatorIndex).padStart(2, '0')}${String(sequence).padStart(5, '0')}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Membership, subscriptions, vendors

const JOINED_STATUSES: ReadonlySet<MembershipStatus> = new Set(['ADHERENT', 'PARTENAIRE', 'RESILIE', 'DISSOLUTION']);
const ENDED_STATUSES: ReadonlySet<MembershipStatus> = new Set(['RESILIE', 'DISSOLUTION']);

function withMembership(
  operatorCode: string,
  composition: SeedComposition,
  identity: MemberIdentity,
  founders: ReadonlySet<string>,
): SeedMember {
  if (founders.has(identity.siren)) {
    return { ...identity, status: 'ADHERENT', joinedAt: composition.foundedOn };
  }
  const prng = createPrng(`${operatorCode}:membership:${identity.siren}`);
  const statutory = composition.statutoryIntercommunalities === true && EPCI_KINDS.includes(identity.kind);
  const status: MembershipStatus = statutory
    ? 'ADHERENT'
    : DISSOLVABLE_KINDS.has(identity.kind) && prng.chance(DISSOLVED_SYNDICAT_SHARE)
      ? 'DISSOLUTION'
      : weightedPick(prng, MEMBERSHIP_STATUS_WEIGHTS);
  const joinedAt = JOINED_STATUSES.has(status)
    ? dateBetween(prng, earliestJoinDate(composition, identity, prng), REFERENCE_DATE)
    : null;
  return { ...identity, status, joinedAt };
}

function earliestJoinDate(composition: SeedComposition, identity: MemberIdentity, prng: Prng): string {
  const small = composition.smallCommunes;
  const isSmallCommune =
    small !== undefined && identity.kind === 'COMMUNE' && (identity.population ?? 0) < small.populationBelow;
  return isSmallCommune && prng.chance(small.share) ? small.mostlyJoinedFrom : composition.foundedOn;
}

function subscriptionsOf(operatorCode: string, member: SeedMember, services: SeedService[]): SeedSubscription[] {
  if (member.joinedAt === null || !JOINED_STATUSES.has(member.status)) return [];
  const joinedAt = member.joinedAt;
  const prng = createPrng(`${operatorCode}:subscriptions:${member.siren}`);
  const latest = minDate(addDays(joinedAt, SUBSCRIPTION_SPREAD_DAYS), REFERENCE_DATE);
  const subscriptions: SeedSubscription[] = [];
  for (const service of services) {
    const rate = service.adoption[member.kind] ?? service.adoption.DEFAULT ?? 0;
    if (!prng.chance(rate)) continue;
    subscriptions.push({
      memberSiren: member.siren,
      serviceCode: service.code,
      since: dateBetween(prng, joinedAt, latest),
      status: ENDED_STATUSES.has(member.status) ? 'ENDED' : weightedPick(prng, ACTIVE_SUBSCRIPTION_WEIGHTS),
    });
  }
  return subscriptions;
}

function vendorsOf(services: SeedService[]): SeedVendor[] {
  const keys = new Set(services.map((service) => service.vendorKey).filter((key): key is string => key !== null));
  const vendors = VENDORS.filter((vendor) => keys.has(vendor.key));
  if (vendors.length !== keys.size) throw new Error('A catalogue references an unknown vendor');
  return vendors.map((vendor) => ({ ...vendor }));
}

// ---------------------------------------------------------------------------------------------
// Checks

function assertComposition(operator: OperatorDefinition, members: MemberIdentity[], expected: number): void {
  if (members.length !== expected) {
    throw new Error(`${operator.code}: seeded ${members.length} members, expected exactly ${expected}`);
  }
  const sirens = new Set<string>();
  for (const member of members) {
    const label = `${operator.code}: SIREN ${member.siren} (${member.name})`;
    if (!isValidSiren(member.siren)) throw new Error(`${label} is not a valid SIREN`);
    if (sirens.has(member.siren)) throw new Error(`${label} is used twice`);
    sirens.add(member.siren);
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function departementName(territory: Territory, code: string): string {
  const departement = territory.departementByCode.get(code);
  if (!departement) throw new Error(`Unknown département code ${code}`);
  return departement.nom;
}

function departementLiaison(territory: Territory, code: string): number | undefined {
  return territory.departementByCode.get(code)?.typeLiaison;
}

function communeWithDe(commune: InseeCommune): string {
  return withDe(commune.nom, (commune as InseeCommune & WithTypeLiaison).typeLiaison);
}

/**
 * "de" + name with French elision and contraction, per INSEE's `typeLiaison`:
 * Finistère (2) → "du Finistère", Ille-et-Vilaine (1) → "d'Ille-et-Vilaine", Nièvre (3) →
 * "de la Nièvre", Le Relecq-Kerhuon (2) → "du Relecq-Kerhuon", Les Ulis (4) → "des Ulis".
 * Commune names carry their article, département names do not: "Le"/"Les" contract with "de"
 * (du, des), while "La"/"L'" stay part of a commune's name ("de La Guerche-de-Bretagne").
 */
function withDe(name: string, typeLiaison: number | undefined): string {
  switch (typeLiaison) {
    case 1:
      return `d'${name}`;
    case 2:
      return `du ${withoutArticle(name, 'Le ')}`;
    case 3:
      return name.startsWith('La ') ? `de ${name}` : `de la ${name}`;
    case 4:
      return `des ${withoutArticle(name, 'Les ')}`;
    case 5:
      return name.startsWith("L'") ? `de ${name}` : `de l'${name}`;
    case 6:
      return `des ${withoutArticle(name, 'Aux ')}`;
    default:
      return `de ${name}`;
  }
}

function withoutArticle(name: string, article: string): string {
  return name.startsWith(article) ? name.slice(article.length) : name;
}

function weightedPick<T>(prng: Prng, weights: readonly (readonly [T, number])[]): T {
  const total = sumOf(weights.map(([, weight]) => weight));
  let draw = prng.next() * total;
  for (const [value, weight] of weights) {
    draw -= weight;
    if (draw < 0) return value;
  }
  const last = weights[weights.length - 1];
  if (!last) throw new Error('cannot pick from no weights');
  return last[0];
}

/** The most frequent value; ties go to the smallest (so the result is deterministic). */
function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [value, count] of [...counts.entries()].sort(([a], [b]) => compareStrings(a, b))) {
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}

function sumOf(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const DAY_MS = 86_400_000;

function toDayNumber(isoDate: string): number {
  const [year, month, day] = isoDate.split('-').map(Number);
  return Date.UTC(year as number, (month as number) - 1, day as number) / DAY_MS;
}

function fromDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function addDays(isoDate: string, days: number): string {
  return fromDayNumber(toDayNumber(isoDate) + days);
}

function minDate(a: string, b: string): string {
  return a <= b ? a : b;
}

/** A date in [from, to], both included (from when the range is empty). */
function dateBetween(prng: Prng, from: string, to: string): string {
  const start = toDayNumber(from);
  const end = Math.max(start, toDayNumber(to));
  return fromDayNumber(prng.int(start, end));
}
