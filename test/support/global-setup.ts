import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/server/db/index.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated template database. */
    pgUrl: string | null;
    /** The server's URL to create databases through. */
    pgAdminUrl: string | null;
  }
}

/**
 * On PostgreSQL (TEST_DB=postgres), makes a fresh database for this run from TEST_PG_URL and
 * migrates it once; each test file then clones it (CREATE DATABASE … TEMPLATE), so that files
 * running side by side never see each other's outbox. Every database of the run is dropped at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_DB !== 'postgres') {
    project.provide('pgUrl', null);
    project.provide('pgAdminUrl', null);
    return async () => {};
  }
  const base = process.env.TEST_PG_URL;
  if (!base) throw new Error('TEST_DB=postgres needs TEST_PG_URL');
  const name = `kd_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = openDatabase({ kind: 'postgres', url: url.toString() }, { poolSize: 2 });
  await migrateToLatest(database.db);
  await database.close();
  project.provide('pgUrl', url.toString());
  project.provide('pgAdminUrl', base);
  return async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${name}%`]);
    // Clones first, the template last.
    for (const db of rows
      .map((r) => r.datname)
      .sort()
      .reverse())
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await c.end();
  };
}
