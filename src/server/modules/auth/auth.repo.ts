import { sql } from 'kysely';
import { loadOne } from '../../db/batch.js';
import type { Executor } from '../../db/index.js';
import type { SessionKind } from '../../db/types.js';

/** Staff by username, whatever its letter case (usernames are ASCII), for sign-in. */
export function findStaffByUsername(db: Executor, username: string) {
  return db
    .selectFrom('staff')
    .selectAll()
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
}

/** Sets a staff member's password hash, and whether it must be changed at the next step. */
export function setStaffPassword(db: Executor, staffId: number, passwordHash: string, mustChange: boolean) {
  return db
    .updateTable('staff')
    .set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0 })
    .where('id', '=', staffId)
    .execute();
}

/** Ends every session of a staff member but one (a password change keeps the session that made it). */
export function deleteOtherSessionsOfStaff(db: Executor, staffId: number, keepSessionId: string) {
  return db.deleteFrom('sessions').where('staff_id', '=', staffId).where('id', '!=', keepSessionId).execute();
}

export function findStaffById(db: Executor, staffId: number) {
  return db.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirst();
}

export function insertSession(
  db: Executor,
  row: { id: string; kind: SessionKind; staff_id?: number; courier_account_id?: number; phone?: string; created_at: string; expires_at: string },
) {
  return db.insertInto('sessions').values(row).execute();
}

export function extendSession(db: Executor, id: string, expiresAt: string) {
  return db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
}

export function deleteSession(db: Executor, id: string) {
  return db.deleteFrom('sessions').where('id', '=', id).execute();
}

export function deleteSessionsOfStaff(db: Executor, staffId: number) {
  return db.deleteFrom('sessions').where('staff_id', '=', staffId).execute();
}

export function deleteExpiredSessions(db: Executor, now: string) {
  return db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}

/** A live session with whatever it is a session of. */
/** A session that has not expired, with its staff member or courier account (reads of one turn batched: loadOne). */
export async function findLiveSession(db: Executor, id: string, now: string) {
  const s = await loadOne(db, 'sessions', id, async (ids) => {
    const rows = await db
      .selectFrom('sessions')
      .leftJoin('staff', 'staff.id', 'sessions.staff_id')
      .leftJoin('courier_accounts', 'courier_accounts.id', 'sessions.courier_account_id')
      .select([
        'sessions.id',
        'sessions.kind',
        'sessions.phone',
        'sessions.created_at',
        'sessions.expires_at',
        'staff.id as staffId',
        'staff.org_id as orgId',
        'staff.username',
        'staff.role',
        'staff.disabled',
        'staff.must_change_password as mustChangePassword',
        'courier_accounts.id as courierAccountId',
        'courier_accounts.phone as courierPhone',
        'courier_accounts.name as courierName',
      ])
      .where('sessions.id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  });
  return s && s.expires_at > now ? s : undefined;
}

export function communityIdsOfStaff(db: Executor, staffId: number) {
  return db.selectFrom('staff_communities').select('community_id').where('staff_id', '=', staffId).execute();
}

// OTP codes
export function voidOpenOtps(db: Executor, phone: string, purpose: 'courier' | 'resident', now: string) {
  return db
    .updateTable('otp_codes')
    .set({ consumed_at: now })
    .where('phone', '=', phone)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .execute();
}

export function insertOtp(db: Executor, row: { phone: string; purpose: 'courier' | 'resident'; code_hash: string; created_at: string; expires_at: string }) {
  return db
    .insertInto('otp_codes')
    .values({ ...row, wrong_tries: 0 })
    .execute();
}

/** When the newest code for a phone (any purpose) was sent, if any. */
export async function lastOtpSentAt(db: Executor, phone: string): Promise<string | undefined> {
  const row = await db.selectFrom('otp_codes').select('created_at').where('phone', '=', phone).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.created_at;
}

export function deleteOtpsBefore(db: Executor, before: string) {
  return db.deleteFrom('otp_codes').where('created_at', '<', before).execute();
}

/** The newest open code for a phone and purpose. */
export function findOpenOtp(db: Executor, phone: string, purpose: 'courier' | 'resident') {
  return db
    .selectFrom('otp_codes')
    .selectAll()
    .where('phone', '=', phone)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Takes one of a code's tries before the code is checked: false when the code is used, void or
 * has had `limit` tries. Taking the try first keeps guesses sent at once within the limit.
 */
export async function takeOtpTry(db: Executor, id: number, limit: number): Promise<boolean> {
  const r = await db
    .updateTable('otp_codes')
    .set((eb) => ({ wrong_tries: eb('wrong_tries', '+', 1) }))
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('wrong_tries', '<', limit)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives back the try taken by a right code: only wrong tries count. */
export function giveBackOtpTry(db: Executor, id: number) {
  return db
    .updateTable('otp_codes')
    .set((eb) => ({ wrong_tries: eb('wrong_tries', '-', 1) }))
    .where('id', '=', id)
    .where('wrong_tries', '>', 0)
    .execute();
}

/** Counts a wrong try; locks the code at the limit. */
export function addWrongTry(db: Executor, id: number, lockAt: number, now: string) {
  return db
    .updateTable('otp_codes')
    .set((eb) => ({
      wrong_tries: eb('wrong_tries', '+', 1),
      consumed_at: eb
        .case()
        .when('wrong_tries', '>=', lockAt - 1)
        .then(now)
        .else(null)
        .end(),
    }))
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .execute();
}

/** Uses a code once: true when this call was the one that used it. */
export async function consumeOtp(db: Executor, id: number, now: string): Promise<boolean> {
  const r = await db.updateTable('otp_codes').set({ consumed_at: now }).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// Courier accounts
export function findCourierAccount(db: Executor, phone: string) {
  return db.selectFrom('courier_accounts').selectAll().where('phone', '=', phone).executeTakeFirst();
}

export function insertCourierAccount(db: Executor, row: { phone: string; name: string; created_at: string }) {
  return db.insertInto('courier_accounts').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Names the front desk entered for a phone, in any org. */
export function courierNamesForPhone(db: Executor, phone: string) {
  return db.selectFrom('couriers').select('name').where('phone', '=', phone).execute();
}
