// fillDatabase: the fill's steps in order (the world through the services, residents, parcels,
// indexes, counts, events, statistics) over the bulk writers' connections, timed by phase.
import type { Kysely } from 'kysely';
import type { Database_ } from '../../src/server/db/index.js';
import { recountParcels } from '../../src/server/db/migrations/2026112905_parcel_counts.js';
import { rebuildStats } from '../../src/server/db/migrations/2026120801_stats.js';
import type { ParcelStatus } from '../../src/server/db/types.js';
import { closePgSession, closeSqliteWriter, openPgSession, openSqliteWriter, type BulkTarget } from './bulk.js';
import { YEARS_3 } from './data.js';
import { analyze, dropSecondaryIndexes } from './indexes.js';
import { writeEvents, writeParcels, type FillSample } from './parcels.js';
import { phaseClock } from './progress.js';
import { rng } from './random.js';
import { ADMIN, makeWorld, residentLayout, writeResidents, type FilledCommunity, type FilledCourier } from './world.js';

/** What `fillDatabase` is asked for. */
export interface FillOptions {
  /** Opened and migrated by the caller; should hold no parcels of another run (ids are read back). */
  database: Database_;
  /** Parcels to make: 1,000,000 by default; 10,000,000 works (streamed, never all in memory). */
  parcels?: number;
  /** Communities of the one org: 100 by default; the first two are the busy ones. */
  communities?: number;
  /** The same seed gives the same rows (pickup codes aside from their uniqueness, which is kept). */
  seed?: number;
  /** The moment the history ends at: parcels are spread over the 3 years before it. */
  now?: Date;
  /** One parcel_events row per parcel (its last move), made in one INSERT … SELECT: true by default. */
  events?: boolean;
  /**
   * Drop the secondary indexes of residents and parcels for the bulk insert and build them again
   * from their own stored definitions afterwards (a sorted build beats row-by-row upkeep of nine
   * indexes on random keys): true by default. Constraint indexes (primary keys, UNIQUE constraints) stay.
   */
  deferIndexes?: boolean;
  /** Progress lines (on stderr by the CLI). */
  onProgress?: (message: string) => void;
}

/** What `fillDatabase` made: sign-in, ids and real values for the benchmark to search for. */
export interface FillResult {
  orgId: number;
  admin: { username: string; password: string };
  communities: FilledCommunity[];
  couriers: FilledCourier[];
  sample: FillSample;
  counts: { parcels: number; residents: number; events: number; byStatus: Record<ParcelStatus, number> };
  /** Wall time of the whole fill, and of its parts (services, residents, parcels, events, analyze). */
  seconds: number;
  phases: Record<string, number>;
}

/**
 * Fills a migrated database with one org (admin `bench-admin`), its communities, couriers and
 * courier accounts made through the services, about parcels/20 residents and `parcels` parcels
 * bulk-inserted over the 3 years before `now`, then ANALYZEs; returns what was made.
 */
export async function fillDatabase(opts: FillOptions): Promise<FillResult> {
  const clock = phaseClock(opts.onProgress);

  const { database } = opts;
  const { db, dialect } = database;
  const parcelTotal = opts.parcels ?? 1_000_000;
  const communityTotal = Math.max(1, opts.communities ?? 100);
  const seed = (opts.seed ?? 1) >>> 0;
  const now = (opts.now ?? new Date()).getTime();
  const start = now - YEARS_3;
  const r = rng(seed);

  // SQLite: the bulk writes go through a second connection to the file, opened now (and closed,
  // the app's synchronous setting restored, whatever happens).
  const sqlite = dialect === 'sqlite' ? await openSqliteWriter(db) : null;

  try {
    const world = await makeWorld(db, { communityTotal, seed, start });
    clock.phase('services');

    const layout = residentLayout(communityTotal, parcelTotal, world.busyCount);
    const before = await db
      .selectFrom('residents')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    const maxBefore = Number(before?.max ?? 0);
    const parcelsBefore = await db
      .selectFrom('parcels')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    const maxParcelBefore = Number(parcelsBefore?.max ?? 0);

    // PostgreSQL: the bulk writes go through one pinned session (its settings reset and the
    // connection released at the end).
    const pg = dialect === 'postgres' ? await openPgSession(db) : null;
    const target: BulkTarget = { raw: sqlite?.raw ?? null, pgQuery: pg?.query ?? null };
    const deferred = await dropSecondaryIndexes(db, target, maxParcelBefore, opts.deferIndexes ?? true);

    try {
      const residentIds = await writeResidents(db, target, { orgId: world.org.id, communities: world.communities, layout, seed, start, maxBefore });
      clock.phase('residents');

      const { byStatus, sample } = await writeParcels({
        target,
        world,
        rStart: layout.rStart,
        residentIds,
        parcelTotal,
        seed,
        r,
        now,
        onProgress: opts.onProgress,
      });
      clock.phase('parcels');
      if (deferred.pending) {
        await deferred.rebuild();
        clock.phase('indexes');
      }
      // The bulk insert went around the counters' triggers (dropped on SQLite, a replica session on PostgreSQL).
      await recountParcels(db as Kysely<unknown>);
      await rebuildStats(db as Kysely<unknown>);
      clock.phase('counts');

      let events = 0;
      if (opts.events ?? true) {
        events = await writeEvents(db, target, world.org.id, world.admin);
        clock.phase('events');
      }

      await analyze(db, target);
      clock.phase('analyze');

      return {
        orgId: world.org.id,
        admin: { ...ADMIN },
        communities: world.communities,
        couriers: world.couriers,
        sample,
        counts: { parcels: parcelTotal, residents: layout.residentTotal, events, byStatus },
        seconds: clock.seconds(),
        phases: clock.phases,
      };
    } finally {
      // Failed half-way: the indexes come back all the same, the schema is not left without them.
      if (deferred.pending) await deferred.rebuild();
      if (pg) await closePgSession(pg);
    }
  } finally {
    if (sqlite) await closeSqliteWriter(db, sqlite.raw, sqlite.syncBefore);
  }
}
