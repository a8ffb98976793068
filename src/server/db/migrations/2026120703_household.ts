import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Household and proxies (SPEC §15): the phones a resident authorizes to see and collect their
 * parcels (by the resident's phone: residents belong to no one org), and who collected a parcel
 * (`self`, `proxy` or `delivery`, and the collector's phone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = db.schema.createTable('household_members');
  await (isPostgres(db) ? t.addColumn('id', 'bigserial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('owner_phone', 'text', (c) => c.notNull())
    .addColumn('member_phone', 'text', (c) => c.notNull())
    .addColumn('member_name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('household_members_uq', ['owner_phone', 'member_phone'])
    .execute();
  // Whose parcels a phone may collect: looked up by the member.
  await db.schema.createIndex('household_members_member_idx').on('household_members').columns(['member_phone', 'owner_phone']).execute();
  await db.schema.alterTable('parcels').addColumn('picked_up_relation', 'text').execute();
  await db.schema.alterTable('parcels').addColumn('picked_up_phone', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('parcels').dropColumn('picked_up_phone').execute();
  await db.schema.alterTable('parcels').dropColumn('picked_up_relation').execute();
  await db.schema.dropTable('household_members').execute();
}
