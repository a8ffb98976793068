import { sql } from 'kysely';
import type { Executor } from '../../db/index.js';
import { stateLiteral, uniquely } from '../../db/dialect.js';
import type { ShelfTable } from '../../db/types.js';
import type { Insertable, Updateable } from 'kysely';

/** Parcels awaiting pickup on a shelf (answered from parcels_shelf_idx). */
const occupiedOf = (shelfId: ReturnType<typeof sql.ref>) =>
  sql<number>`(select count(*) from parcels where parcels.shelf_id = ${shelfId} and parcels.status = 'awaiting_pickup')`;

/** A community's shelves with how many parcels wait on each, by code. */
export function listShelves(db: Executor, communityId: number) {
  return db
    .selectFrom('shelves')
    .selectAll()
    .select(occupiedOf(sql.ref('shelves.id')).as('occupied'))
    .where('community_id', '=', communityId)
    .orderBy('code')
    .execute();
}

export type ShelfWithOccupancy = Awaited<ReturnType<typeof listShelves>>[number];

/** A shelf of an org, with its occupancy. */
export function findShelf(db: Executor, orgId: number, id: number) {
  return db
    .selectFrom('shelves')
    .selectAll()
    .select(occupiedOf(sql.ref('shelves.id')).as('occupied'))
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

/** What a write here may find taken: a shelf's code in its community. */
const TAKEN = { shelf_code: 'code' };

export function insertShelf(db: Executor, row: Insertable<ShelfTable>) {
  return uniquely(db.insertInto('shelves').values(row).returning('id').executeTakeFirstOrThrow(), TAKEN);
}

export function updateShelf(db: Executor, id: number, set: Updateable<ShelfTable>) {
  return uniquely(db.updateTable('shelves').set(set).where('id', '=', id).execute(), TAKEN);
}

/** Deletes a shelf only while no parcel awaits pickup on it: true when it was deleted. */
export async function deleteEmptyShelf(db: Executor, id: number): Promise<boolean> {
  const r = await db
    .deleteFrom('shelves')
    .where('id', '=', id)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('parcels').select('parcels.id').where('parcels.shelf_id', '=', id).where('parcels.status', '=', 'awaiting_pickup'))),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The parcels awaiting pickup on each layer of a shelf (layers without any are absent). */
export function layerCounts(db: Executor, shelfId: number) {
  return db
    .selectFrom('parcels')
    .select(['shelf_layer', (eb) => eb.fn.countAll<number>().as('n')])
    .where('shelf_id', '=', shelfId)
    .where('status', '=', 'awaiting_pickup')
    .groupBy('shelf_layer')
    .execute();
}

/**
 * A community's shelves, each with the parcels awaiting pickup per layer, in one query (a row per
 * shelf and occupied layer; `shelf_layer` null and `n` 0 for an empty shelf), answered from
 * parcels_shelf_idx.
 */
export function shelfLayers(db: Executor, communityId: number) {
  return db
    .selectFrom('shelves')
    .leftJoin('parcels', (j) => j.onRef('parcels.shelf_id', '=', 'shelves.id').on('parcels.status', '=', stateLiteral('awaiting_pickup')))
    .select(['shelves.id', 'shelves.code', 'shelves.layers', 'shelves.capacity', 'parcels.shelf_layer', (eb) => eb.fn.count<number>('parcels.id').as('n')])
    .where('shelves.community_id', '=', communityId)
    .groupBy(['shelves.id', 'shelves.code', 'shelves.layers', 'shelves.capacity', 'parcels.shelf_layer'])
    .orderBy('shelves.code')
    .execute();
}

/**
 * The next label serial of a community on a day: one statement that adds one and answers the
 * new value, so that concurrent intakes never get the same (the row is locked until commit).
 */
export async function nextSerial(db: Executor, communityId: number, day: string): Promise<number> {
  const r = await db
    .insertInto('shelf_serials')
    .values({ community_id: communityId, day, n: 1 })
    .onConflict((oc) => oc.columns(['community_id', 'day']).doUpdateSet({ n: sql<number>`shelf_serials.n + 1` }))
    .returning('n')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Whether a label is on a parcel awaiting pickup in the community (a label of a past day). */
export async function labelInUse(db: Executor, communityId: number, label: string): Promise<boolean> {
  const row = await db
    .selectFrom('parcels')
    .select('id')
    .where('community_id', '=', communityId)
    .where('shelf_label', '=', label)
    .where('status', '=', stateLiteral('awaiting_pickup'))
    .executeTakeFirst();
  return row !== undefined;
}

/** Drops the serial counters of days long past (housekeeping). */
export function deleteSerialsBefore(db: Executor, day: string) {
  return db.deleteFrom('shelf_serials').where('day', '<', day).execute();
}
