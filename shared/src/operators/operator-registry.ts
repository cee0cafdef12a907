import type { OperatorDefinition } from './operator-definition';

/**
 * The operators of the alliance, as data. The gateway's service list, the partnership stubs, the
 * compose services and the default ports all derive from this list: adding an operator is one
 * entry here plus one folder under `subgraphs/`.
 */
export const OPERATORS: readonly OperatorDefinition[] = [
  {
    code: 'MEGALIS',
    slug: 'megalis',
    typePrefix: 'Megalis',
    name: 'Mégalis Bretagne',
    legalForm: 'Syndicat mixte de coopération territoriale',
    siren: '253514491',
    seat: 'Cesson-Sévigné',
    website: 'https://www.megalis.bretagne.bzh',
    regionCode: '53',
    departementCodes: ['22', '29', '35', '56'],
    defaultPort: 4001,
    databaseName: 'megalis',
    seed: { memberCount: 2250, communes: 'ALL' },
  },
  {
    code: 'TERNUM_BFC',
    slug: 'ternum-bfc',
    typePrefix: 'Ternum',
    name: 'Territoires Numériques Bourgogne-Franche-Comté',
    legalForm: "Groupement d'intérêt public",
    siren: null,
    seat: 'Dijon',
    website: 'https://www.ternum-bfc.fr',
    regionCode: '27',
    departementCodes: ['21', '25', '39', '58', '70', '71', '89', '90'],
    defaultPort: 4002,
    databaseName: 'ternum_bfc',
    seed: { memberCount: 1750, communes: 'SMALLEST_FIRST' },
  },
  {
    code: 'MAXIMILIEN',
    slug: 'maximilien',
    typePrefix: 'Maximilien',
    name: 'Maximilien',
    legalForm: "Groupement d'intérêt public",
    siren: null,
    seat: 'Paris',
    website: 'https://www.maximilien.fr',
    regionCode: '11',
    departementCodes: ['75', '77', '78', '91', '92', '93', '94', '95'],
    defaultPort: 4003,
    databaseName: 'maximilien',
    seed: { memberCount: 370, communes: 'LARGEST_FIRST' },
  },
];

/** The operator with this code, or `undefined`. */
export function findOperator(code: string): OperatorDefinition | undefined {
  return OPERATORS.find((operator) => operator.code === code);
}

/** The operator with this code; throws on an unknown code (a programming error). */
export function getOperatorOrThrow(code: string): OperatorDefinition {
  const operator = findOperator(code);
  if (!operator) throw new Error(`Unknown operator code ${JSON.stringify(code)}`);
  return operator;
}

/** The operator whose concrete types carry this prefix (`MegalisMember` → MEGALIS). */
export function findOperatorByTypeName(typeName: string): OperatorDefinition | undefined {
  return OPERATORS.find((operator) =>
    ENTITY_SUFFIXES.some((suffix) => typeName === `${operator.typePrefix}${suffix}`),
  );
}

/** The per-operator entity types, by suffix after the operator's prefix. */
export const ENTITY_SUFFIXES = ['Operator', 'Member', 'Service', 'Subscription'] as const;
export type EntitySuffix = (typeof ENTITY_SUFFIXES)[number];
