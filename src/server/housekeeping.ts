import type { Ctx } from './context.js';
import { pruneSessions } from './modules/auth/auth.service.js';
import { pruneRateCounters } from './modules/auth/rate-limit.js';

/** Hourly clean-up: expired sessions, spent sign-in codes, rate counters of windows long past. */
export function startHousekeeping(ctx: Ctx, intervalMs = 3_600_000): () => void {
  const run = async () => {
    try {
      await pruneSessions(ctx);
      await pruneRateCounters(ctx);
    } catch (err) {
      ctx.log.warn({ err }, 'housekeeping failed');
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
