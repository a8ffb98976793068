// The outbox's sending side: leased batches, the channel's provider, SMS caps, retries with
// backoff, `failed` after the last attempt, and SMS as the fallback when WeChat cannot deliver.
import { inTransaction, type Ctx } from '../../context.js';
import type { OutboxRow } from '../../db/types.js';
import { maskDigits } from '../../logging.js';
import { DAY_MS } from '../../../shared/constants.js';
import { providerFor } from './messaging.js';
import * as repo from './notifications.repo.js';
import { renderRow } from './notifications.service.js';
import { ProviderError } from './provider.js';

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;
/** More than one provider call can take (their timeouts are 5 s), so no send outlives its lease. */
const LEASE_MARGIN_MS = 20_000;
const HOUR_MS = 3_600_000;

/** Delay before attempt n+1: exponential from 5 s, capped at an hour, with ±25 % jitter. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(3_600_000, 5_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** Why an SMS to this phone may not go now, or null: the hourly and daily caps. */
async function smsCapReached(ctx: Ctx, phone: string): Promise<string | null> {
  const { perHour, perDay } = ctx.messaging.smsCaps;
  const now = ctx.now().getTime();
  const sent = await repo.smsSentCounts(ctx.db, phone, new Date(now - HOUR_MS).toISOString(), new Date(now - DAY_MS).toISOString());
  if (sent.hour >= perHour) return `已达短信上限：每小时${perHour}条`;
  if (sent.day >= perDay) return `已达短信上限：每天${perDay}条`;
  return null;
}

/**
 * A WeChat message that cannot be delivered (unbound, unsubscribed, failed for good) goes by SMS
 * instead, except the received notice, which went by SMS already. At most one fallback a message:
 * (event, channel) and the dedupe key are unique.
 */
async function fallBackToSms(ctx: Ctx, row: OutboxRow): Promise<void> {
  if (row.channel !== 'wechat' || row.kind === 'parcel_received') return;
  const now = ctx.now().toISOString();
  await repo.insertOutboxOnce(ctx.db, [
    {
      org_id: row.org_id,
      parcel_id: row.parcel_id,
      event_id: row.event_id,
      kind: row.kind,
      channel: 'sms',
      recipient: row.recipient,
      params: row.params,
      status: 'queued',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      dedupe_key: `${row.dedupe_key ?? `event:${row.event_id}`}:sms`,
    },
  ]);
}

/** Sends one leased message; true when it was sent. */
async function deliverOne(ctx: Ctx, row: OutboxRow): Promise<boolean> {
  const fail = async (reason: string) => {
    await repo.markFailed(ctx.db, row.id, reason);
    ctx.log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts }, 'notification failed for good');
    await fallBackToSms(ctx, row);
  };
  let to = row.recipient;
  if (row.channel === 'sms') {
    const capped = await smsCapReached(ctx, row.recipient);
    if (capped) {
      await repo.markFailed(ctx.db, row.id, capped, 'capped');
      ctx.log.warn({ outboxId: row.id }, 'SMS cap reached');
      return false;
    }
  } else {
    const openid = await repo.openidOf(ctx.db, row.recipient);
    if (!openid) {
      await fail('未绑定微信');
      return false;
    }
    to = openid;
  }
  try {
    await providerFor(ctx.messaging, row.channel).send({ channel: row.channel, to, phone: row.recipient, kind: row.kind, ...renderRow(row) }, ctx.now());
    await repo.markSent(ctx.db, row.id, ctx.now().toISOString());
    return true;
  } catch (err) {
    const reason = maskDigits(err instanceof Error ? err.message : String(err)).slice(0, 500);
    const hopeless = err instanceof ProviderError && !err.retryable;
    if (hopeless || row.attempts >= MAX_ATTEMPTS) await fail(reason);
    else await repo.markRetry(ctx.db, row.id, new Date(ctx.now().getTime() + backoffMs(row.attempts)).toISOString(), reason);
    return false;
  }
}

/**
 * Delivers the messages that are due, in leased batches, until none is left; returns how many
 * were sent. A failure is retried later with backoff, and after MAX_ATTEMPTS the message is `failed`.
 */
export async function deliverDue(ctx: Ctx, batchSize = 20): Promise<number> {
  let sent = 0;
  for (;;) {
    const now = ctx.now();
    const rows = await inTransaction(ctx, (ctx) => repo.leaseDue(ctx.db, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), batchSize));
    if (rows.length === 0) return sent;
    // Past this (wall-clock) moment the lease could run out while a slow provider answers and
    // another worker take the same message: the rest of the batch is given back instead.
    const stopAt = Date.now() + LEASE_MS - LEASE_MARGIN_MS;
    for (const [i, row] of rows.entries()) {
      if (Date.now() > stopAt) {
        await repo.releaseLeases(
          ctx.db,
          rows.slice(i).map((r) => r.id),
        );
        break;
      }
      if (await deliverOne(ctx, row)) sent++;
    }
  }
}
