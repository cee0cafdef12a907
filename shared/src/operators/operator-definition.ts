/** How an operator's members are picked from the INSEE reference when its directory is seeded. */
export type CommuneSelection =
  /** Every current commune of the operator's départements. */
  | 'ALL'
  /** Small communes first (the operator's services are free under 500 inhabitants). */
  | 'SMALLEST_FIRST'
  /** The most populous communes first (the large public buyers). */
  | 'LARGEST_FIRST';

/** One operator of the alliance: everything generic about it is derived from this record. */
export interface OperatorDefinition {
  /** The `OperatorCode` enum value, e.g. `MEGALIS`. */
  readonly code: string;
  /** Folder name under `subgraphs/`, service name in compose and in the supergraph. */
  readonly slug: string;
  /** Prefix of this operator's concrete GraphQL types (`Megalis` → `MegalisMember`). */
  readonly typePrefix: string;
  /** Official name. */
  readonly name: string;
  /** Legal form, as the operator describes itself. */
  readonly legalForm: string;
  /** The operator's own SIREN, when public. */
  readonly siren: string | null;
  /** Seat (commune). */
  readonly seat: string;
  /** Home page, when known. */
  readonly website: string | null;
  /** INSEE région code. */
  readonly regionCode: string;
  /** INSEE codes of the départements of its territory. */
  readonly departementCodes: readonly string[];
  /** Default HTTP port of its subgraph. */
  readonly defaultPort: number;
  /** Default database name. */
  readonly databaseName: string;
  /** Seed policy: how many members, and which communes first. */
  readonly seed: { readonly memberCount: number; readonly communes: CommuneSelection } | null;
}

/** `TERNUM_BFC` → `TERNUM_BFC_` prefix for environment variables (`TERNUM_BFC_DATABASE_URL`). */
export function envPrefix(operator: OperatorDefinition): string {
  return operator.code;
}
