// The hourly housekeeping (issue 24 point 4, issue 16): idempotency keys are dropped after 48
// hours and no sooner, desk keys too; shelf-label counters of days more than a week past go.
import { describe, expect, it } from 'vitest';
import type { Parcel, Shelf } from './support/api.js';
import { useTestApp } from './support/app.js';
import { createWorld, courierLogin, enterParcel, expectStatus, staffLogin } from './support/factories.js';
import { housekeep } from '../src/server/housekeeping.js';

const t = useTestApp();
const HOUR = 3_600_000;

describe('housekeeping', () => {
  it('drops idempotency keys older than 48 hours, keeps younger ones, and old shelf serials', async () => {
    const w = await createWorld(t.app);
    expectStatus(await w.admin.post<Shelf>(`/api/communities/${w.community.id}/shelves`, { code: 'A', layers: 2, capacity: 50 }), 201);
    const desk = (admin: typeof w.admin, no: string, key: string) =>
      admin.post<Parcel>(
        '/api/parcels/desk-intake',
        { communityId: w.community.id, trackingNo: no, recipientPhone: w.residentPhone },
        { 'idempotency-key': key },
      );
    const oldEntry = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }, 'entry-old'), 201);
    expectStatus(await desk(w.admin, 'SF1000000000001', 'desk-old'), 201);

    t.clock.advance(47 * HOUR);
    // Sessions last a day: sign in again.
    const courier = await courierLogin(t.app, w.courierPhone, w.courierName);
    const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const young = expectStatus(
      await enterParcel(courier, { communityId: w.community.id, trackingNo: 'YT1000000000003', recipientPhone: w.residentPhone }, 'entry-young'),
      201,
    );
    const youngDesk = expectStatus(await desk(admin, 'SF1000000000002', 'desk-young'), 201);

    // At 47 hours nothing is old enough.
    await housekeep(t.app.ctx);
    const keys = async () =>
      (await t.database.db.selectFrom('idempotency_keys').select('key').where('key', 'like', 'entry-%').execute()).map((r) => r.key).sort();
    const deskKeys = async () =>
      (await t.database.db.selectFrom('desk_idempotency_keys').select('key').where('key', 'like', 'desk-%').execute()).map((r) => r.key).sort();
    expect(await keys()).toEqual(['entry-old', 'entry-young']);
    expect(await deskKeys()).toEqual(['desk-old', 'desk-young']);

    t.clock.advance(2 * HOUR);
    await housekeep(t.app.ctx);
    expect(await keys()).toEqual(['entry-young']);
    expect(await deskKeys()).toEqual(['desk-young']);
    // The young keys still replay their first answers.
    const replay = expectStatus(
      await enterParcel(courier, { communityId: w.community.id, trackingNo: 'YT1000000000003', recipientPhone: w.residentPhone }, 'entry-young'),
      201,
    );
    expect(replay.id).toBe(young.id);
    expect(replay.id).not.toBe(oldEntry.id);
    expect(expectStatus(await desk(admin, 'SF1000000000002', 'desk-young'), 201).id).toBe(youngDesk.id);

    // Label counters: two days so far; a week and a day later both are gone.
    const serialDays = async () => (await t.database.db.selectFrom('shelf_serials').select('day').where('community_id', '=', w.community.id).execute()).length;
    expect(await serialDays()).toBe(2);
    t.clock.advance(9 * 24 * HOUR);
    await housekeep(t.app.ctx);
    expect(await serialDays()).toBe(0);
  });
});
