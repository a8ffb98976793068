import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { dropAppendOnly, makeAppendOnly, tableWithId } from './shared.js';

/**
 * Consent and delivery preference (SPEC §19): per community and resident phone (residents belong
 * to no one org) how they want parcels — 代收 at the desk (`collect`, with the consent's time),
 * 送货上门 (`door`) or another way (`other`), optionally per carrier — and every change of it,
 * append-only (a trigger on each engine) with the whole state after it, so that the consent behind any held parcel can be shown:
 * the change standing at the parcel's reception. Per org a salt, given to API keys of scope
 * `preferences:read`, that carriers hash a phone with (`phone_hash` is SHA-256 of salt + phone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = isPostgres(db) ? 'bigint' : 'integer';
  const table = (name: string) => tableWithId(db, name);
  await db.schema.alterTable('orgs').addColumn('phone_salt', 'text').execute();
  await table('preferences')
    .addColumn('org_id', id, (c) => c.notNull())
    .addColumn('community_id', id, (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('carriers', 'text', (c) => c.notNull())
    .addColumn('carrier_consent', 'text', (c) => c.notNull())
    .addColumn('consent_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('preferences_uq', ['org_id', 'community_id', 'phone'])
    .execute();
  await db.schema.createIndex('preferences_phone_idx').on('preferences').columns(['phone', 'community_id']).execute();
  await db.schema.createIndex('preferences_hash_idx').on('preferences').columns(['org_id', 'phone_hash']).execute();
  await table('preference_changes')
    .addColumn('org_id', id, (c) => c.notNull())
    .addColumn('community_id', id, (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('from_mode', 'text')
    .addColumn('from_carriers', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('carriers', 'text', (c) => c.notNull())
    .addColumn('carrier_consent', 'text', (c) => c.notNull())
    .addColumn('consent_at', 'text')
    .addColumn('by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('preference_changes_idx').on('preference_changes').columns(['org_id', 'community_id', 'phone', 'at']).execute();
  await makeAppendOnly(db, 'preference_changes');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropAppendOnly(db, 'preference_changes');
  await db.schema.dropTable('preferences').execute();
  await db.schema.alterTable('orgs').dropColumn('phone_salt').execute();
}
