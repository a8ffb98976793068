import { describe, expect, it } from 'vitest';
import type { ApiError, BatchResult, DevInbox, Page, Parcel, ParcelDetail } from './support/api.js';
import { useTestApp } from './support/app.js';
import { Client, createCommunity, createWorld, enterParcel, expectStatus, randomMobile, staffLogin, uniq } from './support/factories.js';

const t = useTestApp();

const DAY = 86_400_000;

async function countParcels(orgId: number) {
  const r = await t.database.db
    .selectFrom('parcels')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('courier entry', () => {
  it('links the parcel to the resident of that phone and takes the courier carrier for the community', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const row = expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200);
    expect(row).toMatchObject({ carrier: '百世', address: '1/1/101', recipientPhone: w.residentPhone, courier: { id: w.courierRecord.id } });
    // Not a resident: no address.
    const q = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: randomMobile() }), 201);
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${q.id}`), 200).address).toBeNull();
  });

  it('refuses a tracking number already open in the community, and takes it again once rejected', async () => {
    const w = await createWorld(t.app);
    const body = { communityId: w.community.id, trackingNo: 'sf1234567890', recipientPhone: w.residentPhone };
    const first = expectStatus(await enterParcel(w.courier, body), 201);
    expect(first.trackingNo).toBe('SF1234567890');
    const dup = await enterParcel(w.courier, { ...body, trackingNo: 'SF1234567890' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ error: 'duplicate_tracking_no', message: '该快递单号已录入，请勿重复提交' });
    // English for a client that asks for it first.
    const en = await w.courier.post(
      '/api/courier/parcels',
      { ...body, recipientName: '收件人' },
      { 'idempotency-key': 'en-1', 'accept-language': 'en-US,en;q=0.9,zh;q=0.8' },
    );
    expect(en.body).toEqual({ error: 'duplicate_tracking_no', message: 'This tracking number is already entered' });
    expectStatus(await w.admin.post(`/api/parcels/${first.id}/reject`, {}), 200);
    expectStatus(await enterParcel(w.courier, body), 201);
  });

  it('answers a retried submission (same Idempotency-Key and body) with the first answer, creating nothing twice', async () => {
    const w = await createWorld(t.app);
    const body = { communityId: w.community.id, trackingNo: 'YT0001', recipientPhone: w.residentPhone, recipientName: '张三' };
    const a = expectStatus(await enterParcel(w.courier, body, 'key-1'), 201);
    const b = expectStatus(await enterParcel(w.courier, body, 'key-1'), 201);
    expect(b).toEqual(a);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => enterParcel(w.courier, { ...body, trackingNo: 'YT0002' }, 'key-2')));
    expect(new Set(concurrent.map((r) => `${r.status}:${r.body.id}`)).size).toBe(1);
    expect(concurrent[0]?.status).toBe(201);
    expect(await countParcels(w.org.id)).toBe(2);

    const other = await enterParcel<ApiError>(w.courier, { ...body, recipientName: '李四' }, 'key-1');
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
    const missing = await w.courier.post<ApiError>('/api/courier/parcels', body);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('idempotency_key_required');
    expect(await countParcels(w.org.id)).toBe(2);
  });

  it('refuses a community the courier does not deliver to', async () => {
    const w = await createWorld(t.app);
    const other = await createCommunity(w.admin);
    const r = await enterParcel<ApiError>(w.courier, { communityId: other.id, recipientPhone: w.residentPhone });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('not_your_community');
    expect(await countParcels(w.org.id)).toBe(0);
  });

  it('lists the courier’s own parcels newest first, with rejection reasons', async () => {
    const w = await createWorld(t.app);
    const a = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    t.clock.advance(60_000);
    const b = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${a.id}/reject`, { reason: '地址不详' }), 200);
    const list = expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/parcels'), 200);
    expect(list.items.map((p: { id: number }) => p.id)).toEqual([b.id, a.id]);
    expect(list.items[1]).toMatchObject({ status: 'rejected', rejectReason: '地址不详' });
    expect(expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/parcels?status=rejected'), 200).total).toBe(1);
  });
});

