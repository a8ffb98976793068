import type { Executor } from '../../db/index.js';
import { stateLiteral } from '../../db/dialect.js';

/** Communities whose parcels turn stale (returnAfterDays > 0), over every org: the hourly sweep. */
export function staleCommunities(db: Executor) {
  return db
    .selectFrom('communities')
    .select(['id', 'org_id', 'name', 'collection_point_name', 'return_after_days'])
    .where('return_after_days', '>', 0)
    .orderBy('id')
    .execute();
}

/** Waiting parcels of a community received before `before` whose resident has not been told they are stale. */
export function newlyStale(db: Executor, orgId: number, communityId: number, before: string) {
  return db
    .selectFrom('parcels')
    .select(['id', 'recipient_phone', 'tracking_no', 'pickup_code'])
    .where('org_id', '=', orgId)
    .where('community_id', '=', communityId)
    .where('status', '=', stateLiteral('awaiting_pickup'))
    .where('received_at', '<', before)
    .where('stale_notified_at', 'is', null)
    .orderBy('id')
    .limit(500)
    .execute();
}

/** Stale parcels (their resident told) received before `before` whose courier has not been told to come. */
export function newlyDueBack(db: Executor, orgId: number, communityId: number, before: string) {
  return db
    .selectFrom('parcels')
    .select(['id', 'courier_phone', 'tracking_no'])
    .where('org_id', '=', orgId)
    .where('community_id', '=', communityId)
    .where('status', '=', stateLiteral('awaiting_pickup'))
    .where('received_at', '<', before)
    .where('stale_notified_at', 'is not', null)
    .where('due_back_notified_at', 'is', null)
    .orderBy('id')
    .limit(500)
    .execute();
}

/** Notes that a notice went; false when another process did it first (so it sends nothing). */
export async function markNotified(
  db: Executor,
  orgId: number,
  id: number,
  column: 'stale_notified_at' | 'due_back_notified_at',
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('parcels')
    .set({ [column]: at })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where(column, 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** 待取回: the parcels returned to a courier (by phone) in these communities that they have not taken yet. */
export function returnsFor(db: Executor, communityIds: number[], courierPhone: string) {
  if (communityIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('parcels')
    .select('id')
    .where('community_id', 'in', communityIds)
    .where('status', '=', stateLiteral('returned'))
    .where('taken_back_at', 'is', null)
    .where('courier_phone', '=', courierPhone)
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}
