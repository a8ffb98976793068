import { describe, expect, it } from 'vitest';
import { maskPhone } from '../src/shared/phone.js';
import type {
  AppState,
  BatchResult,
  Community,
  Courier,
  CourierCommunities,
  Notification,
  Page,
  Parcel,
  ParcelDetail,
  Resident,
  Staff,
} from './support/api.js';
import { useTestApp } from './support/app.js';
import {
  Client,
  courierLogin,
  createClerk,
  createCommunity,
  createOrg,
  createWorld,
  createWorldWithParcels,
  enterParcel,
  expectError,
  expectStatus,
  randomMobile,
  residentLogin,
  staffLogin,
  uniq,
  type World,
} from './support/factories.js';

const t = useTestApp();

const DAY = 24 * 3_600_000;

const ids = (page: { items: { id: number }[] }) => page.items.map((i) => i.id);

/**
 * Moves the test clock on. Staff sessions last 12 hours, so the admin signs in again afterwards
 * (couriers' and residents' sessions last 30 days).
 */
async function later(ms: number, ...worlds: { admin: Client; adminUsername: string }[]): Promise<void> {
  t.clock.advance(ms);
  for (const w of worlds) w.admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
}

/** Every single-id call a staff member could make on another world's records. */
function callsOnIdsOf(b: World & { pending: { id: number }; awaiting: { id: number } }) {
  return [
    (c: Client) => c.get(`/api/couriers/${b.courierRecord.id}`),
    (c: Client) => c.patch(`/api/couriers/${b.courierRecord.id}`, { name: '偷改' }),
    (c: Client) => c.delete(`/api/couriers/${b.courierRecord.id}`),
    (c: Client) => c.get(`/api/residents/${b.resident.id}`),
    (c: Client) => c.patch(`/api/residents/${b.resident.id}`, { name: '偷改' }),
    (c: Client) => c.delete(`/api/residents/${b.resident.id}`),
    (c: Client) => c.get(`/api/communities/${b.community.id}`),
    (c: Client) => c.get(`/api/parcels/${b.pending.id}`),
    (c: Client) => c.get(`/api/parcels/${b.awaiting.id}`),
    (c: Client) => c.post(`/api/parcels/${b.pending.id}/receive`, { damaged: true }),
    (c: Client) => c.post(`/api/parcels/${b.pending.id}/reject`, { reason: '偷拒' }),
    (c: Client) => c.post(`/api/parcels/${b.awaiting.id}/pickup`, { feeFen: 0 }),
    (c: Client) => c.post(`/api/parcels/${b.awaiting.id}/pickup`, { feeFen: 400 }),
    (c: Client) => c.post(`/api/parcels/${b.awaiting.id}/waive-fee`),
    (c: Client) => c.post(`/api/parcels/${b.awaiting.id}/receive`, {}),
  ];
}

/** B's records as B's admin sees them, to compare before and after A's attempts. */
async function snapshot(b: World & { pending: { id: number }; awaiting: { id: number } }) {
  return {
    courier: expectStatus(await b.admin.get<Courier>(`/api/couriers/${b.courierRecord.id}`), 200),
    resident: expectStatus(await b.admin.get<Resident>(`/api/residents/${b.resident.id}`), 200),
    community: expectStatus(await b.admin.get<Community>(`/api/communities/${b.community.id}`), 200),
    pending: expectStatus(await b.admin.get<ParcelDetail>(`/api/parcels/${b.pending.id}`), 200),
    awaiting: expectStatus(await b.admin.get<ParcelDetail>(`/api/parcels/${b.awaiting.id}`), 200),
    staff: expectStatus(await b.admin.get<Page<Staff>>('/api/staff'), 200),
    app: expectStatus(await b.admin.get<AppState>('/api/app'), 200),
  };
}

