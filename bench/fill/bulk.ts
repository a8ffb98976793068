// Bulk writers: one prepared INSERT in 50,000-row transactions on SQLite; unnest() batches on
// PostgreSQL, one batch in flight while the next is generated. And the connections they write
// through: a second SQLite connection to the file, or one pinned PostgreSQL session.
import Database from 'better-sqlite3';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../src/server/db/index.js';

export type Value = string | number | null;
export type PgType = 'bigint' | 'int' | 'text';

export interface Bulk {
  push(row: readonly Value[]): void;
  readonly full: boolean;
  flush(): Promise<void>;
  /** Writes what is left and waits for everything to be stored. */
  end(): Promise<void>;
}

function sqliteBulk(raw: Database.Database, table: string, columns: readonly (readonly [string, PgType])[]): Bulk {
  const stmt = raw.prepare(`INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const BATCH = 50_000;
  let n = 0;
  raw.exec('BEGIN');
  return {
    push(row) {
      stmt.run(row);
      n++;
    },
    get full() {
      return n >= BATCH;
    },
    async flush() {
      raw.exec('COMMIT');
      raw.exec('BEGIN');
      n = 0;
    },
    async end() {
      raw.exec('COMMIT');
    },
  };
}

export type PgQuery = (text: string, params: readonly unknown[]) => Promise<{ rows: unknown[] }>;

function pgBulk(query: PgQuery, table: string, columns: readonly (readonly [string, PgType])[], batch = 10_000): Bulk {
  const text = `INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) SELECT * FROM unnest(${columns
    .map(([, t], i) => `$${i + 1}::${t}[]`)
    .join(', ')})`;
  let cols: Value[][] = columns.map(() => []);
  let n = 0;
  let inflight: Promise<unknown> = Promise.resolve();
  return {
    push(row) {
      for (let i = 0; i < row.length; i++) cols[i]?.push(row[i] ?? null);
      n++;
    },
    get full() {
      return n >= batch;
    },
    async flush() {
      if (n === 0) return;
      const prev = inflight;
      inflight = query(text, cols);
      // Rejected while the previous batch is awaited: handled when it is awaited in turn.
      inflight.catch(() => {});
      cols = columns.map(() => []);
      n = 0;
      await prev;
    },
    async end() {
      await this.flush();
      await inflight;
    },
  };
}

/** Where the bulk writes go: SQLite's second connection, or PostgreSQL's pinned session. */
export interface BulkTarget {
  raw: Database.Database | null;
  pgQuery: PgQuery | null;
}

export function bulkFor(target: BulkTarget, table: string, columns: readonly (readonly [string, PgType])[]): Bulk {
  if (target.raw) return sqliteBulk(target.raw, table, columns);
  if (target.pgQuery) return pgBulk(target.pgQuery, table, columns);
  throw new Error('no bulk writer');
}

/**
 * SQLite: a second connection to the same file for the bulk writes (openDatabase keeps its
 * handle inside Kysely's dialect); the Kysely connection stays idle meanwhile. synchronous=OFF
 * on both for the fill only: the data is scratch, the app's FULL is restored by closeSqliteWriter.
 */
export async function openSqliteWriter(db: Db): Promise<{ raw: Database.Database; syncBefore: number }> {
  const files = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db);
  const file = files.rows.find((f) => f.name === 'main')?.file ?? '';
  if (!file) throw new Error('fillDatabase: the SQLite database must be a file (the bulk writer opens it a second time)');
  const before = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db);
  const syncBefore = before.rows[0]?.synchronous ?? 2;
  await sql`PRAGMA synchronous = OFF`.execute(db);
  const raw = new Database(file);
  raw.pragma('busy_timeout = 5000');
  raw.pragma('synchronous = OFF');
  // A bigger page cache (128 MiB) for the index builds, and for the indexes' upkeep when they are not deferred.
  raw.pragma('cache_size = -131072');
  return { raw, syncBefore };
}

export async function closeSqliteWriter(db: Db, raw: Database.Database, syncBefore: number): Promise<void> {
  // Fold the WAL back into the file so its size is the database's, then close.
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  await sql.raw(`PRAGMA synchronous = ${Number(syncBefore)}`).execute(db);
}

/** PostgreSQL: one pinned connection for every bulk batch (its session settings apply to them all). */
export async function openPgSession(db: Db): Promise<{ query: PgQuery; release: () => void }> {
  const conn = await new Promise<{ run: PgQuery; release: () => void }>((resolve, reject) => {
    let release: () => void = () => {};
    const done = new Promise<void>((res) => (release = res));
    db.connection()
      .execute(async (c) => {
        resolve({ run: async (text, params) => ({ rows: [...(await c.executeQuery(CompiledQuery.raw(text, [...params]))).rows] }), release });
        await done;
      })
      .catch(reject);
  });
  const pgQuery = conn.run;
  await pgQuery('SET synchronous_commit = off', []);
  // For the index builds at the end.
  await pgQuery("SET maintenance_work_mem = '256MB'", []);
  // Foreign-key checks are per-row triggers, most of the insert time; every id written here
  // was just read back from the database, so this session skips them (replica role: needs a
  // superuser, as the bench's trust-auth postgres is; without it the checks simply stay on).
  await pgQuery("SET session_replication_role = 'replica'", []).catch(() => {});
  return { query: pgQuery, release: conn.release };
}

/** The pinned session's settings back to the server's, and the connection back to the pool. */
export async function closePgSession(session: { query: PgQuery; release: () => void }): Promise<void> {
  await session.query('RESET synchronous_commit', []).catch(() => {});
  await session.query('RESET maintenance_work_mem', []).catch(() => {});
  await session.query('RESET session_replication_role', []).catch(() => {});
  session.release();
}
