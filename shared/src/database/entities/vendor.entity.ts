import { EntitySchema } from 'typeorm';

/** A row of `vendor`: a software editor, value data shared by name across operators. */
export interface VendorRow {
  id: number;
  name: string;
  siren: string | null;
  website: string | null;
}

export const VendorEntity = new EntitySchema<VendorRow>({
  name: 'Vendor',
  tableName: 'vendor',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    name: { type: 'varchar', length: 200 },
    siren: { type: 'char', length: 9, nullable: true },
    website: { type: 'varchar', length: 300, nullable: true },
  },
});
