import type { Insertable, Updateable } from 'kysely';
import type { Executor } from '../../db/index.js';
import type { ShipmentRow, ShipmentStatus, ShipmentTable } from '../../db/types.js';
import { scopeIds, type Scope } from '../../actors.js';

export async function insertShipment(db: Executor, row: Insertable<ShipmentTable>): Promise<number> {
  const { id } = await db.insertInto('shipments').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(id);
}

export function shipmentById(db: Executor, id: number): Promise<ShipmentRow | undefined> {
  return db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function shipmentsOfSender(db: Executor, phone: string, limit: number): Promise<ShipmentRow[]> {
  return db.selectFrom('shipments').selectAll().where('sender_phone', '=', phone).orderBy('id', 'desc').limit(limit).execute();
}

/** 代寄 at the desk: the scope's orders, newest first, of one state or all. */
export function shipmentsInScope(db: Executor, scope: Scope, f: { status?: ShipmentStatus; communityId?: number }, limit: number): Promise<ShipmentRow[]> {
  const ids = scopeIds(scope);
  return db
    .selectFrom('shipments')
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('community_id', 'in', ids ?? []))
    .$if(f.communityId !== undefined, (qb) => qb.where('community_id', '=', f.communityId ?? 0))
    .$if(f.status !== undefined, (qb) => qb.where('status', '=', f.status ?? 'requested'))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Moves an order from one of `from` (of two clerks, or a clerk and a payment, one wins); whether it did. */
export async function updateShipmentIf(db: Executor, orgId: number, id: number, from: ShipmentStatus[], set: Updateable<ShipmentTable>): Promise<boolean> {
  const r = await db.updateTable('shipments').set(set).where('org_id', '=', orgId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The community (of any org: a resident may send from any) and its name. */
export function communityOf(db: Executor, id: number) {
  return db.selectFrom('communities').select(['id', 'org_id', 'name']).where('id', '=', id).executeTakeFirst();
}

/** A courier of the community (the one who took it). */
export function courierOf(db: Executor, orgId: number, communityId: number, courierId: number) {
  return db
    .selectFrom('couriers')
    .select(['id', 'name', 'carrier'])
    .where('org_id', '=', orgId)
    .where('id', '=', courierId)
    .where('community_id', '=', communityId)
    .executeTakeFirst();
}

/** Whether the phone has a parcel or a home in the community: the desks a resident may send from. */
export async function isResidentOf(db: Executor, orgId: number, communityId: number, phone: string): Promise<boolean> {
  const parcel = await db
    .selectFrom('parcels')
    .select('id')
    .where('org_id', '=', orgId)
    .where('recipient_phone', '=', phone)
    .where('community_id', '=', communityId)
    .limit(1)
    .executeTakeFirst();
  if (parcel) return true;
  const home = await db
    .selectFrom('residents')
    .select('id')
    .where('org_id', '=', orgId)
    .where('phone', '=', phone)
    .where('community_id', '=', communityId)
    .limit(1)
    .executeTakeFirst();
  return home !== undefined;
}

export async function couriersByIds(db: Executor, orgIds: number[], ids: number[]) {
  if (ids.length === 0) return new Map<number, { id: number; name: string; carrier: string }>();
  const rows = await db.selectFrom('couriers').select(['id', 'name', 'carrier']).where('org_id', 'in', orgIds).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, carrier: r.carrier }]));
}
