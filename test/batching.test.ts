import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadOne } from '../src/server/db/batch.js';
import type { Parcel } from './support/api.js';
import { dbKind, useTestApp } from './support/app.js';
import { createWorld, enterParcel } from './support/factories.js';

const t = useTestApp();

// On PostgreSQL the reads and courier entries that arrive in one turn of the event loop are sent
// together (src/server/db/batch.ts); on SQLite each runs alone. The answers must be the same.
describe('entries that arrive together', () => {
  it('thirty concurrent entries with a duplicate tracking number and a key sent twice: each hears its own answer', async () => {
    const w = await createWorld(t.app);
    const body = (trackingNo: string) => ({ communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo });
    const fresh = Array.from({ length: 30 }, (_, i) => enterParcel(w.courier, body(`BATCH${process.pid}X${i}`)));
    // Two keys, one tracking number: one parcel, one 409.
    const dupA = enterParcel(w.courier, body(`BATCHDUP${process.pid}`));
    const dupB = enterParcel(w.courier, body(`BATCHDUP${process.pid}`));
    // One key sent twice at once (a retry racing the first): one parcel, the same answer twice.
    const key = `batch-key-${process.pid}`;
    const again1 = enterParcel(w.courier, body(`BATCHKEY${process.pid}`), key);
    const again2 = enterParcel(w.courier, body(`BATCHKEY${process.pid}`), key);
    // The same key with another body: refused, nothing written.
    const reused = enterParcel(w.courier, body(`BATCHOTHER${process.pid}`), key);

    const results = await Promise.all(fresh);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(30);
    for (const [i, r] of results.entries()) {
      expect(r.body.trackingNo).toBe(`BATCH${process.pid}X${i}`);
      expect(r.body.status).toBe('pending_receipt');
      expect(r.body.recipientName).toBe('收件人');
    }

    if (dbKind === 'postgres') {
      // Written together: rows of one transaction share its id (xmin), so fewer transactions than parcels.
      const tx = await sql<{
        n: number;
      }>`SELECT count(DISTINCT xmin::text)::int AS n FROM parcels WHERE id IN (${sql.join(results.map((r) => r.body.id))})`.execute(t.database.db);
      expect(tx.rows[0]?.n).toBeLessThan(30);
    }

    const dups = await Promise.all([dupA, dupB]);
    expect(dups.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(dups.find((r) => r.status === 409)?.body).toMatchObject({ error: 'duplicate_tracking_no' });

    const [a1, a2, other] = await Promise.all([again1, again2, reused]);
    expect(a1.status).toBe(201);
    expect(a2.status).toBe(201);
    expect(a2.body).toEqual(a1.body);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ error: 'idempotency_key_reused' });

    const rows = await t.database.db.selectFrom('parcels').select(['id', 'tracking_no']).where('community_id', '=', w.community.id).execute();
    expect(rows).toHaveLength(32);
    expect(rows.some((r) => r.tracking_no === `BATCHOTHER${process.pid}`)).toBe(false);
    const events = await t.database.db
      .selectFrom('parcel_events')
      .select(['parcel_id'])
      .where(
        'parcel_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    expect(events).toHaveLength(32);
    expect(new Set(events.map((e) => e.parcel_id)).size).toBe(32);
    const stored = await t.database.db.selectFrom('idempotency_keys').select(['response']).where('key', '=', key).execute();
    expect(stored).toHaveLength(1);
    expect((JSON.parse(stored[0]?.response ?? '{}') as Parcel).id).toBe(a1.body.id);
  });

  it('a replayed entry answers what was stored, also when it arrives together with new ones', async () => {
    const w = await createWorld(t.app);
    const key = `replay-${process.pid}`;
    const first = await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo: `REPLAY${process.pid}` }, key);
    expect(first.status).toBe(201);
    const [replayed, ...others] = await Promise.all([
      enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo: `REPLAY${process.pid}` }, key),
      ...Array.from({ length: 5 }, (_, i) =>
        enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo: `REPLAYNEW${process.pid}X${i}` }),
      ),
    ]);
    expect(replayed?.status).toBe(201);
    expect(replayed?.body).toEqual(first.body);
    expect(others.map((r) => r.status)).toEqual(others.map(() => 201));
  });
  it("a tracking number taken before fails the turn's transaction: then each entry is written alone and hears its own answer", async () => {
    const w = await createWorld(t.app);
    const body = (trackingNo: string) => ({ communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo });
    expect((await enterParcel(w.courier, body(`TAKEN${process.pid}`))).status).toBe(201);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => enterParcel(w.courier, body(`TAKENNEW${process.pid}X${i}`))),
      enterParcel(w.courier, body(`TAKEN${process.pid}`)),
    ]);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 409]);
    const rows = await t.database.db.selectFrom('parcels').select('id').where('community_id', '=', w.community.id).execute();
    expect(rows).toHaveLength(6);
  });
});

describe('loadOne', () => {
  it('sends the reads of one turn as one query on PostgreSQL, one each on SQLite and inside a unit', async () => {
    const db = t.database.db;
    const calls: (readonly string[])[] = [];
    const fetch = async (keys: readonly string[]) => {
      calls.push(keys);
      await new Promise((r) => setTimeout(r, 1));
      return new Map(keys.map((k) => [k, `${k}:1`]));
    };
    const got = await Promise.all(['a', 'b', 'c', 'a'].map((k) => loadOne(db, 'test-load', k, fetch)));
    expect(got).toEqual(['a:1', 'b:1', 'c:1', 'a:1']);
    expect(calls.length).toBe(dbKind === 'postgres' ? 1 : 4);
    calls.length = 0;
    await db.transaction().execute(async (trx) => {
      const inUnit = [await loadOne(trx, 'test-load', 'x', fetch), await loadOne(trx, 'test-load', 'y', fetch)];
      expect(inUnit).toEqual(['x:1', 'y:1']);
    });
    expect(calls).toEqual([['x'], ['y']]);
  });
});
