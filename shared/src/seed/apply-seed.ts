import type { DataSource, EntityManager } from 'typeorm';
import { nameSortKey } from '../domain/sort-key.util';
import type { OperatorSeed } from './seed-types';

export interface SeedResult {
  vendors: number;
  services: number;
  members: number;
  subscriptions: number;
}

/**
 * Writes a seed into an operator's database, in one transaction, one statement per table
 * (arrays unnested server-side). Idempotent: rows are matched on their natural keys (vendor name,
 * service code, member SIREN, member × service) and only missing ones are inserted, so a second
 * run changes nothing and never overwrites what operators edited since.
 */
export async function applySeed(dataSource: DataSource, seed: OperatorSeed): Promise<SeedResult> {
  return dataSource.transaction(async (manager) => ({
    vendors: await insertVendors(manager, seed),
    services: await insertServices(manager, seed),
    members: await insertMembers(manager, seed),
    subscriptions: await insertSubscriptions(manager, seed),
  }));
}

async function insertVendors(manager: EntityManager, seed: OperatorSeed): Promise<number> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO vendor (name, siren, website)
     SELECT * FROM unnest($1::varchar[], $2::char(9)[], $3::varchar[])
     ON CONFLICT (name) DO NOTHING
     RETURNING 1`,
    [seed.vendors.map((v) => v.name), seed.vendors.map((v) => v.siren), seed.vendors.map((v) => v.website)],
  );
  return inserted.length;
}

async function insertServices(manager: EntityManager, seed: OperatorSeed): Promise<number> {
  const vendorNames = new Map(seed.vendors.map((v) => [v.key, v.name]));
  const inserted: unknown[] = await manager.query(
    `INSERT INTO service (code, name, sort_name, category, description, product, vendor_id)
     SELECT s.code, s.name, s.sort_name, s.category, s.description, s.product, v.id
       FROM unnest($1::varchar[], $2::varchar[], $7::varchar[], $3::varchar[], $4::text[], $5::varchar[], $6::varchar[])
            WITH ORDINALITY AS s(code, name, sort_name, category, description, product, vendor_name, position)
       LEFT JOIN vendor v ON v.name = s.vendor_name
      ORDER BY s.position
     ON CONFLICT (code) DO NOTHING
     RETURNING 1`,
    [
      seed.services.map((s) => s.code),
      seed.services.map((s) => s.name),
      seed.services.map((s) => s.category),
      seed.services.map((s) => s.description),
      seed.services.map((s) => s.product),
      seed.services.map((s) => (s.vendorKey ? (vendorNames.get(s.vendorKey) ?? null) : null)),
      seed.services.map((s) => nameSortKey(s.name)),
    ],
  );
  return inserted.length;
}

async function insertMembers(manager: EntityManager, seed: OperatorSeed): Promise<number> {
  const m = seed.members;
  const inserted: unknown[] = await manager.query(
    `INSERT INTO member (siren, name, sort_name, kind, legal_category, insee_code, population, departement, status, joined_at, synthetic)
     SELECT siren, name, sort_name, kind, legal_category, insee_code, population, departement, status, joined_at, synthetic
       FROM unnest($1::char(9)[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[],
                   $7::int[], $8::varchar[], $9::varchar[], $10::date[], $11::boolean[])
            WITH ORDINALITY AS s(siren, name, sort_name, kind, legal_category, insee_code, population, departement, status, joined_at, synthetic, position)
      ORDER BY position
     ON CONFLICT (siren) DO NOTHING
     RETURNING 1`,
    [
      m.map((x) => x.siren),
      m.map((x) => x.name),
      m.map((x) => nameSortKey(x.name)),
      m.map((x) => x.kind),
      m.map((x) => x.legalCategory),
      m.map((x) => x.inseeCode),
      m.map((x) => x.population),
      m.map((x) => x.departement),
      m.map((x) => x.status),
      m.map((x) => x.joinedAt),
      m.map((x) => x.synthetic),
    ],
  );
  return inserted.length;
}

async function insertSubscriptions(manager: EntityManager, seed: OperatorSeed): Promise<number> {
  const s = seed.subscriptions;
  const inserted: unknown[] = await manager.query(
    `INSERT INTO subscription (member_id, service_id, since, status)
     SELECT m.id, v.id, x.since, x.status
       FROM unnest($1::char(9)[], $2::varchar[], $3::date[], $4::varchar[]) WITH ORDINALITY AS x(siren, code, since, status, position)
       JOIN member m ON m.siren = x.siren
       JOIN service v ON v.code = x.code
      ORDER BY x.position
     ON CONFLICT (member_id, service_id) DO NOTHING
     RETURNING 1`,
    [s.map((x) => x.memberSiren), s.map((x) => x.serviceCode), s.map((x) => x.since), s.map((x) => x.status)],
  );
  return inserted.length;
}
