import { sql, type ExpressionBuilder, type Insertable } from 'kysely';
import { claimSkippingLocked } from '../../db/dialect.js';
import type { Executor } from '../../db/index.js';
import { pageWindow } from '../../db/paging.js';
import type { Channel, DB, OutboxStatus, OutboxTable } from '../../db/types.js';

export function insertOutbox(db: Executor, rows: Insertable<OutboxTable>[]) {
  return db.insertInto('outbox').values(rows).execute();
}

/** Inserts rows whose dedupe_key is new; a key already queued (by this or another process) is skipped. */
export async function insertOutboxOnce(db: Executor, rows: Insertable<OutboxTable>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db
    .insertInto('outbox')
    .values(rows)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/**
 * Leases up to `limit` due messages to this worker until `leaseUntil`, in the caller's unit of
 * work. The ids are claimed first, in the unit with the update: on PostgreSQL with SKIP LOCKED, so
 * concurrent workers take different rows. (One `UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE
 * SKIP LOCKED)` is not bounded: PostgreSQL may run the subquery again for each row and lease every
 * due row at once.) A worker that dies leaves its lease to run out, and the next round sends it.
 */
export async function leaseDue(db: Executor, now: string, leaseUntil: string, limit: number) {
  const free = (eb: ExpressionBuilder<DB, 'outbox'>) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]);
  const claimed = await claimSkippingLocked(
    db,
    db.selectFrom('outbox').select('id').where('status', '=', 'queued').where('next_attempt_at', '<=', now).where(free).orderBy('next_attempt_at').limit(limit),
  ).execute();
  if (claimed.length === 0) return [];
  return db
    .updateTable('outbox')
    .set((eb) => ({ locked_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where(
      'id',
      'in',
      claimed.map((r) => r.id),
    )
    .where('status', '=', 'queued')
    .where(free)
    .returningAll()
    .execute();
}

/** Gives back leased messages this worker will not send now (due again at once, attempt not counted). */
export function releaseLeases(db: Executor, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .updateTable('outbox')
    .set((eb) => ({ locked_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids)
    .where('status', '=', 'queued')
    .execute();
}

export function markSent(db: Executor, id: number, now: string) {
  return db.updateTable('outbox').set({ status: 'sent', sent_at: now, locked_until: null, last_error: null }).where('id', '=', id).execute();
}

export function markRetry(db: Executor, id: number, nextAt: string, error: string) {
  return db.updateTable('outbox').set({ next_attempt_at: nextAt, locked_until: null, last_error: error }).where('id', '=', id).execute();
}

export function markFailed(db: Executor, id: number, error: string, status: 'failed' | 'capped' = 'failed') {
  return db.updateTable('outbox').set({ status, locked_until: null, last_error: error }).where('id', '=', id).execute();
}

/** SMS the outbox sent to a phone in the last hour and the last day, in one query (the caps against SMS pumping). */
export async function smsSentCounts(db: Executor, phone: string, hourAgo: string, dayAgo: string): Promise<{ hour: number; day: number }> {
  const r = await db
    .selectFrom('outbox')
    .select([sql<number>`count(*)`.as('day'), sql<number>`coalesce(sum(case when sent_at >= ${hourAgo} then 1 else 0 end), 0)`.as('hour')])
    .where('recipient', '=', phone)
    .where('channel', '=', 'sms')
    .where('sent_at', '>=', dayAgo)
    .executeTakeFirstOrThrow();
  return { hour: Number(r.hour), day: Number(r.day) };
}

/** The openid bound to a phone, if any. */
export async function openidOf(db: Executor, phone: string): Promise<string | undefined> {
  const r = await db.selectFrom('wechat_bindings').select('openid').where('phone', '=', phone).executeTakeFirst();
  return r?.openid;
}

/** The phones among these that are bound to WeChat. */
export async function boundPhones(db: Executor, phones: string[]): Promise<Set<string>> {
  if (phones.length === 0) return new Set();
  const rows = await db.selectFrom('wechat_bindings').select('phone').where('phone', 'in', phones).execute();
  return new Set(rows.map((r) => r.phone));
}

/** Binds (or re-binds) a phone to a WeChat openid. */
export function bindWechat(db: Executor, phone: string, openid: string, now: string) {
  return db
    .insertInto('wechat_bindings')
    .values({ phone, openid, bound_at: now })
    .onConflict((oc) => oc.column('phone').doUpdateSet({ openid, bound_at: now }))
    .execute();
}

/** A failed (or capped) message back in the queue, due now, with a fresh count of attempts. */
export async function requeueFailed(db: Executor, orgId: number, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'queued', attempts: 0, next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('status', 'in', ['failed', 'capped'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function findOutbox(db: Executor, orgId: number, id: number) {
  return db.selectFrom('outbox').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function listOutbox(db: Executor, orgId: number, status: OutboxStatus | undefined, page: number, pageSize: number) {
  const { offset, limit } = pageWindow(page, pageSize);
  const base = () =>
    db
      .selectFrom('outbox')
      .where('org_id', '=', orgId)
      .$if(status !== undefined, (qb) => qb.where('status', '=', status ?? 'queued'));
  const [items, total] = await Promise.all([
    base().selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    base()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export function insertDevMessage(db: Executor, row: { recipient: string; channel: Channel; text: string; created_at: string }) {
  return db.insertInto('dev_messages').values(row).execute();
}

export function listDevMessages(db: Executor, to: string | undefined, limit: number) {
  return db
    .selectFrom('dev_messages')
    .selectAll()
    .$if(to !== undefined, (qb) => qb.where('recipient', '=', to ?? ''))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Communities whose residents get overdue reminders (the switch on, the org's app open). */
export function remindableCommunities(db: Executor) {
  return db
    .selectFrom('communities')
    .innerJoin('orgs', 'orgs.id', 'communities.org_id')
    .select(['communities.id', 'communities.org_id', 'communities.name', 'communities.collection_point_name'])
    .where('communities.reminders_enabled', '=', 1)
    .where('orgs.app_enabled', '=', 1)
    .orderBy('communities.id')
    .execute();
}

/** A community's parcels awaiting pickup since before `cutoff`. */
export function overdueParcels(db: Executor, communityId: number, cutoff: string) {
  return db
    .selectFrom('parcels')
    .select(['recipient_phone', 'pickup_code', 'fee_rate_fen'])
    .where('community_id', '=', communityId)
    .where('status', '=', 'awaiting_pickup')
    .where('received_at', '<=', cutoff)
    .orderBy('recipient_phone')
    .orderBy('id')
    .execute();
}
