// Fills the app's database with N parcels at real scale, quickly, for the benchmarks: the org, its
// communities, couriers and admin through the app's own services (so passwords are hashed and rows
// look as the API makes them), residents and parcels bulk-inserted (the services would take hours).
// The parts are in bench/fill/: world.ts (org, communities, couriers, residents), parcels.ts (parcels
// and their events), indexes.ts (indexes dropped and rebuilt, search, statistics), bulk.ts (the bulk
// writers and their connections), data.ts and random.ts (what rows are made of), progress.ts, and
// fill-database.ts (fillDatabase, the steps in order). This file is the command line.
// Run: tsx bench/fill.ts --parcels 100000 [--communities 100] [--seed 1] [--db postgres://…/kd_fill_x | --file /tmp/x.sqlite]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database_ } from '../src/server/db/index.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { fillDatabase } from './fill/fill-database.js';

export { fillDatabase, type FillOptions, type FillResult } from './fill/fill-database.js';

// ---------------------------------------------------------------------------------------------
// CLI: tsx bench/fill.ts --parcels N [--communities 100] [--seed 1] [--events false] [--defer-indexes false]
//      [--db postgres://…/kd_fill_x (made when missing)] [--file /tmp/x.sqlite]

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      parcels: { type: 'string', default: '1000000' },
      communities: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      events: { type: 'string', default: 'true' },
      'defer-indexes': { type: 'string', default: 'true' },
      db: { type: 'string' },
      file: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const parcels = Number(values.parcels);
  if (!Number.isInteger(parcels) || parcels < 1) throw new Error('--parcels: a positive integer');
  let database: Database_;
  let size: () => Promise<number>;
  if (values.db) {
    const url = new URL(values.db);
    const name = decodeURIComponent(url.pathname.slice(1));
    // The scratch database is made when missing, through the server's `postgres` database.
    const adminUrl = new URL(values.db);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    await admin.end();
    database = openDatabase({ kind: 'postgres', url: values.db });
    size = async () => Number((await sql<{ size: string }>`SELECT pg_database_size(current_database()) AS size`.execute(database.db)).rows[0]?.size ?? 0);
  } else {
    const file = values.file ?? path.join('/tmp', `kd-fill-${Date.now()}.sqlite`);
    database = openDatabase({ kind: 'sqlite', file });
    size = async () => [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    process.stderr.write(`SQLite file: ${file}\n`);
  }
  try {
    await migrateToLatest(database.db);
    const result = await fillDatabase({
      database,
      parcels,
      communities: Number(values.communities),
      seed: Number(values.seed),
      events: values.events !== 'false',
      deferIndexes: values['defer-indexes'] !== 'false',
      onProgress: (m) => process.stderr.write(`${m}\n`),
    });
    const bytes = await size();
    const peakRss = process.resourceUsage().maxRSS * 1024;
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `${database.dialect}: ${result.counts.parcels} parcels, ${result.counts.residents} residents, ${result.counts.events} events in ${result.seconds} s ` +
        `(${Math.round(result.counts.parcels / (result.phases.parcels ?? result.seconds))} parcels/s while inserting parcels, ` +
        `${Math.round(result.counts.parcels / result.seconds)} parcels/s overall); ` +
        `phases ${JSON.stringify(result.phases)}; by status ${JSON.stringify(result.counts.byStatus)}; ` +
        `database ${(bytes / 2 ** 20).toFixed(0)} MiB; peak RSS of this process ${(peakRss / 2 ** 20).toFixed(0)} MiB\n`,
    );
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  cli().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
