import type { Insertable } from 'kysely';
import type { Executor } from '../../context.js';
import { pageWindow } from '../../db/paging.js';
import type { Channel, OutboxStatus, OutboxTable } from '../../db/types.js';

export function insertOutbox(db: Executor, rows: Insertable<OutboxTable>[]) {
  return db.insertInto('outbox').values(rows).execute();
}

/**
 * Leases up to `limit` due messages to this worker until `leaseUntil`. The conditions are repeated
 * on the outer UPDATE so that, on PostgreSQL, a row another worker leased meanwhile is skipped.
 */
export function leaseDue(db: Executor, now: string, leaseUntil: string, limit: number) {
  const due = (qb: Executor) =>
    qb
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit);
  return db
    .updateTable('outbox')
    .set((eb) => ({ locked_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due(db))
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .returningAll()
    .execute();
}

export function markSent(db: Executor, id: number, now: string) {
  return db.updateTable('outbox').set({ status: 'sent', sent_at: now, locked_until: null, last_error: null }).where('id', '=', id).execute();
}

export function markRetry(db: Executor, id: number, nextAt: string, error: string) {
  return db.updateTable('outbox').set({ next_attempt_at: nextAt, locked_until: null, last_error: error }).where('id', '=', id).execute();
}

export function markFailed(db: Executor, id: number, error: string) {
  return db.updateTable('outbox').set({ status: 'failed', locked_until: null, last_error: error }).where('id', '=', id).execute();
}

/** A failed message back in the queue, due now, with a fresh count of attempts. */
export async function requeueFailed(db: Executor, orgId: number, id: number, now: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'queued', attempts: 0, next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('status', '=', 'failed')
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
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
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
