// 数据看板 (SPEC §18, issue 20 point 2) on both databases: a known week of parcels, moved with the
// injected clock, and every figure of the stats calls checked against a hand count: a day with no
// parcels, a waived fee, a pickup after midnight, a desk intake without a courier, a return, a
// stale parcel, and a clerk limited to one community. Then the rollups against a recount from the
// parcels after 1,000 random moves (they must never drift).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { statsRecount } from '../src/server/db/migrations/2026120801_stats.js';
import type { Parcel } from './support/api.js';
import { dbKind, useTestApp } from './support/app.js';
import { createClerk, createCommunity, createWorld, enterParcel, expectError, expectStatus, staffLogin, type World } from './support/factories.js';

const t = useTestApp();
const HOUR = 3_600_000;
/** Shanghai wall time of the week's day `d` (1 = Monday 2026-03-02) at `hh:mm`, as the instant. */
const at = (d: number, hhmm: string) => new Date(Date.parse(`2026-03-0${d + 1}T${hhmm}:00+08:00`)).toISOString();
const day = (d: number) => `2026-03-0${d + 1}`;
const trackingNo = () => `ST${randomBytes(5).toString('hex').toUpperCase()}`;

interface Summary {
  received: number;
  pickedUp: number;
  rejected: number;
  returned: number;
  waitingNow: number;
  staleNow: number;
  dwellMedianHours: number | null;
  dwellP90Hours: number | null;
  feeIncomeFen: number;
  feeWaived: number;
  serviceIncomeFen: number;
  smsSent: number;
}
interface Daily {
  items: { day: string; received: number; pickedUp: number; rejected: number; returned: number; feeIncomeFen: number; smsSent: number }[];
}

/**
 * A staff session lives 12 hours unused and 24 hours at most: a test that moves the clock by days
 * signs the admin in again as it goes (a clerk would too).
 */
function desk(w: World) {
  let admin = w.admin;
  let since = t.clock.t;
  return async () => {
    if (t.clock.t - since > 10 * HOUR) {
      admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
      since = t.clock.t;
    }
    return admin;
  };
}

async function week() {
  t.clock.set(at(1, '08:00'));
  const w = await createWorld(t.app); // community A: 2元/天, courier 百世
  const admin = desk(w);
  expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { returnAfterDays: 3 }), 200);
  const b = await createCommunity(w.admin, { feeRateFen: 100 });
  expectStatus(await w.admin.post('/api/couriers', { communityId: b.id, name: w.courierName, phone: w.courierPhone, carrier: '中通' }), 201);
  const clerk = await createClerk(t.app, w.admin, [b.id]);

  const enter = async (communityId: number) => expectStatus(await enterParcel(w.courier, { communityId, recipientPhone: w.residentPhone }), 201);
  const receive = async (p: Parcel) => expectStatus(await (await admin()).post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
  const pickup = async (p: Parcel) => {
    const now = expectStatus(await (await admin()).get<Parcel>(`/api/parcels/${p.id}`), 200);
    return expectStatus(await (await admin()).post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: now.feeFen }), 200);
  };
  const go = (d: number, hhmm: string) => t.clock.set(at(d, hhmm));
  const sms: Record<string, number> = {};
  /** Sends what is queued, and counts the SMS the day got (by the outbox's rows, as sent now). */
  const send = async (d: number) => {
    const before = await sentSms();
    await t.app.outbox.runOnce();
    sms[day(d)] = (sms[day(d)] ?? 0) + (await sentSms()) - before;
  };
  const sentSms = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', w.org.id)
          .where('channel', '=', 'sms')
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow()
      ).n,
    );

  // Day 1 (Monday): three received in A, one rejected; p1 picked up the same evening (12 h).
  go(1, '09:00');
  const p1 = await receive(await enter(w.community.id));
  const p2 = await receive(await enter(w.community.id));
  const p3 = await enter(w.community.id);
  expectStatus(await (await admin()).post(`/api/parcels/${p3.id}/reject`, { reason: '地址不详' }), 200);
  go(1, '10:00');
  const p9 = await receive(await enter(w.community.id)); // never collected: stale by day 5
  await send(1);
  go(1, '21:00');
  await pickup(p1);
  // Day 2: nothing at all.
  // Day 3: p2 picked up after 49 hours (2 days: ¥4.00); late in the evening p4 is received in B.
  go(3, '10:00');
  await pickup(p2);
  go(3, '23:30');
  const p4 = await receive(await enter(b.id));
  await send(3);
  // Day 4: p4 collected half past midnight, a day after it came (1 hour); p5 taken in at the desk, no courier.
  go(4, '00:30');
  await pickup(p4);
  go(4, '10:00');
  const p5 = expectStatus(
    await (
      await admin()
    ).post<Parcel>(
      '/api/parcels/desk-intake',
      { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '顺丰' },
      { 'idempotency-key': `stats-${randomBytes(6).toString('hex')}` },
    ),
    201,
  );
  await send(4);
  // Day 5: p6 received, flagged, returned to its courier.
  go(5, '09:00');
  const p6 = await receive(await enter(w.community.id));
  expectStatus(await (await admin()).post(`/api/parcels/${p6.id}/exception`, { kind: 'wrong_address' }), 200);
  go(5, '12:00');
  expectStatus(await (await admin()).post(`/api/parcels/${p6.id}/return`, {}), 200);
  await send(5);
  // Day 6: p5's fee (2 days, ¥4.00) waived, then it is collected (48 hours).
  go(6, '10:00');
  expectStatus(await (await admin()).post(`/api/parcels/${p5.id}/waive-fee`), 200);
  await pickup(p5);
  // Day 7: one each in A and B, still waiting at 18:00.
  go(7, '09:00');
  await receive(await enter(w.community.id));
  await receive(await enter(b.id));
  await send(7);
  go(7, '18:00');
  const clerkNow = await staffLogin(t.app, clerk.username, 'clerk-pass-123');
  return { w, b, admin: await admin(), clerk: clerkNow, sms, p9 };
}

