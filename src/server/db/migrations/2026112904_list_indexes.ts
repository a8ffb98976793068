import type { Kysely } from 'kysely';

/**
 * Indexes that answer a community's lists from the index alone: the tabs (state) and the whole
 * history, each with the org (every staff query names it) and the id (newest first, and the
 * entries a deep page skips), so that neither a count nor a page reads the parcels' rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('parcels_community_status_idx').execute();
  await db.schema.createIndex('parcels_community_status_idx').on('parcels').columns(['community_id', 'status', 'org_id', 'id']).execute();
  await db.schema.createIndex('parcels_community_idx').on('parcels').columns(['community_id', 'org_id', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('parcels_community_idx').execute();
  await db.schema.dropIndex('parcels_community_status_idx').execute();
  await db.schema.createIndex('parcels_community_status_idx').on('parcels').columns(['community_id', 'status', 'id']).execute();
}
