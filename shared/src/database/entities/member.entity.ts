import { EntitySchema } from 'typeorm';
import type { MemberKind } from '../../domain/member-kind';
import type { MembershipStatus } from '../../domain/membership-status';

/** A row of `member`: persistence only; `member.mapper.ts` makes the API shape. */
export interface MemberRow {
  id: number;
  siren: string;
  name: string;
  sortName: string;
  kind: MemberKind;
  legalCategory: string | null;
  inseeCode: string | null;
  population: number | null;
  departement: string;
  status: MembershipStatus;
  joinedAt: string | null;
  synthetic: boolean;
  contactEmail: string | null;
  annualContribution: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const MemberEntity = new EntitySchema<MemberRow>({
  name: 'Member',
  tableName: 'member',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    siren: { type: 'char', length: 9 },
    name: { type: 'varchar', length: 300 },
    sortName: { name: 'sort_name', type: 'varchar', length: 300 },
    kind: { type: 'varchar', length: 40 },
    legalCategory: { name: 'legal_category', type: 'varchar', length: 4, nullable: true },
    inseeCode: { name: 'insee_code', type: 'varchar', length: 5, nullable: true },
    population: { type: 'int', nullable: true },
    departement: { type: 'varchar', length: 3 },
    status: { type: 'varchar', length: 30 },
    joinedAt: { name: 'joined_at', type: 'date', nullable: true },
    synthetic: { type: 'boolean' },
    contactEmail: { name: 'contact_email', type: 'varchar', length: 254, nullable: true },
    annualContribution: { name: 'annual_contribution', type: 'int', nullable: true },
    version: { type: 'int', default: 1 },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
