import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../context.js';
import { groupCommitterOf } from './group-commit.js';
import { OuterDatabaseInUnit } from './unit-guard.js';
import { openDatabase, type Database_ } from './index.js';

let dir: string;
let database: Database_;
let file: string;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-group-'));
  file = path.join(dir, 'g.sqlite');
  database = openDatabase({ kind: 'sqlite', file });
  await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)`.execute(database.db);
});
afterEach(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ctx = () => ({ db: database.db, now: () => new Date(), afterCommit: (fn: () => void) => fn() });
const insert = (v: string) =>
  inTransaction(ctx(), async (unit) => (await sql<{ id: number }>`INSERT INTO t (v) VALUES (${v}) RETURNING id`.execute(unit.db)).rows[0]?.id);
/** What another connection, as another process would, sees on disk. */
function committed(): string[] {
  const other = new Database(file, { readonly: true });
  try {
    return (other.prepare('SELECT v FROM t ORDER BY v').all() as { v: string }[]).map((r) => r.v);
  } finally {
    other.close();
  }
}

describe('group commit on SQLite', () => {
  it('is what inTransaction uses on an embedded database', () => {
    expect(groupCommitterOf(database.db)).toBeDefined();
  });

  it('commits units that arrive together in fewer transactions, each answered only once it is on disk', async () => {
    const seen: number[] = [];
    const units = Array.from({ length: 300 }, (_, i) =>
      insert(`v${String(i).padStart(3, '0')}`).then((id) => {
        // Resolved means committed: a separate connection sees the row.
        const other = new Database(file, { readonly: true });
        seen.push((other.prepare('SELECT count(*) AS n FROM t WHERE id = ?').get(id) as { n: number }).n);
        other.close();
        return id;
      }),
    );
    const ids = await Promise.all(units);
    expect(new Set(ids).size).toBe(300);
    expect(groupCommitterOf(database.db)?.stats.commits).toBeLessThan(10);
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(committed()).toHaveLength(300);
  });

  it('rolls a failing unit back alone; the others of its batch commit', async () => {
    const results = await Promise.allSettled([
      insert('a'),
      inTransaction(ctx(), async (unit) => {
        await sql`INSERT INTO t (v) VALUES ('half')`.execute(unit.db);
        throw new Error('refused');
      }),
      insert('a'), // unique violation: this unit fails, the first 'a' stays
      insert('b'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('runs a unit again when its retryIf says so, without its first attempt’s writes', async () => {
    let tries = 0;
    const v = await inTransaction(
      ctx(),
      async (unit) => {
        tries++;
        await sql`INSERT INTO t (v) VALUES (${`try${tries}`})`.execute(unit.db);
        if (tries < 3) throw new Error('collision');
        return tries;
      },
      { attempts: 5, retryIf: (e) => e instanceof Error && e.message === 'collision' },
    );
    expect(v).toBe(3);
    expect(committed()).toEqual(['try3']);
  });

  it('when a unit breaks the whole transaction, it alone fails and the rest of its batch commits after', async () => {
    const results = await Promise.allSettled([
      insert('before'),
      inTransaction(ctx(), async (unit) => {
        await sql`ROLLBACK`.execute(unit.db); // ends the shared transaction under the others
      }),
      insert('after'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(committed()).toEqual(['after', 'before']);
  });

  it('refuses the outer database inside a unit at once, instead of waiting for the connection the unit holds', async () => {
    const results = await Promise.allSettled([
      insert('first'),
      inTransaction(ctx(), async (unit) => {
        await sql`INSERT INTO t (v) VALUES ('inside')`.execute(unit.db);
        // The mistake: the outer database, whose one connection this very unit holds.
        await sql`INSERT INTO t (v) VALUES ('outside')`.execute(database.db);
      }),
      insert('last'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(OuterDatabaseInUnit);
    expect(committed()).toEqual(['first', 'last']);
    // Outside any unit the outer database serves as ever.
    await expect(sql`SELECT 1`.execute(database.db)).resolves.toBeDefined();
  });

  it('runs after-commit work once the unit is on disk, once, and never for an attempt rolled back', async () => {
    const ran: string[] = [];
    let tries = 0;
    const outcome = await Promise.allSettled([
      inTransaction(
        ctx(),
        async (unit) => {
          tries++;
          unit.afterCommit(() => ran.push(`retried ${tries}: ${committed().join(',')}`));
          await sql`INSERT INTO t (v) VALUES (${`r${tries}`})`.execute(unit.db);
          if (tries < 2) throw new Error('collision');
        },
        { retryIf: (e) => e instanceof Error && e.message === 'collision' },
      ),
      inTransaction(ctx(), async (unit) => {
        unit.afterCommit(() => ran.push('failed'));
        throw new Error('refused');
      }),
      // A unit called with a unit's context joins it: its work waits for the same commit.
      inTransaction(ctx(), (unit) =>
        inTransaction(unit, async (inner) => {
          expect(inner).toBe(unit);
          inner.afterCommit(() => ran.push(`joined: ${committed().join(',')}`));
          await sql`INSERT INTO t (v) VALUES ('j')`.execute(inner.db);
        }),
      ),
    ]);
    expect(outcome.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(ran.sort()).toEqual(['joined: j,r2', 'retried 2: j,r2']);
  });
});
