import type { Ctx } from './context.js';
import { pruneSessions } from './modules/auth/auth.sessions.js';
import { pruneRateCounters } from './modules/auth/rate-limit.js';
import { pruneEntryKeys } from './modules/parcels/parcels.intake.js';
import { pruneShelfSerials } from './modules/shelves/shelves.service.js';
import { pruneDeskKeys } from './modules/station/station.service.js';
import { purgePreAdvice } from './modules/integrations/integrations.service.js';
import { pruneDeliveries } from './modules/webhooks/webhooks.service.js';
import { queueStaleNotices } from './modules/exceptions/exceptions.service.js';
import { shanghaiDayHour } from '../shared/time.js';

/**
 * The hourly clean-up: expired sessions, spent sign-in codes, rate counters of windows long past,
 * idempotency keys older than 48 hours, shelf-label counters of days more than a week past,
 * carriers' pre-advice older than 30 days, finished webhook deliveries older than 30 days; and,
 * in the daytime (08:00-21:00 Shanghai: no SMS at night), the notices of parcels turned stale.
 */
export async function housekeep(ctx: Ctx): Promise<void> {
  await pruneSessions(ctx);
  await pruneRateCounters(ctx);
  await pruneEntryKeys(ctx);
  await pruneDeskKeys(ctx);
  await pruneShelfSerials(ctx);
  await purgePreAdvice(ctx);
  await pruneDeliveries(ctx);
  const { hour } = shanghaiDayHour(ctx.now());
  if (hour >= 8 && hour < 21) {
    const n = await queueStaleNotices(ctx);
    if (n > 0) ctx.log.info({ staleNotices: n }, 'stale parcel notices queued');
  }
}

/** Runs housekeep now and then every interval; answers the function that stops it. */
export function startHousekeeping(ctx: Ctx, intervalMs = 3_600_000): () => void {
  const run = async () => {
    try {
      await housekeep(ctx);
    } catch (err) {
      ctx.log.warn({ err }, 'housekeeping failed');
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
