import type { MemberKind } from '../domain/member-kind';
import type { SeedService } from './seed-types';
import { VENDOR_KEYS } from './vendors';

/**
 * Each operator's service catalogue, keyed by operator code.
 *
 * Public facts (DOMAIN.md, "What each operator is known to run"):
 * - All three run a procurement platform on Atexo "Local Trust MPE".
 * - Mégalis Bretagne: transmission of acts and accounting flows, parapheur and convocations on
 *   Libriciel software (Pastell, S²LOW, i-Parapheur, idelibre); electronic archiving (as@lae,
 *   hosted by GIP SIB); automatic open data of deliberations, budgets and procurement data; GDPR.
 * - Territoires Numériques BFC: procurement platform with a signature tool; dematerialisation pack
 *   (parapheur, transmission); about 650 municipal websites; open data and GIS (IDéO BFC); shared
 *   DPO; digital inclusion (#MedNumBFC).
 * - Maximilien: buyer profile and the whole procurement chain (Atexo MPE, Redac, Exec), sourcing
 *   (Nukema), social and environmental clause support; transmission of acts and accounting flows.
 *
 * Where the product behind a service is not publicly established (e.g. which transmission software
 * Territoires Numériques BFC or Maximilien run), `product` and `vendorKey` are null rather than
 * guessed. Service codes are shared across operators for the same kind of service (`MPE`,
 * `TDT_ACTES`, …). Adoption rates are plausible estimates, not published figures.
 */

type Adoption = SeedService['adoption'];

/** The same rate for every intercommunalité kind (EPCI à fiscalité propre and EPT). */
function epciRate(rate: number): Adoption {
  return {
    COMMUNAUTE_DE_COMMUNES: rate,
    COMMUNAUTE_D_AGGLOMERATION: rate,
    COMMUNAUTE_URBAINE: rate,
    METROPOLE: rate,
    EPT: rate,
  };
}

/** The same rate for every kind of syndicat. */
function syndicatRate(rate: number): Adoption {
  const kinds: MemberKind[] = ['SIVU', 'SIVOM', 'SYNDICAT_MIXTE'];
  return Object.fromEntries(kinds.map((kind) => [kind, rate]));
}

const ATEXO_MPE = 'Local Trust MPE';
const S2LOW = 'S²LOW';

