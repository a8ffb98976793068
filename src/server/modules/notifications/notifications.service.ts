import { inTransaction, type Ctx } from '../../context.js';
import type { Channel, NotificationKind, OutboxRow, OutboxStatus } from '../../db/types.js';
import { notFound, conflict } from '../../errors.js';
import { providerFor } from './messaging.js';
import * as repo from './notifications.repo.js';
import type { OutgoingMessage } from './provider.js';
import { renderNotification, type TemplateParams } from './templates.js';

/**
 * The channels of a notification: the received notice goes by SMS to everyone and by WeChat too
 * to a bound user; the others go by WeChat to a bound user, else by SMS (and by SMS when WeChat
 * fails for good: see delivery.ts).
 */
export function channelsFor(kind: NotificationKind, bound: boolean): Channel[] {
  if (kind === 'parcel_received') return bound ? ['sms', 'wechat'] : ['sms'];
  return bound ? ['wechat'] : ['sms'];
}

/**
 * Queues a notification in the caller's unit of work, so that it exists exactly when the state
 * change does, and rings the outbox worker once the unit is committed. One row per channel;
 * (event, channel) is unique: sent at most once per event.
 */
export async function enqueueNotification<K extends NotificationKind>(
  ctx: Ctx,
  n: { orgId: number; parcelId: number; eventId: number; kind: K; recipient: string; params: TemplateParams[K] },
): Promise<void> {
  const now = ctx.now().toISOString();
  const bound = (await repo.openidOf(ctx.db, n.recipient)) !== undefined;
  await repo.insertOutbox(
    ctx.db,
    channelsFor(n.kind, bound).map((channel) => ({
      org_id: n.orgId,
      parcel_id: n.parcelId,
      event_id: n.eventId,
      kind: n.kind,
      channel,
      recipient: n.recipient,
      params: JSON.stringify(n.params),
      status: 'queued' as const,
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      dedupe_key: null,
    })),
  );
  ctx.afterCommit(ctx.outboxKick);
}

/**
 * Queues a notification that no event carries (a stale parcel's notice) under a dedupe key: a key
 * already queued, by this or another process, queues nothing. Answers how many rows it queued.
 */
export async function enqueueOnce<K extends NotificationKind>(
  ctx: Ctx,
  n: { orgId: number; parcelId: number; kind: K; recipient: string; dedupeKey: string; params: TemplateParams[K] },
): Promise<number> {
  const now = ctx.now().toISOString();
  const [channel = 'sms'] = channelsFor(n.kind, (await repo.openidOf(ctx.db, n.recipient)) !== undefined);
  const queued = await repo.insertOutboxOnce(ctx.db, [
    {
      org_id: n.orgId,
      parcel_id: n.parcelId,
      event_id: null,
      kind: n.kind,
      channel,
      recipient: n.recipient,
      params: JSON.stringify(n.params),
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      dedupe_key: n.dedupeKey,
    },
  ]);
  if (queued > 0) ctx.afterCommit(ctx.outboxKick);
  return queued;
}

/** Sends at once, outside the outbox (sign-in codes: the user is waiting and can ask again). */
/** The openid bound to a phone through the official account (WeChat Pay's JSAPI needs it), if any. */
export function boundOpenid(ctx: Ctx, phone: string): Promise<string | undefined> {
  return repo.openidOf(ctx.db, phone);
}

export async function sendDirect(ctx: Ctx, msg: OutgoingMessage): Promise<void> {
  await providerFor(ctx.messaging, msg.channel).send(msg, ctx.now());
}

/** The text of a queued message, as 通知记录 shows it. */
export function renderRow(row: Pick<OutboxRow, 'kind' | 'params'>) {
  return renderNotification(row.kind, JSON.parse(row.params) as TemplateParams[typeof row.kind]);
}

function presentOutbox(row: OutboxRow) {
  return {
    id: row.id,
    parcelId: row.parcel_id,
    kind: row.kind,
    channel: row.channel,
    to: row.recipient,
    text: renderRow(row).text,
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

/** Puts a failed (or capped) message back in the queue. */
export async function retryNotification(ctx: Ctx, orgId: number, id: number) {
  const row = await repo.findOutbox(ctx.db, orgId, id);
  if (!row) throw notFound();
  await inTransaction(ctx, async (u) => {
    if (!(await repo.requeueFailed(u.db, orgId, id, u.now().toISOString()))) {
      throw conflict('invalid_state', '只有发送失败或已达上限的通知可以重新发送');
    }
    u.audit({ action: 'notification.retry', entity: 'notification', entityId: id, orgId, changes: { kind: row.kind, status: [row.status, 'queued'] } });
  });
  ctx.outboxKick();
  return presentOutbox({ ...row, status: 'queued', attempts: 0, next_attempt_at: ctx.now().toISOString() });
}

/** The console provider's inbox (development only). */
export async function devMessages(ctx: Ctx, to: string | undefined) {
  const rows = await repo.listDevMessages(ctx.db, to, 100);
  return { items: rows.map((r) => ({ to: r.recipient, channel: r.channel, text: r.text, createdAt: r.created_at })) };
}