describe('between orgs', () => {
  it("staff of org A get 404 (not 403) on every id of org B, and B's data stays as it was", async () => {
    const a = await createWorldWithParcels(t.app);
    const b = await createWorldWithParcels(t.app);
    await later(2 * DAY + 60_000, a, b); // B's awaiting parcel now owes a fee that could be waived
    const { client: clerkA } = await createClerk(t.app, a.admin, [a.community.id]);
    const { staff: clerkB } = await createClerk(t.app, b.admin, [b.community.id]);
    const before = await snapshot(b);
    expect(before.awaiting.feeFen).toBe(400);

    for (const who of [a.admin, clerkA]) {
      for (const call of callsOnIdsOf(b)) expectError(await call(who), 404, 'not_found');
    }
    // Admin-only routes: the admin of A gets 404 for B's ids, as if they did not exist.
    expectError(await a.admin.patch(`/api/communities/${b.community.id}`, { feeRateFen: 0, collectionPointName: '偷改' }), 404, 'not_found');
    for (const id of [b.adminId, clerkB.id]) {
      expectError(await a.admin.get(`/api/staff/${id}`), 404, 'not_found');
      expectError(await a.admin.patch(`/api/staff/${id}`, { disabled: true }), 404, 'not_found');
      expectError(await a.admin.patch(`/api/staff/${id}`, { password: 'taken-over-123' }), 404, 'not_found');
    }

    // Batch moves report B's parcels as not found and move none of them.
    for (const path of ['/api/parcels/receive', '/api/parcels/reject']) {
      for (const who of [a.admin, clerkA]) {
        const r = expectStatus(await who.post<BatchResult>(path, { ids: [b.pending.id, b.awaiting.id] }), 200);
        expect(r.done).toEqual([]);
        expect(r.failed.map((f: { id: number; error: string }) => [f.id, f.error])).toEqual([
          [b.pending.id, 'not_found'],
          [b.awaiting.id, 'not_found'],
        ]);
      }
    }
    // A's own parcel in the same batch is done; B's is still refused.
    const mixed = expectStatus(await a.admin.post<BatchResult>('/api/parcels/receive', { ids: [a.pending.id, b.pending.id] }), 200);
    expect(mixed.done).toEqual([a.pending.id]);
    expect(mixed.failed).toMatchObject([{ id: b.pending.id, error: 'not_found' }]);

    // A courier record or a resident of A cannot be moved into B's community, nor created there.
    expectError(await a.admin.patch(`/api/couriers/${a.courierRecord.id}`, { communityId: b.community.id }), 404, 'not_found');
    expectError(await a.admin.patch(`/api/residents/${a.resident.id}`, { communityId: b.community.id }), 404, 'not_found');
    expectError(await a.admin.post('/api/couriers', { communityId: b.community.id, name: '潜入', phone: randomMobile(), carrier: '百世' }), 404, 'not_found');
    expectError(
      await a.admin.post('/api/residents', { communityId: b.community.id, name: '潜入', phone: randomMobile(), building: '1', unit: '1', room: '1' }),
      404,
      'not_found',
    );

    expect(await snapshot(b)).toEqual(before);
    // B's disabled-or-not admin still works, with the old password.
    expectStatus(await b.admin.get('/api/me'), 200);
  });

  it("lists of org A never include org B's rows, and filtering by B's community returns nothing", async () => {
    const a = await createWorldWithParcels(t.app);
    const b = await createWorldWithParcels(t.app);
    const { client: clerkA } = await createClerk(t.app, a.admin, [a.community.id]);

    for (const who of [a.admin, clerkA]) {
      const communities = expectStatus(await who.get<Page<Community>>('/api/communities'), 200);
      expect(communities).toEqual({ items: [a.community], total: 1 });
      expect(expectStatus(await who.get('/api/couriers'), 200)).toEqual({ items: [a.courierRecord], total: 1 });
      expect(expectStatus(await who.get('/api/residents'), 200)).toEqual({ items: [a.resident], total: 1 });
      const parcels = expectStatus(await who.get<Page<Parcel>>('/api/parcels'), 200);
      expect(parcels.total).toBe(2);
      expect(ids(parcels).sort()).toEqual([a.pending.id, a.awaiting.id].sort());
      expect(expectStatus(await who.get('/api/parcels/counts'), 200)).toMatchObject({ all: 2, pending_receipt: 1, awaiting_pickup: 1 });

      // Filtering by B's community, B's courier or B's codes finds nothing.
      const none = { items: [], total: 0 };
      expect(expectStatus(await who.get(`/api/couriers?communityId=${b.community.id}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/residents?communityId=${b.community.id}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/parcels?communityId=${b.community.id}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/parcels?courierId=${b.courierRecord.id}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/parcels?q=${b.pending.trackingNo}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/parcels?q=${b.residentPhone}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/couriers?q=${b.courierPhone}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/residents?q=${b.residentPhone}`), 200)).toEqual(none);
      expect(expectStatus(await who.get(`/api/parcels/counts?communityId=${b.community.id}`), 200)).toMatchObject({ all: 0 });
      const byCode = expectStatus(await who.get<Page<Parcel>>(`/api/parcels?q=${b.awaiting.pickupCode}`), 200);
      expect(ids(byCode)).not.toContain(b.awaiting.id);
    }

    const staff = expectStatus(await a.admin.get<Page<Staff>>('/api/staff'), 200);
    expect(staff.items.every((s: { orgId: number }) => s.orgId === a.org.id)).toBe(true);
    expect(ids(staff)).not.toContain(b.adminId);
    const notifications = expectStatus(await a.admin.get<Page<Notification>>('/api/notifications'), 200);
    expect(notifications.items.every((n: { parcelId: number | null }) => n.parcelId === a.awaiting.id)).toBe(true);
    expect(notifications.total).toBeGreaterThan(0);
  });

  it("a courier of org A cannot enter parcels into org B's communities", async () => {
    const a = await createWorld(t.app);
    const b = await createWorld(t.app);
    expectError(await enterParcel(a.courier, { communityId: b.community.id, recipientPhone: b.residentPhone }), 403, 'not_your_community');
    expect(expectStatus(await b.admin.get<Page<Parcel>>('/api/parcels'), 200).total).toBe(0);
    const mine = expectStatus(await a.courier.get<CourierCommunities>('/api/courier/communities'), 200);
    expect(mine.items).toEqual([{ communityId: a.community.id, communityName: a.community.name, carrier: '百世' }]);
  });
});

