import type { AuditLogTable, DB, ParcelStatus } from './types.js';
import {
  PostgresAdapter,
  sql,
  type Expression,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely';

/** A Kysely instance or an open transaction (index.ts's Executor, named here so that db/ has no import circle). */
type Executor = Kysely<DB> | Transaction<DB>;

/** Whether a Kysely instance talks to PostgreSQL (the migrations' one dialect switch). */
export function isPostgres(db: Pick<Kysely<unknown>, 'getExecutor'>): boolean {
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
 * A write refused by a unique index, as the repository that made it names it: `key` says what
 * was already taken (`courier_phone`, `pickup_code`…), so that services decide on a type and a
 * name of their domain, never on the database's index names or messages.
 */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(`unique violation: ${key}`, { cause });
  }
}

/** Whether `err` is a UniqueViolation, on one of `keys` when they are given. */
export function isTaken(err: unknown, ...keys: string[]): err is UniqueViolation {
  return err instanceof UniqueViolation && (keys.length === 0 || keys.includes(err.key));
}

/**
 * Runs a repository's write and turns a unique-constraint violation into a UniqueViolation: its
 * key is the first of `keys` (key → hint) whose hint is in the index's name on PostgreSQL or in
 * the message's columns on SQLite, or `fallback` when none is.
 */
export async function uniquely<T>(write: Promise<T>, keys: Record<string, string>, fallback = 'unique'): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const text = uniqueViolationText(err);
    if (text === undefined) throw err;
    const key = Object.entries(keys).find(([, hint]) => text.includes(hint))?.[0] ?? fallback;
    throw new UniqueViolation(key, err);
  }
}

/** The index name (PostgreSQL) or the message (SQLite) of a unique-constraint violation. */
function uniqueViolationText(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as DbError;
  if (e.code === '23505') return String(e.constraint ?? '');
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return String(e.message ?? '');
  return undefined;
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
  db: Pick<Kysely<unknown>, 'getExecutor'>,
  qb: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return isPostgres(db) ? qb.forUpdate().skipLocked() : qb;
}

/** The statement appending audit lines (null for none): alone, or alongside another insert. */
export function auditLinesInsert(db: Executor, rows: Insertable<AuditLogTable>[]) {
  return rows.length > 0 ? db.insertInto('audit_log').values(rows) : null;
}

/**
 * Runs the insert `main` and the insert `extra` in one statement on PostgreSQL (`extra` as a
 * data-modifying WITH, which runs once whether or not the main query reads it): one round trip for
 * both, which a busy intake notices. SQLite runs in-process, where a statement costs no round trip:
 * `extra` runs just before. Either way in the caller's transaction; answers `main`'s rows.
 */
export async function insertAlongside<A extends keyof DB, B extends keyof DB, O>(
  db: Executor,
  extra: InsertQueryBuilder<DB, A, InsertResult> | null,
  main: InsertQueryBuilder<DB, B, O>,
): Promise<O[]> {
  if (!extra) return main.execute();
  if (!isPostgres(db)) {
    await extra.execute();
    return main.execute();
  }
  return (await sql<O>`with alongside as (${extra}) ${main}`.execute(db)).rows;
}
