import type { FastifyBaseLogger } from 'fastify';
import type { Db } from './db/index.js';
import { isTransient } from './db/dialect.js';
import { groupCommitterOf, type RetryOptions } from './db/group-commit.js';
import { insideUnit } from './db/unit-guard.js';
import type { Transaction } from 'kysely';
import type { DB } from './db/types.js';
import type { Messaging } from './modules/notifications/messaging.js';
import { consolePayProvider, type PayProvider } from './modules/payments/payments.provider.js';
import type { AuditActor, AuditChange } from './actors.js';
import { auditRows } from './modules/audit/audit.trail.js';
import { appendAudit } from './modules/audit/audit.repo.js';

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
  /** Takes residents' payments (the console provider by default). */
  pay: PayProvider;
  /** Runs `fn` once the unit's writes are committed; outside a unit, at once. Never for a unit rolled back. */
  afterCommit(fn: () => void): void;
  /** Who acts and from where: the request's caller (per request), the operator at the command line; absent for the server's own work. */
  actor?: AuditActor;
  /**
   * Records a change for the audit trail, appended in the unit before it commits (so the row and
   * the write stand or fall together). Outside a unit of work there is nothing to join: it throws.
   */
  audit(change: AuditChange): void;
}

/** The context of the app, the command line and the demo: one shape, outside any unit of work. */
export function createContext(parts: Omit<Ctx, 'afterCommit' | 'webhookKick' | 'audit' | 'pay'> & { webhookKick?: () => void; pay?: PayProvider }): Ctx {
  return { webhookKick: () => {}, pay: consolePayProvider, ...parts, afterCommit: (fn) => fn(), audit: auditOutsideUnit };
}

function auditOutsideUnit(change: AuditChange): never {
  throw new Error(`audit ${change.action} outside a unit of work: record it with inTransaction (or recordAudit)`);
}

/** The context of one request: the app's, with the caller as the actor of what it writes. */
export function requestContext(ctx: Ctx, actor: AuditActor): Ctx {
  return { ...ctx, actor };
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
 * Called with a unit's own context, `fn` joins that unit. What `fn` records with `audit` is
 * appended, by the context's actor, in the same transaction after it.
 */
export async function inTransaction<T, C extends Pick<Ctx, 'db' | 'afterCommit' | 'now'> & Partial<Pick<Ctx, 'actor' | 'audit'>>>(
  ctx: C,
  fn: (unit: C) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  let hooks: (() => void)[] = [];
  const attempt = (trx: Transaction<DB>) => {
    const mine: (() => void)[] = [];
    const changes: AuditChange[] = [];
    hooks = mine;
    const unit = { ...ctx, db: trx, afterCommit: (f: () => void) => void mine.push(f), audit: (c: AuditChange) => void changes.push(c) };
    return insideUnit(async () => {
      const value = await fn(unit);
      await appendAudit(trx, auditRows(ctx.actor, changes, nowIso(ctx)));
      return value;
    });
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

/** Appends one change to the audit trail in a unit of its own (a read worth recording: an export, a download). */
export function recordAudit(ctx: Ctx, change: AuditChange): Promise<void> {
  return inTransaction(ctx, async (unit) => unit.audit(change));
}

/**
 * Whether units of work share their commit (SQLite's group commit): there a statement of its own
 * outside a unit costs a disk flush of its own, while on PostgreSQL a short statement before the
 * transaction keeps a hot row unlocked during it.
 */
export function sharesCommits(ctx: Pick<Ctx, 'db'>): boolean {
  return groupCommitterOf(ctx.db) !== undefined;
}
