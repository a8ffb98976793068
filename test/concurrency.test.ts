import { describe, expect, it, vi } from 'vitest';
import type { ApiError, Parcel } from './support/api.js';
import { useTestApp } from './support/app.js';
import { createWorld, enterParcel, expectStatus, staffLogin } from './support/factories.js';

// Codes drawn from a pool of 100, so that 50 concurrent receipts in one community collide often
// and the unique index (with the transaction retried) is what keeps codes unique.
vi.mock('../src/server/modules/parcels/pickup-code.js', () => ({
  randomPickupCode: () => String(100_000 + Math.floor(Math.random() * 100)),
}));

// Transient failures on demand: the next `failNext.n` event inserts fail as PostgreSQL's
// serialization failure (40001) or deadlock (40P01) would, inside the transaction.
const failNext = vi.hoisted(() => ({ n: 0, code: '40001' }));
vi.mock('../src/server/modules/parcels/parcels.repo.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../src/server/modules/parcels/parcels.repo.js')>();
  return {
    ...orig,
    insertEvents: (...args: Parameters<typeof orig.insertEvents>) => {
      if (failNext.n > 0) {
        failNext.n--;
        return Promise.reject(Object.assign(new Error('could not serialize access due to concurrent update'), { code: failNext.code }));
      }
      return orig.insertEvents(...args);
    },
  };
});

const t = useTestApp();