const MEGALIS_CATALOGUE: SeedService[] = [
  {
    code: 'MPE',
    name: "Plateforme de marchés publics (profil d'acheteur)",
    category: 'COMMANDE_PUBLIQUE',
    description:
      'Plateforme régionale : publicité, DCE, dépôt et ouverture des plis, données essentielles.',
    product: ATEXO_MPE,
    vendorKey: VENDOR_KEYS.ATEXO,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.4,
      ...epciRate(0.97),
      ...syndicatRate(0.45),
      SYNDICAT_MIXTE: 0.75,
      DEPARTEMENT: 1,
      REGION: 1,
      CCAS: 0.1,
      HOPITAL: 0.9,
      OPH: 0.95,
      EPLE: 0.5,
      SDIS: 1,
      GIP: 0.7,
    },
  },
  {
    code: 'TDT_ACTES',
    name: 'Télétransmission des actes au contrôle de légalité',
    category: 'DEMATERIALISATION',
    description:
      "Tiers de télétransmission homologué : actes envoyés à la préfecture (@ctes), flux orchestrés par Pastell.",
    product: S2LOW,
    vendorKey: VENDOR_KEYS.LIBRICIEL,
    adoption: {
      DEFAULT: 0.5,
      COMMUNE: 0.82,
      ...epciRate(0.97),
      ...syndicatRate(0.75),
      DEPARTEMENT: 0.5,
      REGION: 1,
      CCAS: 0.55,
      HOPITAL: 0.1,
      OPH: 0.4,
      EPLE: 0.2,
      SDIS: 0.75,
      GIP: 0.2,
    },
  },
  {
    code: 'TDT_HELIOS',
    name: 'Télétransmission des flux comptables (PES V2 – Hélios)',
    category: 'DEMATERIALISATION',
    description:
      'Transmission des pièces comptables au comptable public (protocole PES V2, application Hélios de la DGFiP).',
    product: S2LOW,
    vendorKey: VENDOR_KEYS.LIBRICIEL,
    adoption: {
      DEFAULT: 0.5,
      COMMUNE: 0.78,
      ...epciRate(0.95),
      ...syndicatRate(0.7),
      DEPARTEMENT: 0.5,
      REGION: 1,
      CCAS: 0.6,
      HOPITAL: 0.3,
      OPH: 0.5,
      EPLE: 0.3,
      SDIS: 0.75,
      GIP: 0.3,
    },
  },
  {
    code: 'PARAPHEUR',
    name: 'Parapheur électronique',
    category: 'DEMATERIALISATION',
    description: "Circuits de validation et signature électronique des actes et des pièces comptables.",
    product: 'i-Parapheur',
    vendorKey: VENDOR_KEYS.LIBRICIEL,
    adoption: {
      DEFAULT: 0.4,
      COMMUNE: 0.55,
      ...epciRate(0.9),
      ...syndicatRate(0.45),
      DEPARTEMENT: 0.75,
      REGION: 1,
      CCAS: 0.35,
      HOPITAL: 0.5,
      OPH: 0.5,
      EPLE: 0.3,
      SDIS: 0.75,
      GIP: 0.5,
    },
  },
  {
    code: 'CONVOCATIONS',
    name: 'Convocations électroniques des élus',
    category: 'DEMATERIALISATION',
    description: 'Envoi dématérialisé des convocations et dossiers de séance aux élus, avec accusé de réception.',
    product: 'idelibre',
    vendorKey: VENDOR_KEYS.LIBRICIEL,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.45,
      ...epciRate(0.85),
      ...syndicatRate(0.35),
      DEPARTEMENT: 0.5,
      REGION: 1,
      CCAS: 0.25,
      HOPITAL: 0.2,
      OPH: 0.4,
      EPLE: 0.1,
      SDIS: 0.5,
      GIP: 0.3,
    },
  },
  {
    code: 'ARCHIVAGE',
    name: 'Archivage électronique',
    category: 'ARCHIVAGE',
    description: "Système d'archivage électronique mutualisé à valeur probante, hébergé par le GIP SIB.",
    product: 'as@lae',
    vendorKey: VENDOR_KEYS.LIBRICIEL,
    adoption: {
      DEFAULT: 0.15,
      COMMUNE: 0.25,
      ...epciRate(0.55),
      ...syndicatRate(0.15),
      DEPARTEMENT: 0.5,
      REGION: 1,
      CCAS: 0.1,
      HOPITAL: 0.2,
      OPH: 0.2,
      EPLE: 0.05,
      SDIS: 0.5,
      GIP: 0.2,
    },
  },
  {
    code: 'OPEN_DATA',
    name: 'Open data automatique',
    category: 'OPEN_DATA',
    description:
      'Publication automatique en open data des délibérations, des budgets et des données de la commande publique.',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.15,
      COMMUNE: 0.35,
      ...epciRate(0.7),
      ...syndicatRate(0.2),
      DEPARTEMENT: 0.75,
      REGION: 1,
      CCAS: 0.1,
    },
  },
  {
    code: 'RGPD',
    name: 'Accompagnement à la conformité RGPD',
    category: 'DONNEES_PERSONNELLES',
    description: 'Délégué à la protection des données mutualisé, registre des traitements et sensibilisation.',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.5,
      ...epciRate(0.6),
      ...syndicatRate(0.4),
      // The Région and the départements have their own data-protection officer.
      DEPARTEMENT: 0,
      REGION: 0,
      CCAS: 0.45,
      HOPITAL: 0.1,
      OPH: 0.2,
      EPLE: 0.05,
      SDIS: 0.25,
    },
  },
];

