/**
 * Kinds of member entity, with the INSEE legal category (catégorie juridique) that a record of
 * that kind carries in SIRENE. `null` where one kind spans several categories or none applies.
 */
export const MEMBER_KINDS = {
  COMMUNE: { legalCategory: '7210', label: 'Commune' },
  DEPARTEMENT: { legalCategory: '7220', label: 'Département' },
  REGION: { legalCategory: '7230', label: 'Région' },
  COMMUNAUTE_DE_COMMUNES: { legalCategory: '7346', label: 'Communauté de communes' },
  COMMUNAUTE_D_AGGLOMERATION: { legalCategory: '7348', label: "Communauté d'agglomération" },
  COMMUNAUTE_URBAINE: { legalCategory: '7343', label: 'Communauté urbaine' },
  METROPOLE: { legalCategory: '7344', label: 'Métropole' },
  EPT: { legalCategory: null, label: 'Établissement public territorial (Grand Paris)' },
  SIVU: { legalCategory: '7353', label: 'Syndicat intercommunal à vocation unique' },
  SIVOM: { legalCategory: '7345', label: 'Syndicat intercommunal à vocation multiple' },
  SYNDICAT_MIXTE: { legalCategory: '7354', label: 'Syndicat mixte' },
  CCAS: { legalCategory: '7361', label: "Centre communal d'action sociale" },
  HOPITAL: { legalCategory: '7364', label: "Établissement d'hospitalisation" },
  SDIS: { legalCategory: '7372', label: "Service départemental d'incendie et de secours" },
  OPH: { legalCategory: '7371', label: "Office public de l'habitat" },
  EPLE: { legalCategory: '7331', label: "Établissement public local d'enseignement" },
  GIP: { legalCategory: '7410', label: "Groupement d'intérêt public" },
  OTHER: { legalCategory: null, label: 'Autre organisme public' },
} as const;

export type MemberKind = keyof typeof MEMBER_KINDS;
export const MEMBER_KIND_VALUES = Object.keys(MEMBER_KINDS) as MemberKind[];

/** The kinds that are intercommunalités à fiscalité propre (EPCI), plus the Grand Paris EPT. */
export const EPCI_KINDS: readonly MemberKind[] = [
  'COMMUNAUTE_DE_COMMUNES',
  'COMMUNAUTE_D_AGGLOMERATION',
  'COMMUNAUTE_URBAINE',
  'METROPOLE',
  'EPT',
];

export function isMemberKind(value: unknown): value is MemberKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MEMBER_KINDS, value);
}
