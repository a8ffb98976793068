// The indexes step: the secondary indexes of residents and parcels dropped for the bulk insert and
// built again afterwards from their own stored definitions (with, on SQLite, the search table's
// triggers and the new parcels' search rows), and the planner's statistics at the end.
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../src/server/db/index.js';
import { indexParcelsForSearch } from '../../src/server/db/migrations/2026112903_search.js';
import type { BulkTarget } from './bulk.js';

/** What was dropped, until it is built again. */
export interface DeferredIndexes {
  /** Something was dropped and is not back yet. */
  readonly pending: boolean;
  /** Indexes the parcels after `maxParcelBefore` for search (SQLite, when its triggers were dropped), then builds everything dropped again. */
  rebuild(): Promise<void>;
}

/**
 * Index definitions as the database stores them (so they come back exactly as the migrations
 * made them, partial unique ones included), dropped now (when `defer`) and built again after the
 * parcels. On SQLite the search table's triggers go too: the new parcels are indexed for search in
 * one statement, before the triggers come back. Constraint indexes (primary keys, UNIQUE constraints) stay.
 */
export async function dropSecondaryIndexes(db: Db, target: BulkTarget, maxParcelBefore: number, defer: boolean): Promise<DeferredIndexes> {
  const { raw, pgQuery } = target;
  let dropped: { type: string; name: string; ddl: string }[] = [];
  const deferred: DeferredIndexes = {
    get pending() {
      return dropped.length > 0;
    },
    async rebuild() {
      if (raw && dropped.some((x) => x.type === 'trigger')) await indexParcelsForSearch(db as Kysely<unknown>, maxParcelBefore);
      for (const ix of dropped) {
        if (raw) raw.exec(ix.ddl);
        else await pgQuery?.(ix.ddl, []);
      }
      dropped = [];
    },
  };
  if (defer) {
    if (raw) {
      dropped = raw
        .prepare(
          "SELECT type, name, sql AS ddl FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ('parcels', 'residents') AND sql IS NOT NULL",
        )
        .all() as { type: string; name: string; ddl: string }[];
      for (const ix of dropped) raw.exec(`DROP ${ix.type === 'trigger' ? 'TRIGGER' : 'INDEX'} "${ix.name}"`);
    } else if (pgQuery) {
      const res = await pgQuery(
        `SELECT i.indexname AS name, i.indexdef AS ddl FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename IN ('parcels', 'residents')
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
        [],
      );
      dropped = (res.rows as { name: string; ddl: string }[]).map((r) => ({ type: 'index', ...r }));
      for (const ix of dropped) await pgQuery(`DROP INDEX "${ix.name}"`, []);
    }
  }
  return deferred;
}

/** The planner's statistics; on PostgreSQL VACUUM too, as autovacuum would in time: index-only scans need the visibility map. */
export async function analyze(db: Db, target: BulkTarget): Promise<void> {
  if (target.raw) target.raw.exec('ANALYZE');
  else await sql`VACUUM ANALYZE`.execute(db);
}
