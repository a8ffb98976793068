import type { Executor } from '../../db/index.js';
import { uniquely } from '../../db/dialect.js';

export function listMembers(db: Executor, owner: string) {
  return db.selectFrom('household_members').select(['member_phone', 'member_name', 'created_at']).where('owner_phone', '=', owner).orderBy('id').execute();
}

export function insertMember(db: Executor, row: { owner_phone: string; member_phone: string; member_name: string | null; created_at: string }) {
  return uniquely(db.insertInto('household_members').values(row).execute(), { member: 'household_members' });
}

export async function deleteMember(db: Executor, owner: string, member: string): Promise<boolean> {
  const r = await db.deleteFrom('household_members').where('owner_phone', '=', owner).where('member_phone', '=', member).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** The residents (phones) who authorized this phone. */
export async function ownersOf(db: Executor, member: string): Promise<string[]> {
  const rows = await db.selectFrom('household_members').select('owner_phone').where('member_phone', '=', member).execute();
  return rows.map((r) => r.owner_phone);
}

export async function isMember(db: Executor, owner: string, member: string): Promise<boolean> {
  const r = await db.selectFrom('household_members').select('id').where('owner_phone', '=', owner).where('member_phone', '=', member).executeTakeFirst();
  return r !== undefined;
}
