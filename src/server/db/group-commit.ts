import { sql, type Kysely, type Transaction } from 'kysely';
import { isTransient } from './dialect.js';
import type { DB } from './types.js';

/** How a unit of work is run again when it fails: `inTransaction`'s options. */
export interface RetryOptions {
  attempts?: number;
  retryIf?: (err: unknown) => boolean;
}

interface Job {
  fn: (trx: Transaction<DB>) => Promise<unknown>;
  attempts: number;
  retryIf?: (err: unknown) => boolean;
  tries: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

/**
 * Group commit for the embedded SQLite database. With `synchronous=FULL` every COMMIT waits for
 * the disk, and better-sqlite3 waits on the event loop, so one transaction per request caps the
 * writes at the disk's flush rate. Here the units of work that arrive while a commit is under way
 * wait for the next one and are then run one after another in a single transaction, each inside
 * its own SAVEPOINT: a unit that fails is rolled back alone (and retried when its options say
 * so), the others commit together with one flush, and no caller hears of success before that
 * flush is done. SQLite has one writer at a time anyway, so nothing runs less concurrently.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  /** Units of work waiting for the next group commit. */
  get waiting(): number {
    return this.queue.length;
  }
  private scheduled = false;
  private running = false;
  /** Transactions committed and units of work they held, since the start. */
  readonly stats = { commits: 0, units: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly maxBatch = 200,
  ) {}

  run<T>(fn: (trx: Transaction<DB>) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        fn,
        attempts: opts.attempts ?? 5,
        retryIf: opts.retryIf,
        tries: 0,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // After the I/O phase: every request that arrived meanwhile has queued its work by then.
    setImmediate(() => void this.flush());
  }

  private retries(job: Job, err: unknown): boolean {
    return job.tries < job.attempts && (isTransient(err) || job.retryIf?.(err) === true);
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes = new Map<Job, Outcome>();
    let current: Job | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const job of batch) {
          current = job;
          for (;;) {
            job.tries++;
            await sql`SAVEPOINT unit`.execute(trx);
            try {
              const value = await job.fn(trx);
              await sql`RELEASE unit`.execute(trx);
              outcomes.set(job, { ok: true, value });
              break;
            } catch (err) {
              await sql`ROLLBACK TO unit`.execute(trx);
              await sql`RELEASE unit`.execute(trx);
              if (this.retries(job, err)) continue;
              outcomes.set(job, { ok: false, err });
              break;
            }
          }
        }
        current = undefined;
      });
      this.stats.commits++;
      this.stats.units += batch.length;
      for (const job of batch) {
        const o = outcomes.get(job);
        if (o?.ok) job.resolve(o.value);
        else job.reject(o?.err);
      }
    } catch (err) {
      // Nothing of this batch was written. The unit that broke the transaction (if one did) hears
      // of it; the others run again in the next batch, as if they had arrived later.
      const again: Job[] = [];
      for (const job of batch) {
        const o = outcomes.get(job);
        if (o && !o.ok) job.reject(o.err);
        else if (job.tries < job.attempts && (job !== current || this.retries(job, err))) again.push(job);
        else job.reject(err);
      }
      this.queue.unshift(...again);
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}

const committers = new WeakMap<object, GroupCommitter>();

/** Makes `inTransaction` on this database go through a group committer. */
export function useGroupCommit(db: Kysely<DB>): void {
  committers.set(db, new GroupCommitter(db));
}

/** The database's group committer, when it has one (embedded SQLite). */
export function groupCommitterOf(db: object): GroupCommitter | undefined {
  return committers.get(db);
}