describe('between the communities of one org', () => {
  it('a clerk of community X cannot see or act on parcels, couriers and residents of community Y', async () => {
    const org = await createOrg(t.app);
    let admin = org.admin;
    const x = await createCommunity(admin, { feeRateFen: 200 });
    const y = await createCommunity(admin, { feeRateFen: 200 });
    // One courier delivering to both communities, one resident in each.
    const courierPhone = randomMobile();
    const inX = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: x.id, name: '双区师傅', phone: courierPhone, carrier: '百世' }), 201);
    const inY = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: y.id, name: '双区师傅', phone: courierPhone, carrier: '申通' }), 201);
    const courier = await courierLogin(t.app, courierPhone, '双区师傅');
    const resX = expectStatus(
      await admin.post<Resident>('/api/residents', { communityId: x.id, name: '甲', phone: randomMobile(), building: '1', unit: '1', room: '101' }),
      201,
    );
    const resY = expectStatus(
      await admin.post<Resident>('/api/residents', { communityId: y.id, name: '乙', phone: randomMobile(), building: '2', unit: '1', room: '101' }),
      201,
    );
    const pX = expectStatus(await enterParcel(courier, { communityId: x.id, recipientPhone: resX.phone }), 201);
    const pY = expectStatus(await enterParcel(courier, { communityId: y.id, recipientPhone: resY.phone }), 201);
    const pY2 = expectStatus(await enterParcel(courier, { communityId: y.id, recipientPhone: resY.phone }), 201);
    const awaitingY = expectStatus(await admin.post<Parcel>(`/api/parcels/${pY2.id}/receive`, {}), 200);
    await later(DAY + 60_000, org);
    admin = org.admin;

    const { client: clerk } = await createClerk(t.app, admin, [x.id]);
    expect(expectStatus(await clerk.get('/api/parcels'), 200)).toMatchObject({ total: 1, items: [{ id: pX.id, communityId: x.id }] });
    expect(expectStatus(await clerk.get(`/api/parcels?communityId=${y.id}`), 200)).toEqual({ items: [], total: 0 });
    expect(expectStatus(await clerk.get('/api/parcels/counts'), 200)).toMatchObject({ all: 1, pending_receipt: 1, awaiting_pickup: 0 });
    expect(expectStatus(await clerk.get('/api/couriers'), 200)).toEqual({ items: [inX], total: 1 });
    expect(expectStatus(await clerk.get('/api/residents'), 200)).toEqual({ items: [resX], total: 1 });
    expect(expectStatus(await clerk.get('/api/communities'), 200)).toEqual({ items: [x], total: 1 });

    for (const r of [
      await clerk.get(`/api/parcels/${pY.id}`),
      await clerk.post(`/api/parcels/${pY.id}/receive`, {}),
      await clerk.post(`/api/parcels/${pY.id}/reject`, {}),
      await clerk.post(`/api/parcels/${awaitingY.id}/pickup`, { feeFen: 200 }),
      await clerk.post(`/api/parcels/${awaitingY.id}/waive-fee`),
      await clerk.get(`/api/couriers/${inY.id}`),
      await clerk.patch(`/api/couriers/${inY.id}`, { name: '改' }),
      await clerk.delete(`/api/couriers/${inY.id}`),
      await clerk.get(`/api/residents/${resY.id}`),
      await clerk.patch(`/api/residents/${resY.id}`, { name: '改' }),
      await clerk.delete(`/api/residents/${resY.id}`),
      await clerk.get(`/api/communities/${y.id}`),
    ]) {
      expectError(r, 404, 'not_found');
    }
    const batch = expectStatus(await clerk.post<BatchResult>('/api/parcels/reject', { ids: [pY.id, pX.id] }), 200);
    expect(batch.done).toEqual([pX.id]);
    expect(batch.failed).toMatchObject([{ id: pY.id, error: 'not_found' }]);

    // Y is untouched; the admin sees both communities.
    expect(expectStatus(await admin.get(`/api/parcels/${pY.id}`), 200)).toMatchObject({ status: 'pending_receipt' });
    expect(expectStatus(await admin.get(`/api/parcels/${awaitingY.id}`), 200)).toMatchObject({ status: 'awaiting_pickup', feeFen: 200, feeWaived: false });
    expect(expectStatus(await admin.get(`/api/couriers/${inY.id}`), 200)).toEqual(inY);
    expect(expectStatus(await admin.get(`/api/residents/${resY.id}`), 200)).toEqual(resY);
    expect(expectStatus(await admin.get<Page<Parcel>>('/api/parcels'), 200).total).toBe(3);
  });
});

