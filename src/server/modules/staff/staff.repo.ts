import type { Executor } from '../../db/index.js';
import type { StaffRole } from '../../db/types.js';
import { uniquely } from '../../db/dialect.js';

/** What a write here may find taken: a user name (in any case). */
const TAKEN = { staff_username: 'username' };

export function insertStaff(db: Executor, row: { org_id: number; username: string; password_hash: string; role: StaffRole; created_at: string }) {
  return uniquely(
    db
      .insertInto('staff')
      .values({ ...row, disabled: 0 })
      .returningAll()
      .executeTakeFirstOrThrow(),
    TAKEN,
  );
}

export function findStaffInOrg(db: Executor, orgId: number, id: number) {
  return db.selectFrom('staff').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function listStaffOfOrg(db: Executor, orgId: number) {
  return db.selectFrom('staff').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
}

export async function communityIdsByStaff(db: Executor, staffIds: number[]): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>();
  if (staffIds.length === 0) return map;
  const rows = await db
    .selectFrom('staff_communities')
    .select(['staff_id', 'community_id'])
    .where('staff_id', 'in', staffIds)
    .orderBy('community_id')
    .execute();
  for (const r of rows) map.set(r.staff_id, [...(map.get(r.staff_id) ?? []), r.community_id]);
  return map;
}

export async function replaceStaffCommunities(db: Executor, staffId: number, communityIds: number[]) {
  await db.deleteFrom('staff_communities').where('staff_id', '=', staffId).execute();
  if (communityIds.length > 0) {
    await db
      .insertInto('staff_communities')
      .values(communityIds.map((community_id) => ({ staff_id: staffId, community_id })))
      .execute();
  }
}

export function updateStaff(db: Executor, id: number, set: { password_hash?: string; role?: StaffRole; disabled?: 0 | 1 }) {
  return db.updateTable('staff').set(set).where('id', '=', id).execute();
}
