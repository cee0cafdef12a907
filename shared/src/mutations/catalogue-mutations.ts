import type { EntityManager } from 'typeorm';
import type { ServiceCategory } from '../domain/service-category';
import { nameSortKey } from '../domain/sort-key.util';
import { badUserInput } from '../errors/user-input-error';
import { encodeGlobalId } from '../ids/global-id';
import type { SubgraphContext } from '../subgraph/subgraph-context';
import { localIdOrThrow, optionalTextOrThrow, serviceCodeOrThrow, textOrThrow } from './input-validation';
import { conflict, isUniqueViolation, notFound, runMutation, type MutationResult } from './run-mutation';

const SERVICE_COLUMNS = `id, code, name, category, description, product, vendor_id AS "vendorId", retired_at AS "retiredAt", version`;

interface ServiceFieldsInput {
  name?: string | null;
  category?: ServiceCategory | null;
  description?: string | null;
  product?: string | null;
  clientMutationId?: string | null;
}

function serviceColumns(input: ServiceFieldsInput): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (input.name != null) {
    columns.name = textOrThrow(input.name, 'input.name', 200);
    columns.sort_name = nameSortKey(columns.name as string);
    if (!columns.sort_name) throw badUserInput('input.name', 'input.name must contain a letter or digit.');
  }
  if (input.category != null) columns.category = input.category;
  if (input.description != null) columns.description = textOrThrow(input.description, 'input.description', 5000);
  if (input.product !== undefined) columns.product = optionalTextOrThrow(input.product, 'input.product', 200);
  return columns;
}

