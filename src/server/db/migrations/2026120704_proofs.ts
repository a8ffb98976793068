import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Proof of pickup (SPEC §15): a photo (webcam) or the resident's signature, kept in the database
 * with the parcel (so backups hold it), checked by its bytes; per community whether pickup needs one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  const t = db.schema.createTable('parcel_proofs');
  await (pg ? t.addColumn('id', 'bigserial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('org_id', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('parcel_id', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('created_by', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('parcel_proofs_parcel_idx').on('parcel_proofs').columns(['org_id', 'parcel_id', 'id']).execute();
  await db.schema
    .alterTable('parcels')
    .addColumn('has_proof', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('communities')
    .addColumn('proof_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('communities').dropColumn('proof_required').execute();
  await db.schema.alterTable('parcels').dropColumn('has_proof').execute();
  await db.schema.dropTable('parcel_proofs').execute();
}
