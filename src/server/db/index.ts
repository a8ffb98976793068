import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Dialect as KyselyDialect, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import { groupCommitterOf, useGroupCommit } from './group-commit.js';
import { guardedDialect } from './unit-guard.js';
import type { DB } from './types.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<DB>;
/** A Kysely instance or an open transaction: what every repository function takes. */
export type Executor = Kysely<DB> | Transaction<DB>;
/** Which database to open: the embedded SQLite file, or a PostgreSQL URL. */
export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Database_ {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
  /** The connections: PostgreSQL's pool (open, idle, callers waiting for one); SQLite's one, with the units waiting for its next group commit. */
  connections(): { total: number; idle: number; waiting: number };
}

// int8 (counts, bigserial ids) as numbers: ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Opens the database the configuration names: an embedded SQLite file, or PostgreSQL; guarded
 * against a unit of work reaching past its transaction (unit-guard.ts) unless `guardUnits` is false.
 */
export function openDatabase(database: DatabaseConfig, opts: { poolSize?: number; guardUnits?: boolean } = {}): Database_ {
  const guard = (dialect: KyselyDialect) => (opts.guardUnits === false ? dialect : guardedDialect(dialect));
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: opts.poolSize ?? 10 });
    // An idle connection the server ends (a restart, pg_terminate_backend) is dropped by the pool and
    // replaced at the next query; unhandled, its 'error' event would end the whole process.
    pool.on('error', () => undefined);
    const db = new Kysely<DB>({ dialect: guard(new PostgresDialect({ pool })) });
    return {
      db,
      dialect: 'postgres',
      close: () => db.destroy(),
      connections: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    };
  }
  if (database.file !== ':memory:') fs.mkdirSync(path.dirname(database.file), { recursive: true });
  const sqlite = new Database(database.file);
  // WAL for concurrent readers; synchronous=FULL so that a 2xx answer means the change is on disk.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // 64 MiB of page cache (the default is 2 MiB): the indexes' upper levels and the tables' ends
  // that every write touches stay in memory.
  sqlite.pragma('cache_size = -65536');
  // Savepoints (one per unit of a group commit) keep the pages they change in a sub-journal:
  // in memory rather than in a temporary file, which made the second write of a unit cost 5×.
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<DB>({ dialect: guard(new SqliteDialect({ database: withStatementCache(sqlite) })) });
  // One writer at a time, each commit a flush: transactions that arrive together commit together.
  useGroupCommit(db);
  const committer = groupCommitterOf(db);
  return { db, dialect: 'sqlite', close: () => db.destroy(), connections: () => ({ total: 1, idle: 1, waiting: committer?.waiting ?? 0 }) };
}

/**
 * Kysely's SQLite driver prepares every statement each time it runs; compiling the SQL again cost
 * a tenth of a busy server's time. The queries are few and fixed in shape, so their prepared
 * statements are kept (the 500 most recent). Safe with Kysely's one connection: a statement is
 * never run twice at once.
 */
function withStatementCache(sqlite: Database.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) cache.delete(sql);
      else stmt = sqlite.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  };
}