const TERNUM_BFC_CATALOGUE: SeedService[] = [
  {
    code: 'MPE',
    name: 'Plateforme de marchés publics et outil de signature électronique',
    category: 'COMMANDE_PUBLIQUE',
    description:
      "Profil d'acheteur régional : publicité, DCE, dépôt des offres, signature électronique des pièces.",
    product: ATEXO_MPE,
    vendorKey: VENDOR_KEYS.ATEXO,
    adoption: {
      DEFAULT: 0.3,
      // Most member communes are very small and rarely run formal tenders.
      COMMUNE: 0.25,
      ...epciRate(0.95),
      ...syndicatRate(0.4),
      DEPARTEMENT: 1,
      REGION: 1,
      CCAS: 0.1,
      HOPITAL: 0.9,
      OPH: 0.9,
      EPLE: 0.5,
      SDIS: 1,
      GIP: 0.7,
    },
  },
  {
    code: 'PARAPHEUR',
    name: 'Parapheur électronique',
    category: 'DEMATERIALISATION',
    description: 'Pack dématérialisation : circuits de validation et signature électronique des actes.',
    product: null,
    vendorKey: null,
    adoption: { DEFAULT: 0.35, COMMUNE: 0.5, ...epciRate(0.85), DEPARTEMENT: 0.5, REGION: 0.5, CCAS: 0.3 },
  },
  {
    code: 'TDT_ACTES',
    name: 'Télétransmission des actes au contrôle de légalité',
    category: 'DEMATERIALISATION',
    description: 'Pack dématérialisation : transmission des actes à la préfecture (@ctes).',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.5,
      COMMUNE: 0.78,
      ...epciRate(0.95),
      ...syndicatRate(0.7),
      DEPARTEMENT: 0.5,
      REGION: 0.5,
      CCAS: 0.5,
      SDIS: 0.75,
    },
  },
  {
    code: 'TDT_HELIOS',
    name: 'Télétransmission des flux comptables (PES V2 – Hélios)',
    category: 'DEMATERIALISATION',
    description: 'Pack dématérialisation : transmission des pièces comptables au comptable public.',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.5,
      COMMUNE: 0.72,
      ...epciRate(0.9),
      ...syndicatRate(0.65),
      DEPARTEMENT: 0.5,
      REGION: 0.5,
      CCAS: 0.55,
      SDIS: 0.75,
    },
  },
  {
    code: 'SITES_WEB',
    name: 'Sites internet des collectivités',
    category: 'RELATION_USAGER',
    description: 'Création et hébergement de sites internet communaux et intercommunaux (environ 650 sites).',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.05,
      COMMUNE: 0.4,
      ...epciRate(0.3),
      ...syndicatRate(0.05),
      DEPARTEMENT: 0,
      REGION: 0,
    },
  },
  {
    code: 'OPEN_DATA',
    name: 'Publication de données ouvertes',
    category: 'OPEN_DATA',
    description: 'Accompagnement et plateforme pour publier les jeux de données publiques de la collectivité.',
    product: null,
    vendorKey: null,
    adoption: { DEFAULT: 0.1, COMMUNE: 0.15, ...epciRate(0.4), DEPARTEMENT: 0.75, REGION: 1 },
  },
  {
    code: 'SIG',
    name: 'Données géographiques et SIG (IDéO BFC)',
    category: 'SIG',
    description: 'Infrastructure régionale de données géographiques IDéO BFC : cartographie, cadastre, catalogue.',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.2,
      COMMUNE: 0.3,
      ...epciRate(0.75),
      ...syndicatRate(0.3),
      DEPARTEMENT: 1,
      REGION: 1,
    },
  },
  {
    code: 'RGPD',
    name: 'Délégué à la protection des données mutualisé',
    category: 'DONNEES_PERSONNELLES',
    description: "DPO mutualisé : registre des traitements, analyses d'impact, sensibilisation des agents.",
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.25,
      COMMUNE: 0.45,
      ...epciRate(0.5),
      ...syndicatRate(0.35),
      DEPARTEMENT: 0,
      REGION: 0,
      CCAS: 0.4,
    },
  },
  {
    code: 'INCLUSION_NUMERIQUE',
    name: 'Inclusion numérique (#MedNumBFC)',
    category: 'INCLUSION_NUMERIQUE',
    description: 'Animation du réseau régional de médiation numérique #MedNumBFC, appui aux lieux de médiation.',
    product: null,
    vendorKey: null,
    adoption: { DEFAULT: 0.1, COMMUNE: 0.08, ...epciRate(0.5), DEPARTEMENT: 0.75, REGION: 1, CCAS: 0.4 },
  },
];

