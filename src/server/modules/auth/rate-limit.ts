import { sql } from 'kysely';
import type { Ctx, Executor } from '../../context.js';
import { tooManyRequests } from '../../errors.js';

/** A fixed-window limit: at most `limit` hits per `windowMs` for one key. */
export interface Limit {
  key: string;
  windowMs: number;
  limit: number;
}

function windowStart(now: Date, windowMs: number): string {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
}

/**
 * Counts one hit against every limit and refuses (429) when any is exceeded. The counters live
 * in the database, so that several server processes share them; the upsert is atomic on both dialects.
 */
export async function hitLimits(ctx: Ctx, limits: Limit[], db: Executor = ctx.db): Promise<void> {
  const now = ctx.now();
  for (const l of limits) {
    const start = windowStart(now, l.windowMs);
    const row = await db
      .insertInto('rate_counters')
      .values({ key: l.key, window_start: start, count: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql<number>`rate_counters.count + 1` }))
      .returning('count')
      .executeTakeFirstOrThrow();
    if (row.count > l.limit) throw tooManyRequests(retryAfter(now, start, l.windowMs));
  }
}

/** Refuses (429) when any limit is already reached, without counting a hit. */
export async function checkLimits(ctx: Ctx, limits: Limit[]): Promise<void> {
  const now = ctx.now();
  for (const l of limits) {
    const start = windowStart(now, l.windowMs);
    const row = await ctx.db
      .selectFrom('rate_counters')
      .select('count')
      .where('key', '=', l.key)
      .where('window_start', '=', start)
      .executeTakeFirst();
    if (row && row.count >= l.limit) throw tooManyRequests(retryAfter(now, start, l.windowMs));
  }
}

/** Drops counters of windows long past. */
export async function pruneRateCounters(ctx: Ctx): Promise<void> {
  const cutoff = new Date(ctx.now().getTime() - 2 * 86_400_000).toISOString();
  await ctx.db.deleteFrom('rate_counters').where('window_start', '<', cutoff).execute();
}

function retryAfter(now: Date, start: string, windowMs: number): number {
  return Math.max(1, Math.ceil((Date.parse(start) + windowMs - now.getTime()) / 1000));
}
