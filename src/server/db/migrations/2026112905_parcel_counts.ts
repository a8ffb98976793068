import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/**
 * How many parcels each community holds in each state, kept by triggers in the transaction that
 * changes a parcel: the tabs' counts and the unfiltered lists' totals read a few rows instead of
 * counting millions of index entries (an org's counts took 70 ms at one million parcels).
 * On PostgreSQL each connection adds to its own shard of a counter (its backend pid modulo 16),
 * so that concurrent transactions in one community do not queue on one row lock; readers sum the
 * shards. A parcel's state moves one way (待接收 → 待领取 → 已领取, 待接收 → 已拒收), so a
 * transaction that touches two counters takes them in one order and cannot deadlock on them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('parcel_counts')
    .addColumn('community_id', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('org_id', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('n', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('parcel_counts_pk', ['community_id', 'status', 'shard'])
    .execute();
  await db.schema.createIndex('parcel_counts_org_idx').on('parcel_counts').columns(['org_id', 'community_id']).execute();
  const shard = pg ? 'pg_backend_pid() % 16' : '0';
  const add = (row: 'new' | 'NEW') =>
    sql.raw(`INSERT INTO parcel_counts (community_id, org_id, status, shard, n) VALUES (${row}.community_id, ${row}.org_id, ${row}.status, ${shard}, 1)
      ON CONFLICT (community_id, status, shard) DO UPDATE SET n = parcel_counts.n + 1`);
  const remove = (row: 'old' | 'OLD') =>
    sql.raw(`INSERT INTO parcel_counts (community_id, org_id, status, shard, n) VALUES (${row}.community_id, ${row}.org_id, ${row}.status, ${shard}, -1)
      ON CONFLICT (community_id, status, shard) DO UPDATE SET n = parcel_counts.n - 1`);
  if (pg) {
    await sql`CREATE FUNCTION parcel_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN ${remove('OLD')}; END IF;
        IF TG_OP <> 'DELETE' THEN ${add('NEW')}; END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`CREATE TRIGGER parcels_count_insert_delete AFTER INSERT OR DELETE ON parcels FOR EACH ROW EXECUTE FUNCTION parcel_counts_track()`.execute(db);
    await sql`CREATE TRIGGER parcels_count_update AFTER UPDATE OF status, community_id ON parcels FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.community_id IS DISTINCT FROM NEW.community_id) EXECUTE FUNCTION parcel_counts_track()`.execute(db);
  } else {
    await sql`CREATE TRIGGER parcels_count_insert AFTER INSERT ON parcels BEGIN ${add('new')}; END`.execute(db);
    await sql`CREATE TRIGGER parcels_count_update AFTER UPDATE OF status, community_id ON parcels
      WHEN old.status IS NOT new.status OR old.community_id IS NOT new.community_id
      BEGIN ${remove('old')}; ${add('new')}; END`.execute(db);
    await sql`CREATE TRIGGER parcels_count_delete AFTER DELETE ON parcels BEGIN ${remove('old')}; END`.execute(db);
  }
  await recountParcels(db);
}

/** Counts every community's parcels again (after a bulk load that went around the triggers). */
export async function recountParcels(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM parcel_counts`.execute(db);
  await sql`INSERT INTO parcel_counts (community_id, org_id, status, shard, n)
    SELECT community_id, org_id, status, 0, count(*) FROM parcels GROUP BY community_id, org_id, status`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP TRIGGER parcels_count_update ON parcels`.execute(db);
    await sql`DROP TRIGGER parcels_count_insert_delete ON parcels`.execute(db);
    await sql`DROP FUNCTION parcel_counts_track()`.execute(db);
  } else {
    for (const t of ['insert', 'update', 'delete']) await sql`DROP TRIGGER ${sql.raw(`parcels_count_${t}`)}`.execute(db);
  }
  await db.schema.dropTable('parcel_counts').execute();
}
