import type { FastifyBaseLogger } from 'fastify';
import type { Db, Dialect, Executor } from './db/index.js';
import { isTransient } from './db/dialect.js';
import { groupCommitterOf, type RetryOptions } from './db/group-commit.js';
import type { Transaction } from 'kysely';
import type { DB } from './db/types.js';
import type { Messaging } from './modules/notifications/messaging.js';

/** What every service function is given: the database, the clock, a logger and the outbox bell. */
export interface Ctx {
  db: Db;
  dialect: Dialect;
  /** The injected clock: tests move it, nothing sleeps. */
  now(): Date;
  log: FastifyBaseLogger;
  /** Tells the outbox worker that new rows are waiting (after a commit). */
  outboxKick(): void;
  /** Delivers SMS and WeChat messages (the console provider by default). */
  messaging: Messaging;
}

/** The current time as the ISO text the database stores. */
export function nowIso(ctx: Pick<Ctx, 'now'>): string {
  return ctx.now().toISOString();
}

/**
 * Runs `fn` in one transaction, again (up to `attempts` times) when the database reports a
 * transient failure (PostgreSQL serialization failure or deadlock, SQLite busy) or `retryIf` says so.
 * On the embedded SQLite database, `fn` shares its commit with the others queued meanwhile
 * (group commit, in its own savepoint), so it must not wait on another `inTransaction`.
 */
export async function inTransaction<T>(ctx: Pick<Ctx, 'db'>, fn: (trx: Transaction<DB>) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const group = groupCommitterOf(ctx.db);
  if (group) return group.run(fn, opts);
  const attempts = opts.attempts ?? 5;
  for (let i = 1; ; i++) {
    try {
      return await ctx.db.transaction().execute(fn);
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

export type { Executor };
