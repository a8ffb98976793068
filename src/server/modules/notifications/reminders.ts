// 催取: once a day, from a configured hour (Asia/Shanghai), residents whose parcels have waited
// at the desk for more than 24 hours get one reminder per community, switchable per community.
// Every process may run it, any number of times a day: the outbox's unique dedupe key
// `remind:<community>:<phone>:<day>` keeps it to one reminder per resident, community and day.
import type { Insertable } from 'kysely';
import type { Ctx } from '../../context.js';
import type { OutboxTable } from '../../db/types.js';
import { DAY_MS } from '../../../shared/constants.js';
import { shanghaiDayHour } from '../../../shared/time.js';
import * as repo from './notifications.repo.js';
import { channelsFor } from './notifications.service.js';
import type { ReminderParams } from './templates.js';

/** No reminder SMS at night, even when the server was down at the hour and starts late. */
const LAST_HOUR = 21;
const INSERT_CHUNK = 200;

/**
 * Queues today's reminders when it is time (from `hour` until 21:00 Shanghai time); returns how
 * many were queued now (0 when all were queued already).
 */
export async function queueReminders(ctx: Ctx, hour: number): Promise<number> {
  const now = ctx.now();
  const { day, hour: current } = shanghaiDayHour(now);
  if (current < hour || current >= LAST_HOUR) return 0;
  const cutoff = new Date(now.getTime() - DAY_MS).toISOString();
  const nowIso = now.toISOString();
  let queued = 0;
  for (const community of await repo.remindableCommunities(ctx.db)) {
    const parcels = await repo.overdueParcels(ctx.db, community.id, cutoff);
    const byPhone = new Map<string, { codes: string[]; feeRateFen: number }>();
    for (const p of parcels) {
      const g = byPhone.get(p.recipient_phone) ?? { codes: [], feeRateFen: 0 };
      if (p.pickup_code) g.codes.push(p.pickup_code);
      g.feeRateFen = Math.max(g.feeRateFen, p.fee_rate_fen ?? 0);
      byPhone.set(p.recipient_phone, g);
    }
    const phones = [...byPhone.keys()];
    for (let i = 0; i < phones.length; i += INSERT_CHUNK) {
      const chunk = phones.slice(i, i + INSERT_CHUNK);
      const bound = await repo.boundPhones(ctx.db, chunk);
      const rows: Insertable<OutboxTable>[] = chunk.map((phone) => {
        const g = byPhone.get(phone) as { codes: string[]; feeRateFen: number };
        const params: ReminderParams = {
          community: community.name,
          collectionPoint: community.collection_point_name,
          pickupCodes: g.codes,
          feeRateFen: g.feeRateFen,
        };
        const [channel = 'sms'] = channelsFor('pickup_reminder', bound.has(phone));
        return {
          org_id: community.org_id,
          parcel_id: null,
          event_id: null,
          kind: 'pickup_reminder',
          channel,
          recipient: phone,
          params: JSON.stringify(params),
          status: 'queued',
          attempts: 0,
          next_attempt_at: nowIso,
          created_at: nowIso,
          dedupe_key: `remind:${community.id}:${phone}:${day}`,
        };
      });
      queued += await repo.insertOutboxOnce(ctx.db, rows);
    }
  }
  if (queued > 0) ctx.outboxKick();
  return queued;
}

/** Runs the reminder check every few minutes (cheap when there is nothing to do). */
export function startReminders(ctx: Ctx, hour: number, intervalMs = 5 * 60_000): () => void {
  const run = () =>
    void queueReminders(ctx, hour).then(
      (n) => n > 0 && ctx.log.info({ reminders: n }, 'overdue reminders queued'),
      (err: unknown) => ctx.log.warn({ err }, 'reminders failed'),
    );
  const timer = setInterval(run, intervalMs);
  timer.unref();
  run();
  return () => clearInterval(timer);
}
