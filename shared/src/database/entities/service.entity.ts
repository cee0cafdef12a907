import { EntitySchema } from 'typeorm';
import type { ServiceCategory } from '../../domain/service-category';

/** A row of `service`, one entry of the operator's catalogue. */
export interface ServiceRow {
  id: number;
  code: string;
  name: string;
  sortName: string;
  category: ServiceCategory;
  description: string;
  product: string | null;
  vendorId: number | null;
  retiredAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ServiceEntity = new EntitySchema<ServiceRow>({
  name: 'Service',
  tableName: 'service',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    code: { type: 'varchar', length: 64 },
    name: { type: 'varchar', length: 200 },
    sortName: { name: 'sort_name', type: 'varchar', length: 200 },
    category: { type: 'varchar', length: 40 },
    description: { type: 'text' },
    product: { type: 'varchar', length: 200, nullable: true },
    vendorId: { name: 'vendor_id', type: 'int', nullable: true },
    retiredAt: { name: 'retired_at', type: 'timestamptz', nullable: true },
    version: { type: 'int', default: 1 },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
    updatedAt: { name: 'updated_at', type: 'timestamptz', updateDate: true },
  },
});
