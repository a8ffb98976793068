import type { Insertable, Updateable } from 'kysely';
import { stateLiteral } from '../../db/dialect.js';
import type { Executor } from '../../db/index.js';
import type { DeliveryRow, DeliveryStatus, DeliveryTable } from '../../db/types.js';
import { scopeIds, type Scope } from '../../actors.js';

/** A request still under way: its parcels may not be asked for again. */
export const OPEN_DELIVERY: DeliveryStatus[] = ['requested', 'paid', 'dispatched'];

export async function insertDelivery(db: Executor, row: Insertable<DeliveryTable>, parcelIds: number[]): Promise<number> {
  const { id } = await db.insertInto('deliveries').values(row).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('delivery_parcels')
    .values(parcelIds.map((parcel_id) => ({ org_id: row.org_id, delivery_id: Number(id), parcel_id })))
    .execute();
  return Number(id);
}

export function deliveryById(db: Executor, id: number): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Of these parcels, those in a request still under way. */
export async function parcelsInOpenDeliveries(db: Executor, orgId: number, parcelIds: number[]): Promise<number[]> {
  if (parcelIds.length === 0) return [];
  const rows = await db
    .selectFrom('delivery_parcels')
    .innerJoin('deliveries', (j) => j.onRef('deliveries.id', '=', 'delivery_parcels.delivery_id').onRef('deliveries.org_id', '=', 'delivery_parcels.org_id'))
    .select('delivery_parcels.parcel_id')
    .where('delivery_parcels.org_id', '=', orgId)
    .where('delivery_parcels.parcel_id', 'in', parcelIds)
    .where('deliveries.status', 'in', OPEN_DELIVERY)
    .execute();
  return rows.map((r) => Number(r.parcel_id));
}

/** The parcels of these requests, with what the resident and the runner need to know of them. */
export function parcelsOf(db: Executor, orgIds: number[], deliveryIds: number[]) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('delivery_parcels')
    .innerJoin('parcels', (j) => j.onRef('parcels.id', '=', 'delivery_parcels.parcel_id').onRef('parcels.org_id', '=', 'delivery_parcels.org_id'))
    .select([
      'delivery_parcels.delivery_id',
      'parcels.id',
      'parcels.carrier',
      'parcels.tracking_no',
      'parcels.shelf_label',
      'parcels.status',
      'parcels.recipient_name',
      'parcels.address',
    ])
    .where('delivery_parcels.org_id', 'in', orgIds)
    .where('delivery_parcels.delivery_id', 'in', deliveryIds)
    .orderBy('parcels.id')
    .execute();
}

export function deliveriesOfResident(db: Executor, phone: string, limit: number): Promise<DeliveryRow[]> {
  return db.selectFrom('deliveries').selectAll().where('resident_phone', '=', phone).orderBy('id', 'desc').limit(limit).execute();
}

/** 送货上门 at the desk: the scope's requests, newest first, of one state or all. */
export function deliveriesInScope(db: Executor, scope: Scope, f: { status?: DeliveryStatus; communityId?: number }, limit: number): Promise<DeliveryRow[]> {
  const ids = scopeIds(scope);
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('community_id', 'in', ids ?? []))
    .$if(f.communityId !== undefined, (qb) => qb.where('community_id', '=', f.communityId ?? 0))
    .$if(f.status !== undefined, (qb) => qb.where('status', '=', f.status ?? 'requested'))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Moves a request from one of `from` (so that of two clerks, or a clerk and a notice, one wins); whether it did. */
export async function updateDeliveryIf(db: Executor, orgId: number, id: number, from: DeliveryStatus[], set: Updateable<DeliveryTable>): Promise<boolean> {
  const r = await db.updateTable('deliveries').set(set).where('org_id', '=', orgId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The request's parcels still waiting (the others were collected at the desk meanwhile). */
export function waitingParcelIds(db: Executor, orgId: number, deliveryId: number): Promise<number[]> {
  return db
    .selectFrom('delivery_parcels')
    .innerJoin('parcels', (j) => j.onRef('parcels.id', '=', 'delivery_parcels.parcel_id').onRef('parcels.org_id', '=', 'delivery_parcels.org_id'))
    .select('parcels.id')
    .where('delivery_parcels.org_id', '=', orgId)
    .where('delivery_parcels.delivery_id', '=', deliveryId)
    .where('parcels.status', '=', stateLiteral('awaiting_pickup'))
    .execute()
    .then((rows) => rows.map((r) => Number(r.id)));
}

/** A community's door-delivery terms. */
export function deliveryTerms(db: Executor, orgId: number, communityId: number) {
  return db
    .selectFrom('communities')
    .select(['id', 'door_delivery_fen', 'door_delivery_hours'])
    .where('org_id', '=', orgId)
    .where('id', '=', communityId)
    .executeTakeFirst();
}

export async function staffNames(db: Executor, orgIds: number[], ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'username']).where('org_id', 'in', orgIds).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [Number(r.id), r.username]));
}
