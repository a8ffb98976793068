import type { Insertable } from 'kysely';
import type { Executor } from '../../db/index.js';
import { loadOne } from '../../db/batch.js';
import type { PreAdviceTable } from '../../db/types.js';

export function insertKey(
  db: Executor,
  row: { org_id: number; name: string; scopes: string; prefix: string; key_hash: string; created_by: number; created_at: string },
) {
  return db.insertInto('api_keys').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function countLiveKeys(db: Executor, orgId: number): Promise<number> {
  const r = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listKeys(db: Executor, orgId: number) {
  return db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).orderBy('id', 'desc').execute();
}

export function findKey(db: Executor, orgId: number, id: number) {
  return db.selectFrom('api_keys').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** The key with this hash, whichever org it is of (the caller is not known yet): batched on PostgreSQL. */
export function keyByHash(db: Executor, hash: string) {
  return loadOne(db, 'api_keys.by_hash', hash, async (hashes) => {
    const rows = await db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'name', 'scopes', 'key_hash', 'revoked_at', 'last_used_at'])
      .where('key_hash', 'in', [...hashes])
      .execute();
    return new Map(rows.map((r) => [r.key_hash, r]));
  });
}

export async function revokeKey(db: Executor, orgId: number, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function touchKey(db: Executor, orgId: number, id: number, now: string) {
  return db.updateTable('api_keys').set({ last_used_at: now }).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** The org's communities among these ids. */
export async function orgCommunityIds(db: Executor, orgId: number, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('communities').select('id').where('org_id', '=', orgId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => Number(r.id)));
}

/** Inserts or replaces pre-advice by community and tracking number (one row each in `rows`). */
export function upsertPreAdvice(db: Executor, rows: Insertable<PreAdviceTable>[]) {
  if (rows.length === 0) return Promise.resolve();
  return db
    .insertInto('pre_advice')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['community_id', 'tracking_no']).doUpdateSet((eb) => ({
        recipient_phone: eb.ref('excluded.recipient_phone'),
        recipient_name: eb.ref('excluded.recipient_name'),
        carrier: eb.ref('excluded.carrier'),
        api_key_id: eb.ref('excluded.api_key_id'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute()
    .then(() => undefined);
}

export function findPreAdvice(db: Executor, orgId: number, communityId: number, trackingNo: string) {
  return db
    .selectFrom('pre_advice')
    .select(['recipient_phone', 'recipient_name', 'carrier'])
    .where('org_id', '=', orgId)
    .where('community_id', '=', communityId)
    .where('tracking_no', '=', trackingNo)
    .executeTakeFirst();
}

/** Drops pre-advice not renewed since `before` (housekeeping). */
export async function deletePreAdviceBefore(db: Executor, before: string): Promise<number> {
  const r = await db.deleteFrom('pre_advice').where('updated_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The org's parcels with this tracking number, newest first (no phones, names or codes). */
export function openParcels(db: Executor, orgId: number, trackingNo: string) {
  return db
    .selectFrom('parcels')
    .select(['id', 'community_id', 'tracking_no', 'carrier', 'status', 'shelf_label', 'received_at', 'picked_up_at'])
    .where('org_id', '=', orgId)
    .where('tracking_no', '=', trackingNo)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
}