const MAXIMILIEN_CATALOGUE: SeedService[] = [
  {
    code: 'MPE',
    name: "Profil d'acheteur – portail des marchés publics franciliens",
    category: 'COMMANDE_PUBLIQUE',
    description:
      'Portail commun des acheteurs publics franciliens : publicité, DCE, dépôt et ouverture des plis.',
    product: ATEXO_MPE,
    vendorKey: VENDOR_KEYS.ATEXO,
    // Maximilien's members are public buyers: nearly all publish on the portal.
    adoption: { DEFAULT: 0.95, ...syndicatRate(0.85), CCAS: 0.7, REGION: 1 },
  },
  {
    code: 'REDAC',
    name: 'Rédaction des pièces de marché',
    category: 'COMMANDE_PUBLIQUE',
    description: 'Rédaction collaborative des DCE à partir de clausiers et de modèles partagés.',
    product: 'Redac',
    vendorKey: VENDOR_KEYS.ATEXO,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.4,
      ...epciRate(0.45),
      DEPARTEMENT: 0.5,
      REGION: 1,
      HOPITAL: 0.4,
      OPH: 0.4,
      EPLE: 0.15,
      CCAS: 0.1,
    },
  },
  {
    code: 'EXEC',
    name: "Suivi de l'exécution des marchés",
    category: 'COMMANDE_PUBLIQUE',
    description: 'Suivi des contrats après notification : avenants, bons de commande, échéances, reconductions.',
    product: 'Exec',
    vendorKey: VENDOR_KEYS.ATEXO,
    adoption: {
      DEFAULT: 0.25,
      COMMUNE: 0.3,
      ...epciRate(0.35),
      DEPARTEMENT: 0.5,
      REGION: 1,
      HOPITAL: 0.3,
      OPH: 0.35,
      EPLE: 0.1,
      CCAS: 0.05,
    },
  },
  {
    code: 'SOURCING',
    name: 'Sourcing des fournisseurs',
    category: 'COMMANDE_PUBLIQUE',
    description: 'Identification des entreprises capables de répondre à un besoin, avant la consultation.',
    product: 'Nukema',
    vendorKey: VENDOR_KEYS.NUKEMA,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.35,
      ...epciRate(0.4),
      DEPARTEMENT: 0.5,
      REGION: 1,
      HOPITAL: 0.4,
      OPH: 0.35,
      EPLE: 0.1,
      CCAS: 0.05,
    },
  },
  {
    code: 'CLAUSES',
    name: 'Accompagnement aux clauses sociales et environnementales',
    category: 'COMMANDE_PUBLIQUE',
    description: "Appui à l'insertion de clauses sociales et environnementales dans les marchés, et à leur suivi.",
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.2,
      COMMUNE: 0.3,
      ...epciRate(0.4),
      DEPARTEMENT: 0.75,
      REGION: 1,
      OPH: 0.5,
      HOPITAL: 0.2,
      EPLE: 0.05,
    },
  },
  {
    code: 'TDT_ACTES',
    name: 'Télétransmission des actes au contrôle de légalité',
    category: 'DEMATERIALISATION',
    description: 'Transmission des actes à la préfecture (@ctes).',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.6,
      ...epciRate(0.7),
      ...syndicatRate(0.7),
      DEPARTEMENT: 0.25,
      REGION: 0,
      CCAS: 0.5,
      OPH: 0.4,
      HOPITAL: 0.05,
      EPLE: 0.1,
      SDIS: 0.5,
      GIP: 0.1,
    },
  },
  {
    code: 'TDT_HELIOS',
    name: 'Télétransmission des flux comptables (PES V2 – Hélios)',
    category: 'DEMATERIALISATION',
    description: 'Transmission des pièces comptables au comptable public.',
    product: null,
    vendorKey: null,
    adoption: {
      DEFAULT: 0.3,
      COMMUNE: 0.55,
      ...epciRate(0.65),
      ...syndicatRate(0.65),
      DEPARTEMENT: 0.25,
      REGION: 0,
      CCAS: 0.5,
      OPH: 0.4,
      HOPITAL: 0.1,
      EPLE: 0.1,
      SDIS: 0.5,
      GIP: 0.1,
    },
  },
];

export const CATALOGUES: Record<string, SeedService[]> = {
  MEGALIS: MEGALIS_CATALOGUE,
  TERNUM_BFC: TERNUM_BFC_CATALOGUE,
  MAXIMILIEN: MAXIMILIEN_CATALOGUE,
};
