import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/server/db/index.js';
import { migrateToLatest, migrations } from '../src/server/db/migrate.js';

describe('the embedded SQLite database', () => {
  it('runs in WAL mode with synchronous=FULL and a busy timeout, foreign keys on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-db-'));
    const database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'x.sqlite') });
    try {
      const pragma = async (name: string) => (await sql.raw(`PRAGMA ${name}`).execute(database.db)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('synchronous')).toEqual({ synchronous: 2 }); // 2 = FULL
      expect(await pragma('busy_timeout')).toEqual({ timeout: 5000 });
      expect(await pragma('foreign_keys')).toEqual({ foreign_keys: 1 });
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates up, down to nothing, and up again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-db-'));
    const database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'x.sqlite') });
    try {
      expect(await migrateToLatest(database.db)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(database.db)).toEqual([]);
      const tables = async () =>
        (
          await sql<{
            name: string;
          }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely%' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'parcel_search_%'`.execute(
            database.db,
          )
        ).rows.length;
      // 27 tables and the FTS5 search table (whose shadow tables are left out).
      expect(await tables()).toBe(38);
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      expect(await tables()).toBe(0);
      expect(await migrateToLatest(database.db)).toEqual(Object.keys(migrations));
    } finally {
      await database.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
