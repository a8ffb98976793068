import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { tableWithId } from './shared.js';

/**
 * Resident services and payment (SPEC §16): payments (WeChat Pay or the console provider) for the
 * custody fee, 送货上门 and 代寄; door-delivery requests with their parcels; sending orders; per
 * community the door-delivery price per parcel (0: not offered) and hours; per parcel the custody
 * fee paid online (the fee stops there).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  const id = pg ? 'bigint' : 'integer';
  const table = (name: string) => tableWithId(db, name);

  await table('payments')
    .addColumn('org_id', id, (c) => c.notNull())
    .addColumn('community_id', id, (c) => c.notNull())
    .addColumn('payer_phone', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('ref_id', id, (c) => c.notNull())
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull().unique())
    .addColumn('transaction_id', 'text')
    .addColumn('pay_params', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('paid_day', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('refund_no', 'text')
    .addColumn('refund_status', 'text')
    .addColumn('refunded_at', 'text')
    .addColumn('queried_at', 'text')
    .execute();
  // A thing's payments (the one open, the one paid); the sweep of open ones; service income by day.
  await db.schema.createIndex('payments_ref_idx').on('payments').columns(['purpose', 'ref_id', 'id']).execute();
  await db.schema.createIndex('payments_open_idx').on('payments').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('payments_income_idx').on('payments').columns(['org_id', 'paid_day', 'community_id']).execute();

  await table('deliveries')
    .addColumn('org_id', id, (c) => c.notNull())
    .addColumn('community_id', id, (c) => c.notNull())
    .addColumn('resident_phone', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('price_fen', 'integer', (c) => c.notNull())
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('runner_id', id)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('dispatched_at', 'text')
    .addColumn('dispatched_by', id)
    .addColumn('delivered_at', 'text')
    .addColumn('delivered_by', id)
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema.createIndex('deliveries_org_idx').on('deliveries').columns(['org_id', 'community_id', 'status', 'id']).execute();
  await db.schema.createIndex('deliveries_resident_idx').on('deliveries').columns(['resident_phone', 'id']).execute();
  await db.schema
    .createTable('delivery_parcels')
    .addColumn('org_id', id, (c) => c.notNull())
    .addColumn('delivery_id', id, (c) => c.notNull())
    .addColumn('parcel_id', id, (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_parcels_pk', ['org_id', 'delivery_id', 'parcel_id'])
    .execute();
  await db.schema.createIndex('delivery_parcels_parcel_idx').on('delivery_parcels').columns(['org_id', 'parcel_id', 'delivery_id']).execute();

  await table('shipments')
    .addColumn('org_id', id, (c) => c.notNull())
    .addColumn('community_id', id, (c) => c.notNull())
    .addColumn('sender_phone', 'text', (c) => c.notNull())
    .addColumn('receiver_name', 'text', (c) => c.notNull())
    .addColumn('receiver_phone', 'text', (c) => c.notNull())
    .addColumn('receiver_address', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('carrier_wish', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('weight_grams', 'integer')
    .addColumn('price_fen', 'integer')
    .addColumn('tracking_no', 'text')
    .addColumn('courier_id', id)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('quoted_at', 'text')
    .addColumn('quoted_by', id)
    .addColumn('paid_at', 'text')
    .addColumn('handed_over_at', 'text')
    .addColumn('handed_over_by', id)
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema.createIndex('shipments_org_idx').on('shipments').columns(['org_id', 'community_id', 'status', 'id']).execute();
  await db.schema.createIndex('shipments_sender_idx').on('shipments').columns(['sender_phone', 'id']).execute();

  await db.schema
    .alterTable('communities')
    .addColumn('door_delivery_fen', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('communities')
    .addColumn('door_delivery_hours', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('parcels').addColumn('fee_paid_fen', 'integer').execute();
  await db.schema.alterTable('parcels').addColumn('fee_paid_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('parcels').dropColumn('fee_paid_at').execute();
  await db.schema.alterTable('parcels').dropColumn('fee_paid_fen').execute();
  await db.schema.alterTable('communities').dropColumn('door_delivery_hours').execute();
  await db.schema.alterTable('communities').dropColumn('door_delivery_fen').execute();
  for (const t of ['shipments', 'delivery_parcels', 'deliveries', 'payments']) await db.schema.dropTable(t).execute();
}