describe('concurrency', () => {
  it('fifty concurrent receipts in one community each get a distinct code', async () => {
    const w = await createWorld(t.app);
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      ids.push(expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201).id);
    }
    // Two clerks' sessions, so that requests truly run side by side.
    const other = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const results = await Promise.all(ids.map((id, i) => (i % 2 ? other : w.admin).post<Parcel>(`/api/parcels/${id}/receive`, {})));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    const codes = results.map((r) => r.body.pickupCode as string);
    expect(new Set(codes).size).toBe(50);
    const rows = await t.database.db
      .selectFrom('parcels')
      .select('pickup_code')
      .where('community_id', '=', w.community.id)
      .where('status', '=', 'awaiting_pickup')
      .execute();
    expect(new Set(rows.map((r) => r.pickup_code)).size).toBe(50);
    // One event and one notice per receipt, no more.
    const events = await t.database.db
      .selectFrom('parcel_events')
      .select('id')
      .where('parcel_id', 'in', ids)
      .where('to_status', '=', 'awaiting_pickup')
      .execute();
    expect(events).toHaveLength(50);
    const outbox = await t.database.db.selectFrom('outbox').select('id').where('parcel_id', 'in', ids).execute();
    expect(outbox).toHaveLength(50);
  });

  it('fifty concurrent pickups of one parcel: exactly one succeeds, the rest get 409, one fee recorded', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    const results = await Promise.all(Array.from({ length: 50 }, () => w.admin.post<Parcel | ApiError>(`/api/parcels/${p.id}/pickup`, { feeFen: 0 })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(results.filter((r) => r.status === 409).every((r) => 'error' in r.body && r.body.error === 'invalid_state')).toBe(true);
    const events = await t.database.db.selectFrom('parcel_events').selectAll().where('parcel_id', '=', p.id).where('to_status', '=', 'picked_up').execute();
    expect(events).toHaveLength(1);
    const row = await t.database.db.selectFrom('parcels').select(['status', 'fee_charged_fen']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'picked_up', fee_charged_fen: 0 });
  });

  it('concurrent receive and reject of one pending parcel: one wins, the other is told it was handled', async () => {
    const w = await createWorld(t.app);
    for (let round = 0; round < 10; round++) {
      const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
      const [a, b] = await Promise.all([w.admin.post(`/api/parcels/${p.id}/receive`, {}), w.admin.post(`/api/parcels/${p.id}/reject`, {})]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const events = await t.database.db.selectFrom('parcel_events').select('id').where('parcel_id', '=', p.id).execute();
      expect(events).toHaveLength(2); // entry + the one move that won
    }
  });

  it('pickups at the shown fee and at none, fee waivers and rejections of one parcel at once: one consistent outcome, one event per success', async () => {
    const w = await createWorld(t.app);
    for (let round = 0; round < 8; round++) {
      const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
      expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
      t.clock.advance(3 * 86_400_000); // past the free day: a fee is due
      // Two clerks' sessions (staff sessions last 12 hours: signed in again after the clock moved).
      const [a, b] = [await staffLogin(t.app, w.adminUsername, 'admin-pass-123'), await staffLogin(t.app, w.adminUsername, 'admin-pass-123')];
      w.admin = a;
      const fee = expectStatus(await a.get<Parcel>(`/api/parcels/${p.id}`), 200).feeFen;
      expect(fee).toBeGreaterThan(0);
      const calls = [
        { kind: 'pickup', run: () => a.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: fee }) },
        { kind: 'waive', run: () => b.post<Parcel>(`/api/parcels/${p.id}/waive-fee`, {}) },
        { kind: 'pickup', run: () => a.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }) },
        { kind: 'reject', run: () => b.post<Parcel>(`/api/parcels/${p.id}/reject`, {}) },
        { kind: 'waive', run: () => a.post<Parcel>(`/api/parcels/${p.id}/waive-fee`, {}) },
        { kind: 'pickup', run: () => b.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: fee }) },
      ];
      if (round % 2) calls.reverse();
      const results = await Promise.all(calls.map((c) => c.run()));
      expect(results.map((r) => r.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
      const won = (kind: string) => results.filter((r, i) => r.status === 200 && calls[i]?.kind === kind).length;
      const row = await t.database.db
        .selectFrom('parcels')
        .select(['status', 'fee_charged_fen', 'fee_waived'])
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      const events = await t.database.db.selectFrom('parcel_events').select('to_status').where('parcel_id', '=', p.id).orderBy('id').execute();
      // At most one pickup and one waiver, at least one of them; never a rejection once received.
      // A waiver that lands first turns the pickups at the shown fee into fee_changed, so the one
      // that may win is the one at no fee (or none, when every pickup read the fee before it).
      const [pickups, waivers] = [won('pickup'), won('waive')];
      expect({ pickups: pickups <= 1, waivers: waivers <= 1, some: pickups + waivers > 0, rejects: won('reject') }).toEqual({
        pickups: true,
        waivers: true,
        some: true,
        rejects: 0,
      });
      expect(row).toEqual({
        status: pickups ? 'picked_up' : 'awaiting_pickup',
        fee_waived: waivers,
        fee_charged_fen: pickups ? (waivers ? 0 : fee) : null,
      });
      // One event per call that succeeded, after the entry and the receipt.
      expect(events.map((e) => e.to_status)).toEqual([
        'pending_receipt',
        'awaiting_pickup',
        ...(waivers ? ['awaiting_pickup'] : []),
        ...(pickups ? ['picked_up'] : []),
      ]);
    }
  });

  it('a serialization failure or deadlock inside a move is retried, never answered with 500', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    failNext.code = '40001';
    failNext.n = 2;
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    failNext.code = '40P01';
    failNext.n = 1;
    const picked = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);
    expect(picked.status).toBe('picked_up');
    expect(failNext.n).toBe(0);
    const events = await t.database.db.selectFrom('parcel_events').select('to_status').where('parcel_id', '=', p.id).orderBy('id').execute();
    expect(events.map((e) => e.to_status)).toEqual(['pending_receipt', 'awaiting_pickup', 'picked_up']);
  });

  it('after all these races the kept counts per community and state equal a real count', async () => {
    const kept = (
      await t.database.db
        .selectFrom('parcel_counts')
        .select((eb) => ['community_id', 'status', eb.fn.sum<number>('n').as('n')])
        .groupBy(['community_id', 'status'])
        .execute()
    ).filter((r) => Number(r.n) !== 0);
    const real = await t.database.db
      .selectFrom('parcels')
      .select((eb) => ['community_id', 'status', eb.fn.countAll<number>().as('n')])
      .groupBy(['community_id', 'status'])
      .execute();
    const key = (r: { community_id: number; status: string; n: number | string | bigint }) => `${r.community_id}:${r.status}:${Number(r.n)}`;
    expect(kept.map(key).sort()).toEqual(real.map(key).sort());
    expect(real.length).toBeGreaterThan(2);
  });
});
