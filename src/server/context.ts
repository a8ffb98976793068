import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/index.js';
import { isTransient } from './db/dialect.js';
import { groupCommitterOf, type RetryOptions } from './db/group-commit.js';
import { insideUnit } from './db/unit-guard.js';
import type { Transaction } from 'kysely';
import type { DB } from './db/types.js';
import type { Messaging } from './modules/notifications/messaging.js';

/**
 * What every service function is given: the database, the clock, a logger, the outbox bell and
 * the messaging providers. Inside a unit of work (`inTransaction`) it is the unit's own: `db` is
 * the transaction, and work registered with `afterCommit` waits for the commit.
 */
export interface Ctx {
  db: Db;
  /** The injected clock: tests move it, nothing sleeps. */
  now(): Date;
  log: FastifyBaseLogger;
  /** Tells the outbox worker that new rows are waiting; called through `afterCommit`. */
  outboxKick(): void;
  /** Tells the webhooks' worker that new deliveries are waiting (a no-op outside the server). */
  webhookKick(): void;
  /** Delivers SMS and WeChat messages (the console provider by default). */
  messaging: Messaging;
  /** Runs `fn` once the unit's writes are committed; outside a unit, at once. Never for a unit rolled back. */
  afterCommit(fn: () => void): void;
}

/** The context of the app, the command line and the demo: one shape, outside any unit of work. */
export function createContext(parts: Omit<Ctx, 'afterCommit' | 'webhookKick'> & { webhookKick?: () => void }): Ctx {
  return { webhookKick: () => {}, ...parts, afterCommit: (fn) => fn() };
}

/** The current time as the ISO text the database stores. */
export function nowIso(ctx: Pick<Ctx, 'now'>): string {
  return ctx.now().toISOString();
}

/**
 * Runs `fn` as one unit of work: one transaction, with a context of its own whose `db` is that
 * transaction (the outer database cannot be reached from inside: see `insideUnit`), and whose
 * `afterCommit` work runs once the commit is done. Run again (up to `attempts` times) when the
 * database reports a transient failure (PostgreSQL serialization failure or deadlock, SQLite
 * busy) or `retryIf` says so, with a fresh context each time. On the embedded SQLite database,
 * `fn` shares its commit with the others queued meanwhile (group commit, in its own savepoint).
 * Called with a unit's own context, `fn` joins that unit.
 */
export async function inTransaction<T, C extends Pick<Ctx, 'db' | 'afterCommit'>>(ctx: C, fn: (unit: C) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  let hooks: (() => void)[] = [];
  const attempt = (trx: Transaction<DB>) => {
    const mine: (() => void)[] = [];
    hooks = mine;
    return insideUnit(() => fn({ ...ctx, db: trx, afterCommit: (f: () => void) => void mine.push(f) }));
  };
  const value = await runUnit(ctx.db, attempt, opts);
  for (const hook of hooks) hook();
  return value;
}

async function runUnit<T>(db: Db, attempt: (trx: Transaction<DB>) => Promise<T>, opts: RetryOptions): Promise<T> {
  const group = groupCommitterOf(db);
  if (group) return group.run(attempt, opts);
  const attempts = opts.attempts ?? 5;
  for (let i = 1; ; i++) {
    try {
      return await db.transaction().execute(attempt);
    } catch (err) {
      if (i >= attempts || !(isTransient(err) || opts.retryIf?.(err))) throw err;
    }
  }
}

/**
 * Whether units of work share their commit (SQLite's group commit): there a statement of its own
 * outside a unit costs a disk flush of its own, while on PostgreSQL a short statement before the
 * transaction keeps a hot row unlocked during it.
 */
export function sharesCommits(ctx: Pick<Ctx, 'db'>): boolean {
  return groupCommitterOf(ctx.db) !== undefined;
}
