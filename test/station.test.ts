// Station mode (SPEC §14, API.md "Station mode"): shelves, scan → phone, desk intake onto a
// shelf with a label, 移库, checkout by code, label, QR or phone tail — on both databases.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApiError, Parcel, Shelf } from './support/api.js';
import type { CheckoutResult, LookupResult } from '../src/web/api-types.js';
import { useTestApp } from './support/app.js';
import { shanghaiDayHour } from '../src/shared/time.js';
import { Client, createClerk, createCommunity, createWorld, enterParcel, expectStatus, randomMobile, staffLogin, uniq } from './support/factories.js';

const t = useTestApp();
const DAY = 86_400_000;

type Lookup = LookupResult;
type Checkout = CheckoutResult;

let seq = 0;
const trackingNo = () => `ST${randomBytes(5).toString('hex').toUpperCase()}${++seq}`;
const key = () => `desk-${randomBytes(8).toString('hex')}`;

function deskIntake<T = Parcel>(c: Client, body: Record<string, unknown>, k = key()) {
  return c.post<T>('/api/parcels/desk-intake', body, { 'idempotency-key': k });
}

async function shelf(c: Client, communityId: number, code: string, layers = 3, capacity = 100) {
  return expectStatus(await c.post<Shelf>(`/api/communities/${communityId}/shelves`, { code, layers, capacity }), 201);
}

async function residentAt(c: Client, communityId: number, phone = randomMobile(), name = uniq('住户'), room = '301') {
  expectStatus(await c.post('/api/residents', { communityId, name, phone, building: '2', unit: '1', room }), 201);
  return { phone, name };
}

