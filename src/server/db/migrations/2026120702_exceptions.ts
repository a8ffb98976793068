import type { Kysely } from 'kysely';

/**
 * 问题件 and 退回 (SPEC §15): a parcel's exception (kind, note, when), its return to the courier
 * (when, why, when the courier took it back), and when the stale notices went out (each once);
 * per community the days after which a waiting parcel is stale (0: never).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'exception_kind',
    'exception_note',
    'exception_at',
    'returned_at',
    'return_reason',
    'taken_back_at',
    'stale_notified_at',
    'due_back_notified_at',
  ]) {
    await db.schema.alterTable('parcels').addColumn(column, 'text').execute();
  }
  await db.schema
    .alterTable('communities')
    .addColumn('return_after_days', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('communities').dropColumn('return_after_days').execute();
  for (const column of [
    'due_back_notified_at',
    'stale_notified_at',
    'taken_back_at',
    'return_reason',
    'returned_at',
    'exception_at',
    'exception_note',
    'exception_kind',
  ]) {
    await db.schema.alterTable('parcels').dropColumn(column).execute();
  }
}
