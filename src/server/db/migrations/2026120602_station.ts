import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Station mode (SPEC §14): shelves per community, a parcel's place on one (`shelf_label`
 * `A-3-0127`, unique among the community's parcels awaiting pickup), where a parcel came in
 * (`source`: the courier's app or the desk), a serial counter per community and day for the
 * labels, and the idempotency keys of desk intakes (per staff member).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  const refType = pg ? 'bigint' : 'integer';
  const table = db.schema.createTable('shelves');
  await (pg ? table.addColumn('id', 'bigserial', (c) => c.primaryKey()) : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('org_id', refType, (c) => c.references('orgs.id').notNull())
    .addColumn('community_id', refType, (c) => c.references('communities.id').notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('layers', 'integer', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('shelves_community_code_uq', ['community_id', 'code'])
    .execute();

  await db.schema
    .alterTable('parcels')
    .addColumn('shelf_id', refType, (c) => c.references('shelves.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('parcels').addColumn('shelf_layer', 'integer').execute();
  await db.schema.alterTable('parcels').addColumn('shelf_label', 'text').execute();
  await db.schema
    .alterTable('parcels')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('courier'))
    .execute();
  // A label names one waiting parcel of its community (checkout by label); labels of a past day
  // may come round again once their parcels are gone.
  await db.schema
    .createIndex('parcels_awaiting_shelf_label_uq')
    .on('parcels')
    .columns(['community_id', 'shelf_label'])
    .unique()
    .where(sql.ref('status'), '=', 'awaiting_pickup')
    .execute();
  // A shelf's occupancy, by layer: the parcels awaiting pickup on it.
  await db.schema.createIndex('parcels_shelf_idx').on('parcels').columns(['shelf_id', 'status', 'shelf_layer']).execute();

  await db.schema
    .createTable('shelf_serials')
    .addColumn('community_id', refType, (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('shelf_serials_pk', ['community_id', 'day'])
    .execute();

  await db.schema
    .createTable('desk_idempotency_keys')
    .addColumn('staff_id', refType, (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('desk_idempotency_keys_pk', ['staff_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('desk_idempotency_keys').execute();
  await db.schema.dropTable('shelf_serials').execute();
  await db.schema.dropIndex('parcels_shelf_idx').execute();
  await db.schema.dropIndex('parcels_awaiting_shelf_label_uq').execute();
  for (const column of ['source', 'shelf_label', 'shelf_layer', 'shelf_id']) await db.schema.alterTable('parcels').dropColumn(column).execute();
  await db.schema.dropTable('shelves').execute();
}
