import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/server/db/index.js';
import { migrateToLatest } from '../../src/server/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

/**
 * On PostgreSQL (TEST_DB=postgres), makes a fresh database for this run from TEST_PG_URL,
 * migrates it once, and drops it at the end; tests never truncate, each makes its own org.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.TEST_DB !== 'postgres') {
    project.provide('pgUrl', null);
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
  return async () => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
}
