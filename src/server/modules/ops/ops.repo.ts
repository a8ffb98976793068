import type { Executor } from '../../db/index.js';

/** Messages waiting to be sent, and when the oldest of them was queued. */
export async function outboxBacklog(db: Executor): Promise<{ queued: number; oldestAt: string | null }> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number>().as('queued'), eb.fn.min('created_at').as('oldestAt')])
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return { queued: Number(row?.queued ?? 0), oldestAt: row?.oldestAt ?? null };
}

/** One cheap read: whether the database answers. */
export async function ping(db: Executor): Promise<void> {
  await db.selectFrom('orgs').select('id').limit(1).execute();
}
