// Pieces several migrations build with (not a migration: migrate.ts lists those by name).
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** CREATE TABLE with its `id` primary key: bigserial on PostgreSQL, the rowid on SQLite. */
export function tableWithId(db: Kysely<unknown>, name: string) {
  const t = db.schema.createTable(name);
  return isPostgres(db) ? t.addColumn('id', 'bigserial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Makes the database refuse every UPDATE, DELETE (and on PostgreSQL TRUNCATE) of a table's rows: triggers named after it. */
export async function makeAppendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  const message = sql.lit(`${table} is append-only`);
  if (isPostgres(db)) {
    await sql`CREATE FUNCTION ${sql.raw(`${table}_append_only`)}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION ${message}; END $$`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
      FOR EACH ROW EXECUTE FUNCTION ${sql.raw(`${table}_append_only`)}()`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION ${sql.raw(`${table}_append_only`)}()`.execute(db);
  } else {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_no_update`)} BEFORE UPDATE ON ${sql.table(table)}
      BEGIN SELECT RAISE(ABORT, ${message}); END`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(`${table}_no_delete`)} BEFORE DELETE ON ${sql.table(table)}
      BEGIN SELECT RAISE(ABORT, ${message}); END`.execute(db);
  }
}

/** Drops a table made append-only, and on PostgreSQL its trigger function. */
export async function dropAppendOnly(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema.dropTable(table).execute();
  if (isPostgres(db)) await sql`DROP FUNCTION ${sql.raw(`${table}_append_only`)}()`.execute(db);
}
