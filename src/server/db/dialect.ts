import type { ParcelStatus } from './types.js';
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';

/** Whether a Kysely instance talks to PostgreSQL (the migrations' one dialect switch). */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * A parcel state written into the SQL text rather than bound: SQLite uses a partial index
 * (`WHERE status = 'awaiting_pickup'`) only when the query names the state as a literal.
 */
export function stateLiteral<S extends ParcelStatus>(state: S): RawBuilder<S> {
  return sql.lit(state);
}

/** Escapes LIKE wildcards (with `ESCAPE '\\'`) so that user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern for text anywhere in the value. */
export function likePattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/**
 * Case-insensitive substring match: LIKE on SQLite (case-insensitive for ASCII), ILIKE on PostgreSQL.
 */
export function containsText(pg: boolean, column: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${column} ${sql.raw(pg ? 'ILIKE' : 'LIKE')} ${likePattern(text)} ESCAPE '\\'`;
}

interface DbError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/**
 * A unique-constraint violation, optionally on an index or column whose name contains `hint`
 * (PostgreSQL names the index, SQLite the columns).
 */
export function isUniqueViolation(err: unknown, hint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as DbError;
  if (e.code === '23505') return hint === undefined || String(e.constraint ?? '').includes(hint);
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return hint === undefined || String(e.message ?? '').includes(hint);
  }
  return false;
}

/** Failures that go away when the transaction is run again. */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as DbError).code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * Rows a worker claims: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so that several processes each
 * take different rows without waiting on one another; SQLite has one writer at a time already.
 */
export function claimSkippingLocked<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  dialect: 'sqlite' | 'postgres',
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? qb.forUpdate().skipLocked() : qb;
}
