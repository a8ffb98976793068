import type { Ctx, Executor } from '../../context.js';
import type { NotificationKind, OutboxRow, OutboxStatus } from '../../db/types.js';
import { notFound, conflict } from '../../errors.js';
import { maskDigits } from '../../logging.js';
import * as repo from './notifications.repo.js';
import type { OutgoingMessage } from './provider.js';
import { renderNotification, type TemplateParams } from './templates.js';

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

/**
 * Queues a notification inside the caller's transaction, so that it exists exactly when the
 * state change does. One row per channel; (event, channel) is unique: sent at most once per event.
 */
export async function enqueueNotification<K extends NotificationKind>(
  ctx: Ctx,
  trx: Executor,
  n: { orgId: number; parcelId: number; eventId: number; kind: K; recipient: string; params: TemplateParams[K] },
): Promise<void> {
  const now = ctx.now().toISOString();
  await repo.insertOutbox(trx, [
    {
      org_id: n.orgId,
      parcel_id: n.parcelId,
      event_id: n.eventId,
      kind: n.kind,
      channel: 'sms',
      recipient: n.recipient,
      params: JSON.stringify(n.params),
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    },
  ]);
}

/** Sends at once, outside the outbox (sign-in codes: the user is waiting and can ask again). */
export async function sendDirect(ctx: Ctx, msg: OutgoingMessage): Promise<void> {
  await ctx.provider.send(msg, ctx.now());
}

/** Delay before attempt n+1: exponential from 5 s, capped at an hour, with ±25 % jitter. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(3_600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

function render(row: OutboxRow) {
  return renderNotification(row.kind, JSON.parse(row.params) as TemplateParams[typeof row.kind]);
}

/**
 * Delivers the messages that are due, in leased batches, until none is left; returns how many
 * were sent. A failure is retried later with backoff, and after MAX_ATTEMPTS the message is `failed`.
 */
export async function deliverDue(ctx: Ctx, batchSize = 20): Promise<number> {
  let sent = 0;
  for (;;) {
    const now = ctx.now();
    const rows = await repo.leaseDue(ctx.db, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), batchSize);
    if (rows.length === 0) return sent;
    for (const row of rows) {
      try {
        await ctx.provider.send({ channel: row.channel, to: row.recipient, kind: row.kind, ...render(row) }, ctx.now());
        await repo.markSent(ctx.db, row.id, ctx.now().toISOString());
        sent++;
      } catch (err) {
        const reason = maskDigits(err instanceof Error ? err.message : String(err)).slice(0, 500);
        if (row.attempts >= MAX_ATTEMPTS) {
          await repo.markFailed(ctx.db, row.id, reason);
          ctx.log.warn({ outboxId: row.id, attempts: row.attempts }, 'notification failed for good');
        } else {
          await repo.markRetry(ctx.db, row.id, new Date(ctx.now().getTime() + backoffMs(row.attempts)).toISOString(), reason);
        }
      }
    }
  }
}

function presentOutbox(row: OutboxRow) {
  return {
    id: row.id,
    parcelId: row.parcel_id,
    kind: row.kind,
    channel: row.channel,
    to: row.recipient,
    text: render(row).text,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    nextAttemptAt: row.status === 'queued' ? row.next_attempt_at : null,
  };
}

/** 通知记录: the org's outbox, newest first. */
export async function listNotifications(ctx: Ctx, orgId: number, status: OutboxStatus | undefined, page: number, pageSize: number) {
  const r = await repo.listOutbox(ctx.db, orgId, status, page, pageSize);
  return { items: r.items.map(presentOutbox), total: r.total };
}

/** Puts a failed message back in the queue. */
export async function retryNotification(ctx: Ctx, orgId: number, id: number) {
  const row = await repo.findOutbox(ctx.db, orgId, id);
  if (!row) throw notFound();
  if (!(await repo.requeueFailed(ctx.db, orgId, id, ctx.now().toISOString()))) {
    throw conflict('invalid_state', '只有发送失败的通知可以重试');
  }
  ctx.outboxKick();
  return presentOutbox({ ...row, status: 'queued', attempts: 0, next_attempt_at: ctx.now().toISOString() });
}

/** The console provider's inbox (development only). */
export async function devMessages(ctx: Ctx, to: string | undefined) {
  const rows = await repo.listDevMessages(ctx.db, to, 100);
  return { items: rows.map((r) => ({ to: r.recipient, channel: r.channel, text: r.text, createdAt: r.created_at })) };
}
