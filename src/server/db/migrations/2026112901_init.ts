import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

type Table = CreateTableBuilder<string, never>;

/** The first schema: tenants, people, parcels with their history, the outbox and the security tables. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  // An auto-increment key: INTEGER PRIMARY KEY on SQLite (the rowid), bigserial on PostgreSQL.
  const id = (t: Table): Table =>
    pg ? t.addColumn('id', 'bigserial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const ref =
    (table: string, onDelete: 'cascade' | 'set null' | 'no action' = 'no action') =>
    (c: ColumnDefinitionBuilder) =>
      c.references(`${table}.id`).onDelete(onDelete);
  const refType = pg ? 'bigint' : 'integer';

  await id(db.schema.createTable('orgs'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('app_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await id(db.schema.createTable('communities'))
    .addColumn('org_id', refType, (c) => ref('orgs')(c).notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('collection_point_name', 'text', (c) => c.notNull())
    .addColumn('fee_rate_fen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('communities_org_name_uq', ['org_id', 'name'])
    .execute();

  await id(db.schema.createTable('staff'))
    .addColumn('org_id', refType, (c) => ref('orgs')(c).notNull())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_org_idx').on('staff').column('org_id').execute();

  await db.schema
    .createTable('staff_communities')
    .addColumn('staff_id', refType, (c) => ref('staff', 'cascade')(c).notNull())
    .addColumn('community_id', refType, (c) => ref('communities', 'cascade')(c).notNull())
    .addPrimaryKeyConstraint('staff_communities_pk', ['staff_id', 'community_id'])
    .execute();

  await id(db.schema.createTable('courier_accounts'))
    .addColumn('phone', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('staff_id', refType, (c) => ref('staff', 'cascade')(c))
    .addColumn('courier_account_id', refType, (c) => ref('courier_accounts', 'cascade')(c))
    .addColumn('phone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_staff_idx').on('sessions').column('staff_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await id(db.schema.createTable('couriers'))
    .addColumn('org_id', refType, (c) => ref('orgs')(c).notNull())
    .addColumn('community_id', refType, (c) => ref('communities')(c).notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('couriers_community_phone_uq', ['community_id', 'phone'])
    .execute();
  await db.schema.createIndex('couriers_org_idx').on('couriers').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('couriers_phone_idx').on('couriers').column('phone').execute();

  await id(db.schema.createTable('residents'))
    .addColumn('org_id', refType, (c) => ref('orgs')(c).notNull())
    .addColumn('community_id', refType, (c) => ref('communities')(c).notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('building', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('room', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('residents_home_uq', ['community_id', 'phone', 'building', 'unit', 'room'])
    .execute();
  await db.schema.createIndex('residents_org_idx').on('residents').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('residents_phone_idx').on('residents').columns(['phone', 'community_id']).execute();

  await id(db.schema.createTable('parcels'))
    .addColumn('org_id', refType, (c) => ref('orgs')(c).notNull())
    .addColumn('community_id', refType, (c) => ref('communities')(c).notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('tracking_no', 'text', (c) => c.notNull())
    .addColumn('courier_id', refType, (c) => ref('couriers', 'set null')(c))
    .addColumn('courier_account_id', refType, (c) => ref('courier_accounts', 'set null')(c))
    .addColumn('courier_name', 'text', (c) => c.notNull())
    .addColumn('courier_phone', 'text', (c) => c.notNull())
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_phone', 'text', (c) => c.notNull())
    .addColumn('resident_id', refType, (c) => ref('residents', 'set null')(c))
    .addColumn('address', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('damaged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text')
    .addColumn('received_by', refType)
    .addColumn('picked_up_at', 'text')
    .addColumn('picked_up_by', refType)
    .addColumn('rejected_at', 'text')
    .addColumn('rejected_by', refType)
    .addColumn('reject_reason', 'text')
    .addColumn('pickup_code', 'text')
    .addColumn('fee_rate_fen', 'integer')
    .addColumn('fee_waived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fee_waived_at', 'text')
    .addColumn('fee_waived_by', refType)
    .addColumn('fee_charged_fen', 'integer')
    .execute();
  // A pickup code is unique among the parcels awaiting pickup in a community, even under concurrent receipts.
  await db.schema
    .createIndex('parcels_awaiting_pickup_code_uq')
    .on('parcels')
    .columns(['community_id', 'pickup_code'])
    .unique()
    .where(sql.ref('status'), '=', 'awaiting_pickup')
    .execute();
  // A tracking number is entered once while it is open (pending or awaiting) in a community.
  await db.schema
    .createIndex('parcels_open_tracking_no_uq')
    .on('parcels')
    .columns(['community_id', 'tracking_no'])
    .unique()
    .where(sql.ref('status'), 'in', ['pending_receipt', 'awaiting_pickup'])
    .execute();
  await db.schema.createIndex('parcels_org_status_idx').on('parcels').columns(['org_id', 'status', 'id']).execute();
  await db.schema.createIndex('parcels_org_id_idx').on('parcels').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('parcels_community_status_idx').on('parcels').columns(['community_id', 'status', 'id']).execute();
  await db.schema.createIndex('parcels_recipient_idx').on('parcels').columns(['recipient_phone', 'id']).execute();
  await db.schema.createIndex('parcels_courier_account_idx').on('parcels').columns(['courier_account_id', 'id']).execute();
  await db.schema.createIndex('parcels_tracking_idx').on('parcels').column('tracking_no').execute();

  await id(db.schema.createTable('parcel_events'))
    .addColumn('parcel_id', refType, (c) => ref('parcels', 'cascade')(c).notNull())
    .addColumn('org_id', refType, (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', refType)
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('parcel_events_parcel_idx').on('parcel_events').columns(['parcel_id', 'id']).execute();

  await id(db.schema.createTable('outbox'))
    .addColumn('org_id', refType, (c) => c.notNull())
    .addColumn('parcel_id', refType)
    .addColumn('event_id', refType)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('outbox_event_channel_uq', ['event_id', 'channel'])
    .execute();
  await db.schema.createIndex('outbox_due_idx').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_org_idx').on('outbox').columns(['org_id', 'id']).execute();

  await id(db.schema.createTable('dev_messages'))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dev_messages_recipient_idx').on('dev_messages').columns(['recipient', 'id']).execute();

  await id(db.schema.createTable('otp_codes'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('wrong_tries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.createIndex('otp_codes_phone_idx').on('otp_codes').columns(['phone', 'purpose', 'id']).execute();

  await db.schema
    .createTable('rate_counters')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_counters_pk', ['key', 'window_start'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('courier_account_id', refType, (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['courier_account_id', 'key'])
    .execute();
}

/** Drops everything `up` made, children first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'idempotency_keys',
    'rate_counters',
    'otp_codes',
    'dev_messages',
    'outbox',
    'parcel_events',
    'parcels',
    'residents',
    'couriers',
    'sessions',
    'courier_accounts',
    'staff_communities',
    'staff',
    'communities',
    'orgs',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
