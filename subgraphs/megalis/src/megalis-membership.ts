import { EntitySchema, type MigrationInterface, type QueryRunner } from 'typeorm';
import { EPCI_KINDS, type MemberKind } from '../../../shared/src/domain/member-kind';

/**
 * Mégalis Bretagne's membership basis (its statutes): the Région, the four départements and the
 * EPCI are statutory members of the syndicat mixte; a commune, a CCAS or another body uses the
 * services under a charter, and its contribution is pooled at the level of its EPCI.
 */
export type MembershipBasis = 'STATUTORY' | 'CHARTER';

const STATUTORY_KINDS: readonly MemberKind[] = ['REGION', 'DEPARTEMENT', ...EPCI_KINDS];

/** The basis the statutes give a body of this kind. */
export function statutoryBasisOf(kind: MemberKind): MembershipBasis {
  return STATUTORY_KINDS.includes(kind) ? 'STATUTORY' : 'CHARTER';
}

export interface MegalisMembershipRow {
  memberId: number;
  basis: MembershipBasis;
  coveringEpciId: number | null;
}

export const MegalisMembershipEntity = new EntitySchema<MegalisMembershipRow>({
  name: 'MegalisMembership',
  tableName: 'megalis_membership',
  columns: {
    memberId: { name: 'member_id', type: 'int', primary: true },
    basis: { type: 'varchar', length: 20 },
    coveringEpciId: { name: 'covering_epci_id', type: 'int', nullable: true },
  },
});

export class CreateMegalisMembership1764450100000 implements MigrationInterface {
  name = 'CreateMegalisMembership1764450100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE megalis_membership (
        member_id int PRIMARY KEY REFERENCES member(id) ON DELETE CASCADE,
        basis varchar(20) NOT NULL CHECK (basis IN ('STATUTORY', 'CHARTER')),
        covering_epci_id int REFERENCES member(id) ON DELETE SET NULL,
        CHECK (basis = 'CHARTER' OR covering_epci_id IS NULL)
      )`);
    await queryRunner.query(`CREATE INDEX megalis_membership_covering_epci_idx ON megalis_membership (covering_epci_id)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE megalis_membership`);
  }
}
