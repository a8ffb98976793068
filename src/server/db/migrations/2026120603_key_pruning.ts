import type { Kysely } from 'kysely';

/**
 * Housekeeping drops idempotency keys after 48 hours (a client retries within minutes, a courier's
 * outbox within a day or so): an index on their time, so that the hourly delete reads only what it drops.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
  await db.schema.createIndex('desk_idempotency_keys_created_idx').on('desk_idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('desk_idempotency_keys_created_idx').execute();
  await db.schema.dropIndex('idempotency_keys_created_idx').execute();
}
