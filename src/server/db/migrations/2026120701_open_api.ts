import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * The open API and webhooks (SPEC §17): API keys (only a SHA-256 of each is kept, with a prefix
 * to recognise it by), carriers' pre-advice (one row per community and tracking number, purged
 * after 30 days), webhook subscriptions and their deliveries (the webhooks' outbox, written in
 * the unit of work of the parcel's move), and every attempt of a delivery.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  const refType = pg ? 'bigint' : 'integer';
  const withId = (name: string) => {
    const t = db.schema.createTable(name);
    return pg ? t.addColumn('id', 'bigserial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };

  await withId('api_keys')
    .addColumn('org_id', refType, (c) => c.references('orgs.id').notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', refType, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_org_idx').on('api_keys').column('org_id').execute();

  await withId('pre_advice')
    .addColumn('org_id', refType, (c) => c.references('orgs.id').notNull())
    .addColumn('community_id', refType, (c) => c.references('communities.id').notNull())
    .addColumn('tracking_no', 'text', (c) => c.notNull())
    .addColumn('recipient_phone', 'text', (c) => c.notNull())
    .addColumn('recipient_name', 'text')
    .addColumn('carrier', 'text')
    .addColumn('api_key_id', refType, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pre_advice_community_tracking_uq', ['community_id', 'tracking_no'])
    .execute();
  await db.schema.createIndex('pre_advice_updated_idx').on('pre_advice').column('updated_at').execute();

  await withId('webhooks')
    .addColumn('org_id', refType, (c) => c.references('orgs.id').notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('api_key_id', refType)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_org_idx').on('webhooks').column('org_id').execute();

  await withId('webhook_deliveries')
    .addColumn('org_id', refType, (c) => c.notNull())
    .addColumn('webhook_id', refType, (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addUniqueConstraint('webhook_deliveries_event_uq', ['webhook_id', 'event_id'])
    .execute();
  // The worker's due scan, and a webhook's deliveries newest first.
  await db.schema
    .createIndex('webhook_deliveries_due_idx')
    .on('webhook_deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', 'queued')
    .execute();
  await db.schema.createIndex('webhook_deliveries_webhook_idx').on('webhook_deliveries').columns(['webhook_id', 'id']).execute();
  await db.schema.createIndex('webhook_deliveries_created_idx').on('webhook_deliveries').column('created_at').execute();

  await withId('webhook_attempts')
    .addColumn('org_id', refType, (c) => c.notNull())
    .addColumn('delivery_id', refType, (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery_idx').on('webhook_attempts').columns(['delivery_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['webhook_attempts', 'webhook_deliveries', 'webhooks', 'pre_advice', 'api_keys']) await db.schema.dropTable(t).execute();
}