describe('front desk moves', () => {
  it('rejects with a reason and tells the courier; a rejected parcel cannot be received or picked up', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, trackingNo: 'ZT778899', recipientPhone: w.residentPhone }), 201);
    const r = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/reject`, { reason: '外包装破损' }), 200);
    expect(r).toMatchObject({ status: 'rejected', rejectReason: '外包装破损', feeFen: 0, pickupCode: null });
    expect(r.rejectedAt).toBe(t.clock.now().toISOString());
    await t.app.outbox.runOnce();
    const inbox = expectStatus(await new Client(t.app).get<DevInbox>(`/api/dev/messages?to=${w.courierPhone}`), 200);
    expect(inbox.items[0]?.text).toContain('ZT778899');
    expect(inbox.items[0]?.text).toContain('外包装破损');
    expect(inbox.items[0]?.text).toContain(w.community.name);
    for (const [url, body] of [
      [`/api/parcels/${p.id}/receive`, {}],
      [`/api/parcels/${p.id}/reject`, {}],
      [`/api/parcels/${p.id}/pickup`, { feeFen: 0 }],
      [`/api/parcels/${p.id}/waive-fee`, undefined],
    ] as const) {
      const res = await w.admin.post<ApiError>(url, body);
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('invalid_state');
    }
  });

  it('counts the fee at the rate in force at receipt, and a waiver makes it 0 and keeps who and when', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    // Each answer carries the desk's moves the state table allows now; a courier's carries none.
    expect(p.actions).toEqual([]);
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200).actions).toEqual(['receive', 'reject']);
    expect(expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200).actions).toEqual([
      'pickup',
      'moveShelf',
      'flag',
      'returnToCourier',
    ]);
    expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { feeRateFen: 500 }), 200);
    // Nothing to waive in the first day.
    const early = await w.admin.post<ApiError>(`/api/parcels/${p.id}/waive-fee`);
    expect(early.status).toBe(409);
    expect(early.body.error).toBe('nothing_to_waive');
    t.clock.advance(2 * DAY + 1000);
    w.admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123'); // the idle session expired
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200)).toMatchObject({
      feeFen: 400,
      actions: ['pickup', 'waive', 'moveShelf', 'flag', 'returnToCourier'],
    });
    const waived = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/waive-fee`), 200);
    expect(waived).toMatchObject({ feeFen: 0, feeWaived: true, status: 'awaiting_pickup', actions: ['pickup', 'moveShelf', 'flag', 'returnToCourier'] });
    const again = await w.admin.post<ApiError>(`/api/parcels/${p.id}/waive-fee`);
    expect(again.body.error).toBe('nothing_to_waive');
    const detail = expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200);
    const ev = detail.events.at(-1);
    expect(ev).toMatchObject({ actor: { kind: 'staff', name: w.adminUsername }, at: t.clock.now().toISOString(), detail: { feeWaived: true, feeFen: 400 } });
    const row = await t.database.db.selectFrom('parcels').select(['fee_waived_by', 'fee_waived_at']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ fee_waived_by: w.adminId, fee_waived_at: t.clock.now().toISOString() });
    expect(expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200)).toMatchObject({
      feeChargedFen: 0,
      status: 'picked_up',
      actions: [],
    });
  });

  it('refuses pickup when the fee turned a day since the clerk looked (fee_changed), changing nothing', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    t.clock.advance(DAY - 60_000);
    w.admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123'); // the idle session expired
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200).feeFen).toBe(0);
    t.clock.advance(60_000);
    const r = await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'fee_changed', feeFen: 200 });
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200).status).toBe('awaiting_pickup');
  });

  it('receives and rejects in batches, reporting what could not be done', async () => {
    const w = await createWorld(t.app);
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201).id);
    const [a, b, c, d] = ids as [number, number, number, number];
    const recv = expectStatus(await w.admin.post<BatchResult>('/api/parcels/receive', { ids: [a, b, 99_999_999], damaged: true }), 200);
    expect(recv.done).toEqual([a, b]);
    expect(recv.failed).toEqual([{ id: 99_999_999, error: 'not_found', message: expect.any(String) }]);
    const rej = expectStatus(await w.admin.post<BatchResult>('/api/parcels/reject', { ids: [a, c, d], reason: '无人签收' }), 200);
    expect(rej.done).toEqual([c, d]);
    expect(rej.failed).toEqual([{ id: a, error: 'invalid_state', message: expect.any(String) }]);
    const got = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?status=awaiting_pickup`), 200);
    expect(got.items.every((p: { damaged: boolean }) => p.damaged)).toBe(true);
    const codes = got.items.map((p) => p.pickupCode);
    expect(new Set(codes).size).toBe(2);
    expect((await w.admin.post('/api/parcels/receive', { ids: [] })).status).toBe(400);
  });
});

describe('the front-desk list', () => {
  it('searches phone, tracking number and name by substring, pickup code exactly, and filters', async () => {
    t.clock.set('2026-03-01T14:00:00.000Z'); // 03-01 22:00 in Shanghai
    const w = await createWorld(t.app);
    const other = await createCommunity(w.admin);
    expectStatus(await w.admin.post('/api/couriers', { communityId: other.id, name: w.courierName, phone: w.courierPhone, carrier: '顺丰' }), 201);
    const a = expectStatus(
      await enterParcel(w.courier, { communityId: w.community.id, trackingNo: 'AB123456789', recipientPhone: w.residentPhone, recipientName: '王小明' }),
      201,
    );
    t.clock.set('2026-03-01T16:30:00.000Z'); // 03-02 00:30 in Shanghai
    const phone2 = randomMobile();
    const b = expectStatus(
      await enterParcel(w.courier, { communityId: other.id, trackingNo: 'CD987654321', recipientPhone: phone2, recipientName: '李雷' }),
      201,
    );
    const recv = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${a.id}/receive`, { damaged: true }), 200);

    const ids = async (query: string) => expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?${query}`), 200).items.map((p: { id: number }) => p.id);
    expect(await ids(`q=${w.residentPhone.slice(3, 9)}`)).toEqual([a.id]);
    expect(await ids('q=ab1234')).toEqual([a.id]);
    expect(await ids(`q=${encodeURIComponent('李')}`)).toEqual([b.id]);
    expect(await ids(`q=${recv.pickupCode}`)).toEqual([a.id]);
    expect(await ids(`communityId=${other.id}`)).toEqual([b.id]);
    expect(await ids(`carrier=${encodeURIComponent('顺丰速运')}`)).toEqual([b.id]);
    expect(await ids(`courierId=${w.courierRecord.id}`)).toEqual([a.id]);
    expect(await ids('status=pending_receipt')).toEqual([b.id]);
    expect(await ids('damaged=true')).toEqual([a.id]);
    expect(await ids('damaged=false')).toEqual([b.id]);
    expect(await ids('from=2026-03-02')).toEqual([b.id]);
    expect(await ids('to=2026-03-01')).toEqual([a.id]);
    expect(await ids('from=2026-03-01T00:00:00Z&to=2026-03-01T16:00:00Z')).toEqual([a.id]);
    expect(await ids('pageSize=1')).toEqual([b.id]);
    expect(await ids('pageSize=1&page=2')).toEqual([a.id]);
    expect(expectStatus(await w.admin.get<Page<Parcel>>('/api/parcels?pageSize=1'), 200).total).toBe(2);
    expect(expectStatus(await w.admin.get('/api/parcels/counts'), 200)).toEqual({
      pending_receipt: 1,
      awaiting_pickup: 1,
      picked_up: 0,
      rejected: 0,
      exception: 0,
      returned: 0,
      all: 2,
    });
    expect(await ids(`q=${encodeURIComponent(uniq('none'))}`)).toEqual([]);
  });

  it('searches through the substring index: a name by one or two characters at its start or end, wildcards and quotes literally, a code only while awaiting', async () => {
    const w = await createWorld(t.app);
    const enter = async (trackingNo: string, recipientName: string, recipientPhone = randomMobile()) =>
      expectStatus(await enterParcel(w.courier, { communityId: w.community.id, trackingNo, recipientPhone, recipientName }), 201).id;
    const tag = uniq('').replace(/\D/g, '').slice(-6).padStart(6, '7');
    const ouyang = await enter(`OY${tag}01`, '欧阳明华');
    const wang = await enter(`WX${tag}02`, '王小明');
    const quoted = await enter(`QT${tag}03`, `甲"乙%丙_丁${tag}`);
    const search = async (q: string) =>
      expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?q=${encodeURIComponent(q)}`), 200)
        .items.map((p: { id: number }) => p.id)
        .sort((x, y) => x - y);
    // Three characters or more: anywhere in phone, tracking number or name, any case.
    expect(await search(`oy${tag}`)).toEqual([ouyang]);
    expect(await search('阳明华')).toEqual([ouyang]);
    expect(await search(`乙%丙_丁${tag}`)).toEqual([quoted]);
    expect(await search(`"乙%`)).toEqual([quoted]);
    expect(await search('乙_丙')).toEqual([]);
    // One or two: the start or the end of a name (a surname, a given name).
    expect(await search('欧阳')).toEqual([ouyang]);
    expect(await search('明华')).toEqual([ouyang]);
    expect(await search('小明')).toEqual([wang]);
    expect(await search('王')).toEqual([wang]);
    expect(await search('华')).toEqual([ouyang]);
    expect(await search('甲')).toEqual([quoted]);
    expect(await search('%')).toEqual([]);
    // A pickup code while the parcel awaits pickup, and no longer once it is picked up.
    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${wang}/receive`, {}), 200);
    expect(await search(received.pickupCode ?? '')).toContain(wang);
    expectStatus(await w.admin.post(`/api/parcels/${wang}/pickup`, { feeFen: 0 }), 200);
    expect(await search(received.pickupCode ?? '')).not.toContain(wang);
  });

  it('counts a broad search up to 1000 and says there are more; a narrow one exactly', async () => {
    const w = await createWorld(t.app);
    const tag = uniq('').replace(/\D/g, '').slice(-5).padStart(5, '3');
    const first = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, trackingNo: `BR${tag}0000`, recipientPhone: w.residentPhone }), 201);
    // 1,004 more like it, written straight into the table (the search index follows on both databases).
    const row = await t.database.db.selectFrom('parcels').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    const { id: _id, ...copy } = row;
    for (let i = 1; i <= 1004; i += 251) {
      const rows = Array.from({ length: Math.min(251, 1005 - i) }, (_, k) => ({
        ...copy,
        tracking_no: `BR${tag}${String(i + k).padStart(4, '0')}`,
        status: 'picked_up' as const,
        // As a pickup leaves it (the dashboards' rollups count it on these days).
        received_at: row.entered_at,
        picked_up_at: row.entered_at,
      }));
      await t.database.db.insertInto('parcels').values(rows).execute();
    }
    const broad = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?q=BR${tag}`), 200);
    expect(broad).toMatchObject({ total: 1000, totalCapped: true });
    expect(broad.items).toHaveLength(20);
    expect(broad.items[0]?.trackingNo).toBe(`BR${tag}1004`);
    const deep = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?q=BR${tag}&page=50`), 200);
    expect(deep.items.at(-1)?.trackingNo).toBe(`BR${tag}0005`);
    const narrow = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?q=BR${tag}09`), 200);
    expect(narrow.total).toBe(100);
    expect(narrow).not.toHaveProperty('totalCapped');
    // Lists without a search count everything.
    expect(expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?communityId=${w.community.id}`), 200).total).toBe(1005);
  });

  it('finds every parcel of a resident with several by their phone', async () => {
    const w = await createWorld(t.app);
    for (let i = 0; i < 3; i++) {
      const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
      expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    }
    const r = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?status=awaiting_pickup&q=${w.residentPhone}`), 200);
    expect(r.total).toBe(3);
  });
});