describe('couriers and residents see only their own parcels', () => {
  it('each courier sees only the parcels they entered, with recipient phones masked and no pickup code', async () => {
    const w = await createWorld(t.app);
    const otherPhone = randomMobile();
    const otherName = uniq('快递员');
    expectStatus(await w.admin.post('/api/couriers', { communityId: w.community.id, name: otherName, phone: otherPhone, carrier: '中通' }), 201);
    const other = await courierLogin(t.app, otherPhone, otherName);

    const mine1 = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const mine2 = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: randomMobile() }), 201);
    const theirs = expectStatus(await enterParcel(other, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expect(theirs.carrier).toBe('中通快递');

    // The entry answer already masks the recipient's phone.
    expect(mine1.recipientPhone).toBe(maskPhone(w.residentPhone));
    expect(mine1.recipientPhone).toMatch(/^\*{7}\d{4}$/);
    expect(mine1.recipientPhone.slice(-4)).toBe(w.residentPhone.slice(-4));

    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${mine1.id}/receive`, {}), 200);
    expect(received.pickupCode).toMatch(/^\d{6}$/);

    const list1 = expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/parcels'), 200);
    expect(list1.total).toBe(2);
    expect(ids(list1)).toEqual([mine2.id, mine1.id]); // newest first
    const list2 = expectStatus(await other.get<Page<Parcel>>('/api/courier/parcels'), 200);
    expect(list2).toMatchObject({ total: 1, items: [{ id: theirs.id }] });

    for (const p of [...list1.items, ...list2.items]) {
      expect(p.recipientPhone).toMatch(/^\*{7}\d{4}$/);
      expect(p.pickupCode).toBeNull();
    }
    const seen = list1.items.find((p: { id: number }) => p.id === mine1.id);
    expect(seen).toMatchObject({ status: 'awaiting_pickup', pickupCode: null, recipientPhone: maskPhone(w.residentPhone) });
    const text = JSON.stringify(list1);
    expect(text).not.toContain(w.residentPhone);
    expect(text).not.toContain(`"${received.pickupCode}"`);

    const awaiting = expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/parcels?status=awaiting_pickup'), 200);
    expect(ids(awaiting)).toEqual([mine1.id]);
    expect(expectStatus(await other.get('/api/courier/parcels?status=awaiting_pickup'), 200)).toEqual({ items: [], total: 0 });
  });

  it('a resident sees only the parcels addressed to their phone, with the pickup code while awaiting', async () => {
    const w = await createWorld(t.app);
    const neighbour = randomMobile();
    const toMe = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const toMe2 = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const toNeighbour = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: neighbour }), 201);
    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${toMe.id}/receive`, {}), 200);
    expectStatus(await w.admin.post(`/api/parcels/${toNeighbour.id}/receive`, {}), 200);

    const me = await residentLogin(t.app, w.residentPhone);
    const mine = expectStatus(await me.get<Page<Parcel>>('/api/resident/parcels'), 200);
    expect(mine.total).toBe(2);
    expect(ids(mine)).toEqual([toMe2.id, toMe.id]);
    expect(mine.items.every((p: { recipientPhone: string }) => p.recipientPhone === w.residentPhone)).toBe(true);
    const awaiting = expectStatus(await me.get<Page<Parcel>>('/api/resident/parcels?status=awaiting_pickup'), 200);
    expect(awaiting).toMatchObject({ total: 1, items: [{ id: toMe.id, pickupCode: received.pickupCode }] });
    // The courier's phone is shown masked to residents.
    expect(awaiting.items[0]?.courier.phone).toBe(maskPhone(w.courierPhone));

    const them = await residentLogin(t.app, neighbour);
    const theirs = expectStatus(await them.get<Page<Parcel>>('/api/resident/parcels'), 200);
    expect(ids(theirs)).toEqual([toNeighbour.id]);
    expect(JSON.stringify(theirs)).not.toContain(`"${received.pickupCode}"`);

    const stranger = await residentLogin(t.app, randomMobile());
    expect(expectStatus(await stranger.get('/api/resident/parcels'), 200)).toEqual({ items: [], total: 0 });
  });
});

