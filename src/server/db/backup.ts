// Backups of the server's database while it serves, and their restore into a fresh place
// (`npm run backup -- <file>`, `npm run restore -- <file>`). SQLite: the online backup API, a
// consistent copy taken beside the running server's writes; PostgreSQL: pg_dump's custom format
// and pg_restore. A backup is written under a temporary name and renamed when whole, so a file
// of that name is never half a backup.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from './index.js';

export interface BackupFacts {
  file: string;
  bytes: number;
  /** Parcels in the copy, what an operator checks first (a PostgreSQL dump's are counted when it is restored). */
  parcels?: number;
}

/** Copies the database the configuration names into `file` (replaced if it exists). */
export async function backupDatabase(database: DatabaseConfig, file: string): Promise<BackupFacts> {
  const target = path.resolve(file);
  const partial = `${target}.partial`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.rmSync(partial, { force: true });
  try {
    if (database.kind === 'sqlite') {
      if (!fs.existsSync(database.file)) throw new Error(`no database at ${database.file}`);
      const source = new Database(database.file, { fileMustExist: true });
      try {
        source.pragma('busy_timeout = 5000');
        // All the remaining pages in one step: a step reads one snapshot, so the server's writes
        // meanwhile (on its own connection) can neither tear the copy nor restart it forever.
        await source.backup(partial, { progress: () => 1 << 30 });
      } finally {
        source.close();
      }
      checkSqlite(partial);
    } else {
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`], database.url);
    }
    fs.renameSync(partial, target);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  return { file: target, bytes: fs.statSync(target).size, ...(database.kind === 'sqlite' ? { parcels: sqliteParcels(target) } : {}) };
}

/**
 * Restores `file` into the database the configuration names, which must be new: no SQLite file
 * there yet, or a PostgreSQL database without our tables (stop the server first). `force`
 * replaces what is there.
 */
export async function restoreDatabase(database: DatabaseConfig, file: string, opts: { force?: boolean } = {}): Promise<BackupFacts> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new Error(`no backup at ${source}`);
  if (database.kind === 'sqlite') {
    checkSqlite(source);
    const target = path.resolve(database.file);
    if (fs.existsSync(target) && !opts.force) throw new Error(`${target} exists: restore into a fresh DATA_DIR, or stop the server and give --force`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    fs.copyFileSync(source, partial);
    // A journal of the database being replaced must not be replayed onto the restored one.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.renameSync(partial, target);
    return { file: target, bytes: fs.statSync(target).size, parcels: sqliteParcels(target) };
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let ours: boolean;
  try {
    const r = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'parcels'",
    );
    ours = (r.rows[0]?.n ?? 0) > 0;
  } finally {
    await client.end();
  }
  if (ours && !opts.force) throw new Error('the database already holds a 快递代收 schema: restore into a new database, or stop the server and give --force');
  await run(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      ...(ours ? ['--clean', '--if-exists'] : []),
      `--dbname=${databaseName(database.url)}`,
      source,
    ],
    database.url,
  );
  return { file: source, bytes: fs.statSync(source).size, parcels: await pgParcels(database.url) };
}

/** A SQLite file that is whole and is ours (it has run our migrations), or an error saying which not. */
function checkSqlite(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`${file} is not a SQLite database`, { cause: err });
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} is damaged: ${String(check)}`);
    const migrations = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get() as { n: number };
    if (migrations.n === 0) throw new Error(`${file} is not a 快递代收 database`);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(file)) throw err;
    throw new Error(`${file} is not a SQLite database`, { cause: err });
  } finally {
    db.close();
  }
}

function sqliteParcels(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM parcels').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function pgParcels(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM parcels')).rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** The database's name in a PostgreSQL URL (the rest goes to the tools by their environment). */
function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/**
 * Runs a PostgreSQL tool on the database at `url`, given by the libpq environment (PGHOST,
 * PGPASSWORD …) rather than on its command line, where other users of the machine could read the
 * password; the tool's error output ends up in the error.
 */
function run(cmd: string, args: string[], url: string): Promise<void> {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGDATABASE: databaseName(url),
    ...(u.username ? { PGUSER: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
    ...(u.searchParams.get('sslmode') ? { PGSSLMODE: u.searchParams.get('sslmode') ?? undefined } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Error(`${cmd} could not be started (${err.message}): install the PostgreSQL client tools`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} failed (${code}): ${stderr.trim().slice(0, 2000)}`))));
  });
}