describe('货架管理', () => {
  it('adds, lists with occupancy, edits and deletes shelves; a shelf with waiting parcels is not deleted', async () => {
    const w = await createWorld(t.app);
    const a = await shelf(w.admin, w.community.id, 'a', 4, 50);
    expect(a).toMatchObject({ code: 'A', layers: 4, capacity: 50, occupied: 0, communityId: w.community.id });
    expect((await w.admin.post<ApiError>(`/api/communities/${w.community.id}/shelves`, { code: 'A', layers: 2, capacity: 5 })).body.error).toBe('shelf_exists');
    expect((await w.admin.post<ApiError>(`/api/communities/${w.community.id}/shelves`, { code: 'A-1', layers: 2, capacity: 5 })).status).toBe(400);
    expect((await w.admin.post<ApiError>(`/api/communities/${w.community.id}/shelves`, { code: 'B', layers: 0, capacity: 5 })).status).toBe(400);
    const b = await shelf(w.admin, w.community.id, 'B', 2, 10);

    const p = expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通', shelfId: a.id }),
      201,
    );
    expect(p.shelfId).toBe(a.id);
    const list = expectStatus(await w.admin.get<{ items: Shelf[]; total: number }>(`/api/communities/${w.community.id}/shelves`), 200);
    expect(list.items.map((s) => [s.code, s.occupied])).toEqual([
      ['A', 1],
      ['B', 0],
    ]);

    expect(expectStatus(await w.admin.patch<Shelf>(`/api/shelves/${b.id}`, { capacity: 20, code: 'C' }), 200)).toMatchObject({ code: 'C', capacity: 20 });
    const layer = Number(p.shelfLabel?.split('-')[1]);
    if (layer > 1) expect((await w.admin.patch<ApiError>(`/api/shelves/${a.id}`, { layers: layer - 1 })).body.error).toBe('shelf_layers_in_use');
    const refused = await w.admin.delete<ApiError>(`/api/shelves/${a.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'shelf_not_empty', message: '货架上还有待领取的包裹，不能删除' });
    expect((await w.admin.delete(`/api/shelves/${b.id}`)).status).toBe(204);

    // Once picked up, the shelf is empty and goes; the parcel keeps its label in the history.
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);
    expect((await w.admin.delete(`/api/shelves/${a.id}`)).status).toBe(204);
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).shelfLabel).toBe(p.shelfLabel);
  });

  it('a clerk sees the shelves of their communities only; another org’s shelf is not there', async () => {
    const w = await createWorld(t.app);
    const other = await createCommunity(w.admin);
    const s = await shelf(w.admin, other.id, 'Z');
    const clerk = await createClerk(t.app, w.admin, [w.community.id]);
    expect((await clerk.client.get(`/api/communities/${other.id}/shelves`)).status).toBe(404);
    expect((await clerk.client.patch(`/api/shelves/${s.id}`, { capacity: 1 })).status).toBe(404);
    expect((await clerk.client.delete(`/api/shelves/${s.id}`)).status).toBe(404);
    const b = await createWorld(t.app);
    expect((await b.admin.delete(`/api/shelves/${s.id}`)).status).toBe(404);
    expect((await b.admin.post(`/api/communities/${w.community.id}/shelves`, { code: 'Q', layers: 1, capacity: 1 })).status).toBe(404);
    expect((await w.admin.get<{ total: number }>(`/api/communities/${other.id}/shelves`)).body.total).toBe(1);
  });
});

describe('scan → phone (GET /api/parcels/lookup)', () => {
  it('a number seen before in the community gives its recipient; a tail gives the one resident; else 404, or 409 for several', async () => {
    const w = await createWorld(t.app);
    const no = trackingNo();
    expect((await w.admin.get<ApiError>(`/api/parcels/lookup?communityId=${w.community.id}&trackingNo=${no}`)).status).toBe(404);
    // The courier entered it (待接收): its recipient is known.
    expectStatus(await enterParcel(w.courier, { communityId: w.community.id, trackingNo: no, recipientPhone: w.residentPhone, recipientName: '王五' }), 201);
    expect(expectStatus(await w.admin.get<Lookup>(`/api/parcels/lookup?communityId=${w.community.id}&trackingNo=${no.toLowerCase()}`), 200)).toEqual({
      recipientPhone: w.residentPhone,
      recipientName: '王五',
      carrier: '百世',
      source: 'history',
      preference: null,
    });
    // Another community of the org does not know it.
    const other = await createCommunity(w.admin);
    expect((await w.admin.get(`/api/parcels/lookup?communityId=${other.id}&trackingNo=${no}`)).status).toBe(404);

    const r = await residentAt(w.admin, w.community.id, `1391234${String(randomBytes(2).readUInt16BE() % 10000).padStart(4, '0')}`, '赵六');
    const tail = r.phone.slice(-4);
    const byTail = await w.admin.get<Lookup>(`/api/parcels/lookup?communityId=${w.community.id}&phoneTail=${tail}`);
    expect(expectStatus(byTail, 200)).toEqual({ recipientPhone: r.phone, recipientName: '赵六', carrier: null, source: 'resident', preference: null });
    // A second home of the same phone is the same person; another phone with the tail makes it ambiguous.
    await residentAt(w.admin, w.community.id, r.phone, '赵六', '302');
    expectStatus(await w.admin.get(`/api/parcels/lookup?communityId=${w.community.id}&phoneTail=${tail}`), 200);
    await residentAt(w.admin, w.community.id, `1377777${tail}`);
    const ambiguous = await w.admin.get<ApiError>(`/api/parcels/lookup?communityId=${w.community.id}&phoneTail=${tail}`);
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error).toBe('ambiguous');

    for (const q of [
      `communityId=${w.community.id}`,
      `communityId=${w.community.id}&phoneTail=123`,
      `communityId=${w.community.id}&trackingNo=${no}&phoneTail=1234`,
    ]) {
      expect((await w.admin.get(`/api/parcels/lookup?${q}`)).status, q).toBe(400);
    }
    const b = await createWorld(t.app);
    expect((await b.admin.get(`/api/parcels/lookup?communityId=${w.community.id}&trackingNo=${no}`)).status).toBe(404);
  });
});

describe('desk intake (入库)', () => {
  it('without shelves: awaiting pickup at once with a code, no label; the resident is told; a community works as before', async () => {
    const w = await createWorld(t.app);
    const no = trackingNo();
    const p = expectStatus(await deskIntake(w.admin, { communityId: w.community.id, trackingNo: no, recipientPhone: w.residentPhone, carrier: '顺丰' }), 201);
    expect(p).toMatchObject({
      status: 'awaiting_pickup',
      source: 'desk',
      carrier: '顺丰速运',
      shelfLabel: null,
      shelfId: null,
      feeFen: 0,
      recipientName: w.resident.name,
    });
    expect(p.pickupCode).toMatch(/^\d{6}$/);
    expect(p.address).toBe('1/1/101');
    const detail = expectStatus(
      await w.admin.get<{ events: { from: string | null; to: string; detail: Record<string, unknown> }[] }>(`/api/parcels/${p.id}`),
      200,
    );
    expect(detail.events).toEqual([expect.objectContaining({ from: null, to: 'awaiting_pickup', detail: { source: 'desk', damaged: false } })]);
    const notes = await w.admin.get<{ items: { kind: string; recipient: string; text: string }[] }>('/api/notifications');
    expect(notes.body.items.find((n) => n.kind === 'parcel_received' && n.text.includes(no.slice(-4)))?.text).toContain(`领取码${p.pickupCode}`);
    // Counted in its tab.
    expect((await w.admin.get<{ awaiting_pickup: number }>(`/api/parcels/counts?communityId=${w.community.id}`)).body.awaiting_pickup).toBe(1);
  });

  it('with shelves: the emptiest shelf, the emptiest layer, labels A-3-0127 with a serial per community and day; the SMS names the shelf', async () => {
    const w = await createWorld(t.app);
    const a = await shelf(w.admin, w.community.id, 'A', 2, 100);
    const b = await shelf(w.admin, w.community.id, 'B', 1, 100);
    const got: Parcel[] = [];
    for (let i = 0; i < 4; i++)
      got.push(
        expectStatus(
          await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '韵达' }),
          201,
        ),
      );
    // A and B alternate (most room left), A's layers alternate; serials count the community's day.
    expect(got.map((p) => p.shelfLabel)).toEqual(['A-1-0001', 'B-1-0002', 'A-2-0003', 'B-1-0004']);
    expect(got.map((p) => p.shelfId)).toEqual([a.id, b.id, a.id, b.id]);
    const notes = await w.admin.get<{ items: { text: string }[] }>('/api/notifications');
    expect(notes.body.items.map((n) => n.text).join('\n')).toContain(`（货架B-1-0004），领取码${got[3]?.pickupCode}`);

    // Another community has its own serials; a chosen shelf is taken as asked.
    const other = await createCommunity(w.admin);
    const c = await shelf(w.admin, other.id, 'A', 1, 5);
    expect(
      expectStatus(
        await deskIntake(w.admin, { communityId: other.id, trackingNo: trackingNo(), recipientPhone: randomMobile(), carrier: '韵达', shelfId: c.id }),
        201,
      ).shelfLabel,
    ).toBe('A-1-0001');
    expect(
      (await deskIntake<ApiError>(w.admin, { communityId: other.id, trackingNo: trackingNo(), recipientPhone: randomMobile(), carrier: '韵达', shelfId: a.id }))
        .status,
    ).toBe(400);

    // The next day in Shanghai (16:00 UTC) starts again at 0001, skipping a label still on a waiting parcel.
    t.clock.set(new Date(Date.parse(`${shanghaiDayHour(t.clock.now()).day}T00:00:01+08:00`) + DAY));
    const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const next = expectStatus(
      await deskIntake(admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '韵达', shelfId: a.id }),
      201,
    );
    // Layer 1 of A is the emptiest again; A-1-0001 still waits there, so the day's first label is A-1-0002.
    expect(next.shelfLabel).toBe('A-1-0002');
  });

  it('the phone comes from what is known of the number, or its last 4 digits; unknown: 400 phone_required; a tail of several: 409', async () => {
    const w = await createWorld(t.app);
    const no = trackingNo();
    const first = expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: no, recipientPhone: w.residentPhone, recipientName: '钱七', carrier: '圆通' }),
      201,
    );
    expectStatus(await w.admin.post(`/api/parcels/${first.id}/pickup`, { feeFen: 0 }), 200);
    // The same number again (a return delivery): the recipient and carrier come from its history.
    const again = expectStatus(await deskIntake(w.admin, { communityId: w.community.id, trackingNo: no }), 201);
    expect(again).toMatchObject({ recipientPhone: w.residentPhone, recipientName: w.resident.name, carrier: '圆通速递' });

    const unknown = await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: trackingNo() });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'phone_required', message: '未找到该单号的收件人，请输入手机号' });

    const tail = w.residentPhone.slice(-4);
    const byTail = expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: `SF${String(Date.now()).slice(-12)}`, phoneTail: tail }),
      201,
    );
    expect(byTail).toMatchObject({ recipientPhone: w.residentPhone, carrier: '顺丰速运' }); // the carrier from the number's shape
    expect(
      (await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), phoneTail: tail === '0000' ? '0001' : '0000' })).body.error,
    ).toBe('phone_required');
    await residentAt(w.admin, w.community.id, `1377777${tail}`);
    expect((await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), phoneTail: tail, carrier: '圆通' })).body.error).toBe(
      'ambiguous',
    );
    // No carrier given, none known, no shape: asked for.
    expect((await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: randomMobile() })).body.error).toBe(
      'carrier_required',
    );
    // The batch's courier gives the carrier, and is recorded.
    const byCourier = expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: randomMobile(), courierId: w.courierRecord.id }),
      201,
    );
    expect(byCourier).toMatchObject({ carrier: '百世', courier: { id: w.courierRecord.id, name: w.courierName } });
    const otherCommunity = await createCommunity(w.admin);
    expect(
      (
        await deskIntake<ApiError>(w.admin, {
          communityId: otherCommunity.id,
          trackingNo: trackingNo(),
          recipientPhone: randomMobile(),
          courierId: w.courierRecord.id,
        })
      ).status,
    ).toBe(400);
  });

  it('a number the courier entered is received onto the shelf; one already waiting is a duplicate; bad numbers are refused', async () => {
    const w = await createWorld(t.app);
    await shelf(w.admin, w.community.id, 'A', 1, 10);
    const no = trackingNo();
    const entered = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, trackingNo: no, recipientPhone: w.residentPhone }), 201);
    const received = expectStatus(await deskIntake(w.admin, { communityId: w.community.id, trackingNo: no }), 201);
    expect(received).toMatchObject({
      id: entered.id,
      status: 'awaiting_pickup',
      source: 'courier',
      shelfLabel: 'A-1-0001',
      courier: { id: w.courierRecord.id },
    });
    const dup = await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: no, recipientPhone: w.residentPhone });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('duplicate_tracking_no');
    for (const bad of ['ab', '单号123', 'X'.repeat(41)])
      expect((await deskIntake(w.admin, { communityId: w.community.id, trackingNo: bad, recipientPhone: w.residentPhone })).status).toBe(400);
    expect((await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: '12345678901' })).status).toBe(400);
    expect(
      (await w.admin.post<ApiError>('/api/parcels/desk-intake', { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone }))
        .body.error,
    ).toBe('idempotency_key_required');
    // Nothing else was made.
    expect((await w.admin.get<{ total: number }>(`/api/parcels?communityId=${w.community.id}`)).body.total).toBe(1);
  });

  it('a retry with the same Idempotency-Key answers the first result and creates nothing; the key with another body is 422', async () => {
    const w = await createWorld(t.app);
    await shelf(w.admin, w.community.id, 'A');
    const k = key();
    const body = { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '申通' };
    const [first, second] = await Promise.all([deskIntake(w.admin, body, k), deskIntake(w.admin, body, k)]);
    expect(expectStatus(first, 201)).toEqual(expectStatus(second, 201));
    expect(expectStatus(await deskIntake(w.admin, body, k), 201)).toEqual(first.body);
    expect((await deskIntake<ApiError>(w.admin, { ...body, damaged: true }, k)).body.error).toBe('idempotency_key_reused');
    expect((await w.admin.get<{ total: number }>(`/api/parcels?communityId=${w.community.id}`)).body.total).toBe(1);
    const notes = await w.admin.get<{ items: { kind: string }[] }>('/api/notifications');
    expect(notes.body.items.filter((n) => n.kind === 'parcel_received')).toHaveLength(1);
  });

  it('20 intakes at once get 20 different labels, serials 1 to 20, and 20 different codes', async () => {
    const w = await createWorld(t.app);
    await shelf(w.admin, w.community.id, 'A', 5, 1000);
    await shelf(w.admin, w.community.id, 'B', 5, 1000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: randomMobile(), carrier: '中通' }),
      ),
    );
    const parcels = answers.map((r) => expectStatus(r, 201));
    const labels = parcels.map((p) => p.shelfLabel ?? '');
    expect(new Set(labels).size).toBe(20);
    expect(labels.map((l) => Number(l.split('-')[2])).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(parcels.map((p) => p.pickupCode)).size).toBe(20);
  });

  it('a clerk enters into their communities only; another org’s community is 404; a closed app refuses', async () => {
    const w = await createWorld(t.app);
    const other = await createCommunity(w.admin);
    const clerk = await createClerk(t.app, w.admin, [w.community.id]);
    expectStatus(
      await deskIntake(clerk.client, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' }),
      201,
    );
    expect((await deskIntake(clerk.client, { communityId: other.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' })).status).toBe(
      404,
    );
    const b = await createWorld(t.app);
    expect(
      (await deskIntake(b.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' })).status,
    ).toBe(404);
    expect(
      (await deskIntake(w.courier, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' })).status,
    ).toBe(401);
    expectStatus(await w.admin.put('/api/app', { enabled: false }), 200);
    expect(
      (await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' })).body
        .error,
    ).toBe('app_closed');
  });

  it('a full shelf is refused when chosen, passed over when not; all full: 409 shelf_full', async () => {
    const w = await createWorld(t.app);
    const small = await shelf(w.admin, w.community.id, 'S', 1, 1);
    expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通', shelfId: small.id }),
      201,
    );
    expect(
      (
        await deskIntake<ApiError>(w.admin, {
          communityId: w.community.id,
          trackingNo: trackingNo(),
          recipientPhone: w.residentPhone,
          carrier: '中通',
          shelfId: small.id,
        })
      ).body.error,
    ).toBe('shelf_full');
    expect(
      (await deskIntake<ApiError>(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' })).body
        .error,
    ).toBe('shelf_full');
    await shelf(w.admin, w.community.id, 'T', 1, 1);
    expect(
      expectStatus(await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' }), 201)
        .shelfLabel,
    ).toMatch(/^T-1-/);
  });
});

describe('移库', () => {
  it('moves a waiting parcel to another shelf with a new label and an event; not to another community’s shelf, not once picked up', async () => {
    const w = await createWorld(t.app);
    await shelf(w.admin, w.community.id, 'A');
    const b = await shelf(w.admin, w.community.id, 'B', 1);
    const p = expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' }),
      201,
    );
    const moved = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/move`, { shelfId: b.id }), 200);
    expect(moved).toMatchObject({ shelfId: b.id, shelfLabel: 'B-1-0002', pickupCode: p.pickupCode });
    const detail = expectStatus(await w.admin.get<{ events: { detail: Record<string, unknown> | null }[] }>(`/api/parcels/${p.id}`), 200);
    expect(detail.events.at(-1)?.detail).toEqual({ shelfLabel: 'B-1-0002', fromShelfLabel: p.shelfLabel });
    const elsewhere = await shelf(w.admin, (await createCommunity(w.admin)).id, 'X');
    expect((await w.admin.post(`/api/parcels/${p.id}/move`, { shelfId: elsewhere.id })).status).toBe(400);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);
    expect((await w.admin.post<ApiError>(`/api/parcels/${p.id}/move`, { shelfId: b.id })).body.error).toBe('invalid_state');
    const other = await createWorld(t.app);
    expect((await other.admin.post(`/api/parcels/${p.id}/move`, { shelfId: b.id })).status).toBe(404);
  });
});