describe('sessions of the wrong kind', () => {
  it('staff routes answer 401 to a courier or resident session; courier and resident routes answer 401 to the others', async () => {
    const w = await createWorld(t.app);
    const parcel = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const resident = await residentLogin(t.app, w.residentPhone);
    const anonymous = new Client(t.app);

    const staffCalls = [
      (c: Client) => c.get('/api/communities'),
      (c: Client) => c.get(`/api/communities/${w.community.id}`),
      (c: Client) => c.post('/api/communities', { name: uniq('小区') }),
      (c: Client) => c.patch(`/api/communities/${w.community.id}`, { feeRateFen: 0 }),
      (c: Client) => c.get('/api/couriers'),
      (c: Client) => c.get(`/api/couriers/${w.courierRecord.id}`),
      (c: Client) => c.post('/api/couriers', { communityId: w.community.id, name: '冒充', phone: randomMobile(), carrier: '百世' }),
      (c: Client) => c.patch(`/api/couriers/${w.courierRecord.id}`, { name: '冒充' }),
      (c: Client) => c.delete(`/api/couriers/${w.courierRecord.id}`),
      (c: Client) => c.get('/api/residents'),
      (c: Client) => c.get(`/api/residents/${w.resident.id}`),
      (c: Client) => c.delete(`/api/residents/${w.resident.id}`),
      (c: Client) => c.get('/api/parcels'),
      (c: Client) => c.get('/api/parcels/counts'),
      (c: Client) => c.get(`/api/parcels/${parcel.id}`),
      (c: Client) => c.post(`/api/parcels/${parcel.id}/receive`, {}),
      (c: Client) => c.post(`/api/parcels/${parcel.id}/reject`, {}),
      (c: Client) => c.post('/api/parcels/receive', { ids: [parcel.id] }),
      (c: Client) => c.get('/api/staff'),
      (c: Client) => c.post('/api/staff', { username: uniq('x'), password: 'password-123', role: 'admin' }),
      (c: Client) => c.get('/api/app'),
      (c: Client) => c.put('/api/app', { enabled: false }),
      (c: Client) => c.get('/api/notifications'),
    ];
    for (const who of [w.courier, resident, anonymous]) {
      for (const call of staffCalls) expectError(await call(who), 401, 'unauthorized');
    }

    const entry = { communityId: w.community.id, recipientPhone: w.residentPhone };
    for (const who of [w.admin, resident, anonymous]) {
      expectError(await who.get('/api/courier/communities'), 401, 'unauthorized');
      expectError(await who.get('/api/courier/parcels'), 401, 'unauthorized');
      expectError(await enterParcel(who, entry), 401, 'unauthorized');
    }
    for (const who of [w.admin, w.courier, anonymous]) {
      expectError(await who.get('/api/resident/parcels'), 401, 'unauthorized');
    }

    // None of it changed anything.
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${parcel.id}`), 200).status).toBe('pending_receipt');
    expect(expectStatus(await w.admin.get<Page<Parcel>>('/api/parcels'), 200).total).toBe(1);
    expect(expectStatus(await w.admin.get<Page<Courier>>('/api/couriers'), 200).items).toEqual([w.courierRecord]);
    expect(expectStatus(await w.admin.get<Page<Resident>>('/api/residents'), 200).items).toEqual([w.resident]);
    expect(expectStatus(await w.admin.get<Page<Community>>('/api/communities'), 200).items).toEqual([w.community]);
    expect(expectStatus(await w.admin.get('/api/app'), 200)).toEqual({ enabled: true });
  });
});
