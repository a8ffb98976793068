import { sql, type Kysely } from 'kysely';

/**
 * Real notification delivery: WeChat openids bound to phones, a de-duplication key on the outbox
 * (one reminder per recipient and day, even from several processes), a per-community switch for
 * overdue reminders, and the index the SMS caps count with.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wechat_bindings')
    .addColumn('phone', 'text', (c) => c.primaryKey())
    .addColumn('openid', 'text', (c) => c.notNull())
    .addColumn('bound_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wechat_bindings_openid_idx').on('wechat_bindings').column('openid').execute();

  await db.schema.alterTable('outbox').addColumn('dedupe_key', 'text').execute();
  await db.schema.createIndex('outbox_dedupe_uq').on('outbox').column('dedupe_key').unique().execute();
  // SMS caps count what went to one phone lately.
  await db.schema.createIndex('outbox_recipient_sent_idx').on('outbox').columns(['recipient', 'channel', 'sent_at']).execute();

  await db.schema
    .alterTable('communities')
    .addColumn('reminders_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The daily reminder looks for parcels awaiting pickup since before a moment, per community.
  await db.schema
    .createIndex('parcels_awaiting_received_idx')
    .on('parcels')
    .columns(['community_id', 'received_at'])
    .where(sql.ref('status'), '=', 'awaiting_pickup')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('parcels_awaiting_received_idx').execute();
  await db.schema.alterTable('communities').dropColumn('reminders_enabled').execute();
  await db.schema.dropIndex('outbox_recipient_sent_idx').execute();
  await db.schema.dropIndex('outbox_dedupe_uq').execute();
  await db.schema.alterTable('outbox').dropColumn('dedupe_key').execute();
  await db.schema.dropTable('wechat_bindings').execute();
}
