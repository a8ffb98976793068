import { sql } from 'kysely';
import type { Ctx } from '../../context.js';
import type { Executor } from '../../db/index.js';
import { tooManyRequests } from '../../errors.js';

/** At most `limit` hits per `windowMs` for one key, over a sliding window. */
export interface Limit {
  key: string;
  windowMs: number;
  limit: number;
}

/**
 * Hits are counted in buckets of a fifteenth of the window, so that the window slides (a burst
 * across a clock boundary does not get twice the limit) with at most 15 rows a key. The counters
 * live in the database, so that several server processes share them.
 */
const BUCKETS = 15;

function bucketStart(now: Date, l: Limit): number {
  const size = l.windowMs / BUCKETS;
  return Math.floor(now.getTime() / size) * size;
}

/** The buckets still within the window, oldest first. */
async function countsInWindow(db: Executor, now: Date, l: Limit) {
  const since = new Date(now.getTime() - l.windowMs).toISOString();
  const rows = await db
    .selectFrom('rate_counters')
    .select(['window_start', 'count'])
    .where('key', '=', l.key)
    .where('window_start', '>', since)
    .orderBy('window_start')
    .execute();
  return rows;
}

/** Seconds until the hits in the window fall below the limit. */
function retryAfter(now: Date, l: Limit, rows: { window_start: string; count: number }[]): number {
  let total = rows.reduce((a, r) => a + r.count, 0);
  for (const r of rows) {
    total -= r.count;
    if (total < l.limit) return Math.max(1, Math.ceil((Date.parse(r.window_start) + l.windowMs - now.getTime()) / 1000));
  }
  return 1;
}

/** Counts one hit against every limit and refuses (429) when any is exceeded. */
export async function hitLimits(ctx: Ctx, limits: Limit[]): Promise<void> {
  const db = ctx.db;
  const now = ctx.now();
  for (const l of limits) {
    await db
      .insertInto('rate_counters')
      .values({ key: l.key, window_start: new Date(bucketStart(now, l)).toISOString(), count: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql<number>`rate_counters.count + 1` }))
      .execute();
    const rows = await countsInWindow(db, now, l);
    if (rows.reduce((a, r) => a + r.count, 0) > l.limit) throw tooManyRequests(retryAfter(now, l, rows));
  }
}

/** Refuses (429) when any limit is already reached, without counting a hit. */
export async function checkLimits(ctx: Ctx, limits: Limit[]): Promise<void> {
  const now = ctx.now();
  for (const l of limits) {
    const rows = await countsInWindow(ctx.db, now, l);
    if (rows.reduce((a, r) => a + r.count, 0) >= l.limit) throw tooManyRequests(retryAfter(now, l, rows));
  }
}

/** Drops counters of windows long past (the longest window is a day). */
export async function pruneRateCounters(ctx: Ctx): Promise<void> {
  const cutoff = new Date(ctx.now().getTime() - 2 * 86_400_000).toISOString();
  await ctx.db.deleteFrom('rate_counters').where('window_start', '<', cutoff).execute();
}