async function vendorIdFor(manager: EntityManager, name: string | null | undefined): Promise<number | null> {
  const vendorName = optionalTextOrThrow(name, 'input.vendorName', 200);
  if (vendorName == null) return null;
  const [row] = await manager.query(
    `INSERT INTO vendor (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [vendorName],
  );
  return row.id;
}

async function guardedServiceUpdate(manager: EntityManager, id: number, expectedVersion: number, columns: Record<string, unknown>) {
  const [before] = await manager.query(`SELECT ${SERVICE_COLUMNS} FROM service WHERE id = $1`, [id]);
  if (!before) throw notFound('input.id', 'The service');
  if (before.version !== expectedVersion) throw conflict('The service', expectedVersion);
  const names = Object.keys(columns);
  const [rows] = await manager.query(
    `UPDATE service SET ${[...names.map((name, i) => `${name} = $${i + 3}`), 'version = version + 1', 'updated_at = now()'].join(', ')}
      WHERE id = $1 AND version = $2 RETURNING ${SERVICE_COLUMNS}`,
    [id, expectedVersion, ...names.map((name) => columns[name])],
  );
  if (!rows?.length) throw conflict('The service', expectedVersion);
  return { before, after: rows[0] };
}

export function createService(
  context: SubgraphContext,
  input: ServiceFieldsInput & { code: string; name: string; category: ServiceCategory; description: string; vendorName?: string | null },
): Promise<MutationResult> {
  return runMutation(context, 'createService', input.clientMutationId, async ({ manager, audit }) => {
    const code = serviceCodeOrThrow(input.code);
    const columns = serviceColumns(input);
    const [existing] = await manager.query('SELECT 1 FROM service WHERE code = $1', [code]);
    if (existing) throw badUserInput('input.code', `A service with code ${code} is already in the catalogue of ${context.operator.name}.`);
    const all: Record<string, unknown> = { code, ...columns, vendor_id: await vendorIdFor(manager, input.vendorName) };
    const names = Object.keys(all);
    let row;
    try {
      [row] = await manager.query(
        `INSERT INTO service (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${SERVICE_COLUMNS}`,
        names.map((name) => all[name]),
      );
    } catch (error) {
      // Two creations of one code at once: the unique index decides.
      if (isUniqueViolation(error)) throw badUserInput('input.code', `A service with code ${code} is already in the catalogue of ${context.operator.name}.`);
      throw error;
    }
    await audit('Service', row.id, null, row);
    return { id: encodeGlobalId(`${context.operator.typePrefix}Service`, row.id) };
  });
}

export function updateService(context: SubgraphContext, input: ServiceFieldsInput & { id: string; expectedVersion: number }): Promise<MutationResult> {
  return runMutation(context, 'updateService', input.clientMutationId, async ({ manager, audit }) => {
    const id = localIdOrThrow(input.id, `${context.operator.typePrefix}Service`, 'input.id');
    const { before, after } = await guardedServiceUpdate(manager, id, input.expectedVersion, serviceColumns(input));
    await audit('Service', id, before, after);
    return { id: input.id };
  });
}

export function retireService(context: SubgraphContext, input: { id: string; expectedVersion: number; clientMutationId?: string | null }): Promise<MutationResult> {
  return runMutation(context, 'retireService', input.clientMutationId, async ({ manager, audit }) => {
    const id = localIdOrThrow(input.id, `${context.operator.typePrefix}Service`, 'input.id');
    const [current] = await manager.query('SELECT retired_at FROM service WHERE id = $1', [id]);
    if (current?.retired_at) throw badUserInput('input.id', 'The service is already retired.');
    const { before, after } = await guardedServiceUpdate(manager, id, input.expectedVersion, { retired_at: new Date() });
    await audit('Service', id, before, after);
    return { id: input.id };
  });
}

/** Subscribes a member to an active service of this catalogue (reactivating an ended one). */
export function subscribe(context: SubgraphContext, input: { memberId: string; serviceId: string; clientMutationId?: string | null }): Promise<MutationResult> {
  return runMutation(context, 'subscribe', input.clientMutationId, async ({ manager, audit }) => {
    const { memberId, serviceId } = await subscriptionPairOrThrow(context, manager, input);
    const [before] = await manager.query('SELECT id, since, status FROM subscription WHERE member_id = $1 AND service_id = $2', [memberId, serviceId]);
    const [after] = await manager.query(
      `INSERT INTO subscription (member_id, service_id, since, status) VALUES ($1, $2, current_date, 'ACTIVE')
       ON CONFLICT (member_id, service_id) DO UPDATE
         SET status = 'ACTIVE', since = CASE WHEN subscription.status = 'ACTIVE' THEN subscription.since ELSE current_date END
       RETURNING id, member_id AS "memberId", service_id AS "serviceId", since, status`,
      [memberId, serviceId],
    );
    await audit('Subscription', after.id, before ?? null, after);
    return { id: input.memberId, relatedId: input.serviceId };
  });
}

export function unsubscribe(context: SubgraphContext, input: { memberId: string; serviceId: string; clientMutationId?: string | null }): Promise<MutationResult> {
  return runMutation(context, 'unsubscribe', input.clientMutationId, async ({ manager, audit }) => {
    const memberId = localIdOrThrow(input.memberId, `${context.operator.typePrefix}Member`, 'input.memberId');
    const serviceId = localIdOrThrow(input.serviceId, `${context.operator.typePrefix}Service`, 'input.serviceId');
    const [member] = await manager.query('SELECT 1 FROM member WHERE id = $1', [memberId]);
    if (!member) throw notFound('input.memberId', 'The member');
    const [before] = await manager.query(
      `SELECT id, member_id AS "memberId", service_id AS "serviceId", since, status FROM subscription WHERE member_id = $1 AND service_id = $2`,
      [memberId, serviceId],
    );
    if (!before || before.status === 'ENDED') throw badUserInput('input.serviceId', 'The member is not subscribed to this service.');
    const [rows] = await manager.query(
      `UPDATE subscription SET status = 'ENDED' WHERE id = $1 RETURNING id, member_id AS "memberId", service_id AS "serviceId", since, status`,
      [before.id],
    );
    await audit('Subscription', before.id, before, rows[0]);
    return { id: input.memberId, relatedId: input.serviceId };
  });
}

async function subscriptionPairOrThrow(context: SubgraphContext, manager: EntityManager, input: { memberId: string; serviceId: string }) {
  const memberId = localIdOrThrow(input.memberId, `${context.operator.typePrefix}Member`, 'input.memberId');
  const serviceId = localIdOrThrow(input.serviceId, `${context.operator.typePrefix}Service`, 'input.serviceId');
  const [member] = await manager.query('SELECT 1 FROM member WHERE id = $1', [memberId]);
  if (!member) throw notFound('input.memberId', 'The member');
  const [service] = await manager.query('SELECT retired_at FROM service WHERE id = $1', [serviceId]);
  if (!service) throw badUserInput('input.serviceId', 'input.serviceId is not a service of this catalogue.');
  if (service.retired_at) throw badUserInput('input.serviceId', 'The service is retired: no new subscription.');
  return { memberId, serviceId };
}
