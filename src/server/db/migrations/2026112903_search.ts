import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * Substring search over recipient phone, tracking number and recipient name without reading every
 * parcel: a trigram index, FTS5's `trigram` tokenizer on SQLite (a contentless table kept by
 * triggers) and pg_trgm's GIN index on PostgreSQL. Names are indexed with two spaces either side,
 * so that one or two characters, too short for a trigram, still find the names they begin or end
 * with (a surname, a given name). See `parcelSearch` in db/search.ts for the queries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    await sql`CREATE INDEX parcels_search_trgm_idx ON parcels USING gin ((recipient_phone || '|' || tracking_no || '|  ' || recipient_name || '  ') gin_trgm_ops)`.execute(
      db,
    );
    return;
  }
  await sql`CREATE VIRTUAL TABLE parcel_search USING fts5(phone, tracking_no, name, content='', contentless_delete=1, tokenize='trigram')`.execute(db);
  await indexParcelsForSearch(db, 0);
  await sql`CREATE TRIGGER parcels_search_insert AFTER INSERT ON parcels BEGIN
    INSERT INTO parcel_search (rowid, phone, tracking_no, name) VALUES (new.id, new.recipient_phone, new.tracking_no, '  ' || new.recipient_name || '  ');
  END`.execute(db);
  await sql`CREATE TRIGGER parcels_search_update AFTER UPDATE OF recipient_phone, tracking_no, recipient_name ON parcels BEGIN
    DELETE FROM parcel_search WHERE rowid = old.id;
    INSERT INTO parcel_search (rowid, phone, tracking_no, name) VALUES (new.id, new.recipient_phone, new.tracking_no, '  ' || new.recipient_name || '  ');
  END`.execute(db);
  await sql`CREATE TRIGGER parcels_search_delete AFTER DELETE ON parcels BEGIN
    DELETE FROM parcel_search WHERE rowid = old.id;
  END`.execute(db);
}

/** Adds the parcels after `afterId` to SQLite's search table (what the triggers do row by row). */
export async function indexParcelsForSearch(db: Kysely<unknown>, afterId: number): Promise<void> {
  await sql`INSERT INTO parcel_search (rowid, phone, tracking_no, name)
    SELECT id, recipient_phone, tracking_no, '  ' || recipient_name || '  ' FROM parcels WHERE id > ${afterId}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP INDEX parcels_search_trgm_idx`.execute(db);
    return;
  }
  for (const t of ['insert', 'update', 'delete']) await sql`DROP TRIGGER ${sql.raw(`parcels_search_${t}`)}`.execute(db);
  await sql`DROP TABLE parcel_search`.execute(db);
}