describe('checkout (出库)', () => {
  async function threeParcels() {
    const w = await createWorld(t.app);
    await shelf(w.admin, w.community.id, 'A');
    const parcels: Parcel[] = [];
    for (let i = 0; i < 3; i++)
      parcels.push(
        expectStatus(
          await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: w.residentPhone, carrier: '中通' }),
          201,
        ),
      );
    // Somebody else's parcel with the same phone tail, and one in another community.
    const neighbour = `1377777${w.residentPhone.slice(-4)}`;
    const theirs = expectStatus(
      await deskIntake(w.admin, { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: neighbour, carrier: '中通' }),
      201,
    );
    return { w, parcels, theirs };
  }
  const checkout = (c: Client, communityId: number, k: string) =>
    c.get<Checkout>(`/api/parcels/checkout?communityId=${communityId}&key=${encodeURIComponent(k)}`);

  it('a code (or the QR, which holds it) lists the recipient’s parcels with the summed fee, verified; one call hands them all out', async () => {
    const { w, parcels, theirs } = await threeParcels();
    t.clock.advance(2 * DAY + 60_000); // ¥4.00 each
    const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const code = parcels[1]?.pickupCode ?? '';
    const found = expectStatus(await checkout(admin, w.community.id, ` ${code} `), 200);
    expect(found.verified).toBe(true);
    expect(found.items.map((p) => p.id)).toEqual(parcels.map((p) => p.id));
    expect(found.totalFeeFen).toBe(1200);
    expect(found.items.map((p) => p.shelfLabel)).toEqual(parcels.map((p) => p.shelfLabel));

    const ids = parcels.map((p) => p.id);
    const stale = await admin.post<ApiError>('/api/parcels/pickup', { ids, totalFeeFen: 800, code });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'fee_changed', totalFeeFen: 1200 });
    // The neighbour's code does not release these; nor a code from nowhere; nor none.
    for (const wrong of [theirs.pickupCode ?? '', '000000', '']) {
      const r = await admin.post<ApiError>('/api/parcels/pickup', { ids, totalFeeFen: 1200, code: wrong });
      expect(r.status, wrong).toBe(403);
      expect(r.body.error).toBe('code_required');
    }
    // Mixing in the neighbour's parcel is refused too.
    expect((await admin.post<ApiError>('/api/parcels/pickup', { ids: [...ids, theirs.id], totalFeeFen: 1600, code })).status).toBe(403);
    expect(expectStatus(await admin.post('/api/parcels/pickup', { ids, totalFeeFen: 1200, code }), 200)).toEqual({ done: ids, failed: [] });
    for (const id of ids) expect(expectStatus(await admin.get<Parcel>(`/api/parcels/${id}`), 200)).toMatchObject({ status: 'picked_up', feeChargedFen: 400 });
    // Again: nothing left to hand out.
    expect(expectStatus(await checkout(admin, w.community.id, code), 200)).toEqual({ items: [], totalFeeFen: 0, verified: false });
    const twice = expectStatus(
      await admin.post<{ done: number[]; failed: { id: number; error: string }[] }>('/api/parcels/pickup', { ids, totalFeeFen: 0, code }),
      200,
    );
    expect(twice.done).toEqual([]);
    expect(twice.failed.map((f) => f.error)).toEqual(['invalid_state', 'invalid_state', 'invalid_state']);
  });

  it('a shelf label lists the same, unverified; a phone tail lists every recipient with it, unverified; a bad key is 400', async () => {
    const { w, parcels, theirs } = await threeParcels();
    const byLabel = expectStatus(await checkout(w.admin, w.community.id, (parcels[2]?.shelfLabel ?? '').toLowerCase()), 200);
    expect(byLabel.verified).toBe(false);
    expect(byLabel.items.map((p) => p.id)).toEqual(parcels.map((p) => p.id));
    const byTail = expectStatus(await checkout(w.admin, w.community.id, w.residentPhone.slice(-4)), 200);
    expect(byTail.verified).toBe(false);
    expect(byTail.items.map((p) => p.id)).toEqual([...parcels.map((p) => p.id), theirs.id]);
    for (const bad of ['12345', 'hello', '1234567']) expect((await checkout(w.admin, w.community.id, bad)).status, bad).toBe(400);
    // Another org, another clerk's community: 404.
    const b = await createWorld(t.app);
    expect((await checkout(b.admin, w.community.id, parcels[0]?.pickupCode ?? '')).status).toBe(404);
    expect((await b.admin.post('/api/parcels/pickup', { ids: [parcels[0]?.id], totalFeeFen: 0, code: parcels[0]?.pickupCode })).body).toEqual({
      done: [],
      failed: [{ id: parcels[0]?.id, error: 'not_found', message: '记录不存在' }],
    });
  });
});