const query = (extra = '') => `from=${day(1)}&to=${day(7)}${extra}`;

describe('数据看板: a known week, counted by hand', () => {
  it('answers every figure of the summary, the days, the couriers, the carriers and the communities', async () => {
    const { w, b, admin, clerk, sms } = await week();
    const summary = expectStatus(await admin.get<Summary>(`/api/stats/summary?${query()}`), 200);
    // Received p1 p2 p9 p4 p5 p6 and the two of day 7; picked up p1 p2 p4 p5; dwell 12, 49→48, 1, 48 hours.
    expect(summary).toMatchObject({
      received: 8,
      pickedUp: 4,
      rejected: 1,
      returned: 1,
      waitingNow: 3,
      staleNow: 1,
      dwellMedianHours: 12,
      dwellP90Hours: 48,
      feeIncomeFen: 400,
      feeWaived: 1,
      serviceIncomeFen: 0,
      smsSent: Object.values(sms).reduce((a, n) => a + n, 0),
    });
    expect(summary.smsSent).toBeGreaterThan(0);

    const daily = expectStatus(await admin.get<Daily>(`/api/stats/daily?${query()}`), 200);
    const row = (received: number, pickedUp: number, rejected: number, returned: number, feeIncomeFen: number) => ({
      received,
      pickedUp,
      rejected,
      returned,
      feeIncomeFen,
      // 送货上门 and 代寄 income: test/payments.test.ts.
      serviceIncomeFen: 0,
    });
    expect(daily.items.map(({ day: d, smsSent: _s, ...r }) => [d, r])).toEqual([
      [day(1), row(3, 1, 1, 0, 0)],
      [day(2), row(0, 0, 0, 0, 0)],
      [day(3), row(1, 1, 0, 0, 400)],
      [day(4), row(1, 1, 0, 0, 0)],
      [day(5), row(1, 0, 0, 1, 0)],
      [day(6), row(0, 1, 0, 0, 0)],
      [day(7), row(2, 0, 0, 0, 0)],
    ]);
    expect(daily.items.map((d) => d.smsSent)).toEqual([1, 2, 3, 4, 5, 6, 7].map((d) => sms[day(d)] ?? 0));

    const couriers = expectStatus(await admin.get<{ items: unknown[] }>(`/api/stats/by-courier?${query()}`), 200);
    expect(couriers.items).toEqual([
      { courierId: w.courierRecord.id, name: w.courierName, carrier: '百世', received: 5, rejected: 1, returned: 1 },
      { courierId: expect.any(Number), name: w.courierName, carrier: '中通快递', received: 2, rejected: 0, returned: 0 },
      { courierId: null, name: '（前台入库）', carrier: '顺丰速运', received: 1, rejected: 0, returned: 0 },
    ]);
    const carriers = expectStatus(await admin.get<{ items: unknown[] }>(`/api/stats/by-carrier?${query()}`), 200);
    expect(carriers.items).toEqual([
      { carrier: '百世', received: 5, pickedUp: 2, rejected: 1, returned: 1 },
      { carrier: '中通快递', received: 2, pickedUp: 1, rejected: 0, returned: 0 },
      { carrier: '顺丰速运', received: 1, pickedUp: 1, rejected: 0, returned: 0 },
    ]);
    const communities = expectStatus(await admin.get<{ items: unknown[] }>(`/api/stats/by-community?${query()}`), 200);
    expect(communities.items).toEqual([
      { communityId: w.community.id, name: w.community.name, received: 6, pickedUp: 3, feeIncomeFen: 400, serviceIncomeFen: 0, waitingNow: 2 },
      { communityId: b.id, name: b.name, received: 2, pickedUp: 1, feeIncomeFen: 0, serviceIncomeFen: 0, waitingNow: 1 },
    ]);

    // One community; one day; the clerk of B sees B only, and not A at all.
    expect(expectStatus(await admin.get<Summary>(`/api/stats/summary?${query(`&communityId=${w.community.id}`)}`), 200)).toMatchObject({
      received: 6,
      pickedUp: 3,
      waitingNow: 2,
      staleNow: 1,
      feeIncomeFen: 400,
      dwellMedianHours: 48, // 12, 48 (49 hours), 48
    });
    expect(expectStatus(await admin.get<Summary>(`/api/stats/summary?from=${day(4)}&to=${day(4)}`), 200)).toMatchObject({
      received: 1,
      pickedUp: 1,
      dwellMedianHours: 1,
      dwellP90Hours: 1,
    });
    expect(expectStatus(await clerk.get<Summary>(`/api/stats/summary?${query()}`), 200)).toMatchObject({
      received: 2,
      pickedUp: 1,
      rejected: 0,
      returned: 0,
      waitingNow: 1,
      staleNow: 0,
      dwellMedianHours: 1,
      dwellP90Hours: 1,
      feeIncomeFen: 0,
    });
    const clerkCommunities = expectStatus(await clerk.get<{ items: { communityId: number }[] }>(`/api/stats/by-community?${query()}`), 200);
    expect(clerkCommunities.items.map((c) => c.communityId)).toEqual([b.id]);
    expectError(await clerk.get(`/api/stats/summary?${query(`&communityId=${w.community.id}`)}`), 404, 'not_found');
  });

  it('takes 7 days to today by default, refuses a range backwards or over 400 days, and exports the days', async () => {
    t.clock.set(at(7, '12:00'));
    const w = await createWorld(t.app);
    const s = expectStatus(await w.admin.get<{ from: string; to: string }>('/api/stats/summary'), 200);
    expect([s.from, s.to]).toEqual([day(1), day(7)]);
    expectError(await w.admin.get(`/api/stats/summary?from=${day(7)}&to=${day(1)}`), 400, 'validation_error');
    expectError(await w.admin.get('/api/stats/daily?from=2025-01-01&to=2026-03-08'), 400, 'validation_error');
    expectError(await w.admin.get('/api/stats/daily?from=2026-02-30'), 400, 'validation_error');
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/stats/daily/export?${query()}&format=csv`,
      headers: { cookie: `sid=${w.admin.cookie ?? ''}` },
    });
    expect(file.statusCode).toBe(200);
    const lines = file.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('日期,入库,出库,拒收,退回,保管费（元）,服务收入（元）,短信');
    expect(lines).toHaveLength(8);
  });
});

describe('the rollups never drift from the parcels', () => {
  it(`after 1,000 random moves (${dbKind}) they equal a recount`, async () => {
    const w: World = await createWorld(t.app);
    const admin = desk(w);
    const b = await createCommunity(w.admin, { feeRateFen: 50 });
    expectStatus(await w.admin.post('/api/couriers', { communityId: b.id, name: w.courierName, phone: w.courierPhone, carrier: '圆通' }), 201);
    const communities = [w.community.id, b.id];
    let seed = 20261208;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const open: Parcel[] = [];
    let moves = 0;
    while (moves < 1000) {
      t.clock.advance(random(90) * 60_000);
      const p = open.length > 0 && random(3) > 0 ? open.splice(random(open.length), 1)[0] : undefined;
      if (!p) {
        open.push(expectStatus(await enterParcel(w.courier, { communityId: communities[random(2)] ?? w.community.id, recipientPhone: w.residentPhone }), 201));
        moves++;
        continue;
      }
      const now = expectStatus(await (await admin()).get<Parcel>(`/api/parcels/${p.id}`), 200);
      const choices = now.actions;
      const move = choices[random(choices.length)];
      if (!move) continue;
      const path: Record<string, [string, Record<string, unknown>]> = {
        receive: ['receive', {}],
        reject: ['reject', {}],
        pickup: ['pickup', { feeFen: now.feeFen }],
        waive: ['waive-fee', {}],
        flag: ['exception', { kind: 'other' }],
        resolve: ['resolve', {}],
        returnToCourier: ['return', {}],
        handOver: ['handover', {}],
      };
      const call = path[move];
      if (!call) {
        open.push(now);
        continue;
      }
      const r = await (await admin()).post<Parcel>(`/api/parcels/${p.id}/${call[0]}`, call[1]);
      expect(r.status, `${move}: ${JSON.stringify(r.body)}`).toBe(200);
      moves++;
      if (!['picked_up', 'rejected'].includes(r.body.status) && !(r.body.status === 'returned' && move === 'handOver')) open.push(r.body);
    }
    await t.app.outbox.runOnce();
    // The kept rows, summed over their shards, against the same statements run on empty copies.
    const kept = await rollups();
    const pg = dbKind === 'postgres';
    for (const table of ['parcel_daily', 'parcel_dwell', 'message_daily']) await sql`DELETE FROM ${sql.table(table)}`.execute(t.database.db);
    for (const q of statsRecount(pg)) await q.execute(t.database.db);
    expect(await rollups()).toEqual(kept);
    expect(kept.daily.length).toBeGreaterThan(0);
  }, 120_000);
});

/** The rollups' rows summed over their shards, in a fixed order (zero rows dropped: a share taken out leaves one). */
async function rollups() {
  const db = t.database.db;
  const daily = await sql<Record<string, unknown>>`SELECT community_id, day, courier_id, carrier, sum(received) AS received, sum(picked_up) AS picked_up,
      sum(rejected) AS rejected, sum(returned) AS returned, sum(fee_fen) AS fee_fen, sum(waived) AS waived
    FROM parcel_daily GROUP BY community_id, day, courier_id, carrier
    HAVING sum(received) <> 0 OR sum(picked_up) <> 0 OR sum(rejected) <> 0 OR sum(returned) <> 0 OR sum(fee_fen) <> 0 OR sum(waived) <> 0
    ORDER BY community_id, day, courier_id, carrier`.execute(db);
  const dwell = await sql<Record<string, unknown>>`SELECT community_id, day, hours, sum(n) AS n FROM parcel_dwell GROUP BY community_id, day, hours
    HAVING sum(n) <> 0 ORDER BY community_id, day, hours`.execute(db);
  const messages = await sql<
    Record<string, unknown>
  >`SELECT community_id, day, channel, sum(sent) AS sent FROM message_daily GROUP BY community_id, day, channel
    HAVING sum(sent) <> 0 ORDER BY community_id, day, channel`.execute(db);
  const norm = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
  return { daily: norm(daily.rows), dwell: norm(dwell.rows), messages: norm(messages.rows) };
}
