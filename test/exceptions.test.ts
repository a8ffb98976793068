// 问题件, 退回, 已取回 and 滞留 (SPEC §15, API.md "Exceptions, returns, proxies, proof, audit",
// issue 19 points 1 and 2) on both databases: each move with its event, its notice and a clear
// 409 otherwise; the courier's 待取回 and 确认取回; the stale schedule with the injected clock.
import { describe, expect, it } from 'vitest';
import type { ApiError, Page, Parcel, ParcelDetail } from './support/api.js';
import { useTestApp } from './support/app.js';
import { Client, createClerk, createCommunity, createWorld, enterParcel, expectError, expectStatus, staffLogin, type World } from './support/factories.js';
import { housekeep } from '../src/server/housekeeping.js';

const t = useTestApp();
const DAY = 24 * 3_600_000;

interface Message {
  to: string;
  text: string;
}
/** What the console provider "sent" to a phone, once the outbox has run. */
async function inbox(phone: string): Promise<Message[]> {
  await t.app.outbox.runOnce();
  return expectStatus(await new Client(t.app).get<{ items: Message[] }>(`/api/dev/messages?to=${phone}`), 200).items;
}

async function waiting(w: World): Promise<Parcel> {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
}

describe('问题件 and 退回', () => {
  it('flags a waiting parcel, releasing its code; resolves it back with a fresh code the resident is sent', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(w);
    expect(p.actions).toEqual(['pickup', 'moveShelf', 'flag', 'returnToCourier']);
    const flagged = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/exception`, { kind: 'damaged', note: '外箱压坏' }), 200);
    expect(flagged).toMatchObject({
      status: 'exception',
      pickupCode: null,
      exception: { kind: 'damaged', note: '外箱压坏' },
      actions: ['resolve', 'returnToCourier'],
    });
    // Not a second time, not a pickup, not a bad kind.
    expectError(await w.admin.post(`/api/parcels/${p.id}/exception`, { kind: 'lost' }), 409, 'invalid_state');
    expectError(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 409, 'invalid_state');
    expect((await w.admin.post<ApiError>(`/api/parcels/${p.id}/exception`, { kind: 'stolen' })).status).toBe(400);
    const counts = expectStatus(await w.admin.get<Record<string, number>>(`/api/parcels/counts?communityId=${w.community.id}`), 200);
    expect(counts).toMatchObject({ exception: 1, awaiting_pickup: 0 });
    const list = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?status=exception&communityId=${w.community.id}`), 200);
    expect(list.items.map((x) => x.id)).toEqual([p.id]);

    const before = (await inbox(w.residentPhone)).length;
    const resolved = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/resolve`), 200);
    expect(resolved.status).toBe('awaiting_pickup');
    expect(resolved.pickupCode).toMatch(/^\d{6}$/);
    const sent = await inbox(w.residentPhone);
    expect(sent.length).toBe(before + 1);
    expect(sent[0]?.text).toContain(resolved.pickupCode ?? 'none');
    const detail = expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200);
    expect(detail.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'pending_receipt'],
      ['pending_receipt', 'awaiting_pickup'],
      ['awaiting_pickup', 'exception'],
      ['exception', 'awaiting_pickup'],
    ]);
    expect(detail.events[2]?.detail).toMatchObject({ kind: 'damaged', note: '外箱压坏' });
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);
  });

  it('returns a waiting or flagged parcel to its courier, who is told, sees it in 待取回 and confirms', async () => {
    const w = await createWorld(t.app);
    const [a, b] = [await waiting(w), await waiting(w)];
    expectStatus(await w.admin.post(`/api/parcels/${b.id}/exception`, { kind: 'no_recipient' }), 200);
    const ra = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${a.id}/return`, { reason: '超期未取' }), 200);
    expect(ra).toMatchObject({ status: 'returned', returnReason: '超期未取', takenBackAt: null, pickupCode: null, actions: ['handOver'] });
    expect(expectStatus(await w.admin.post<Parcel>(`/api/parcels/${b.id}/return`, {}), 200).status).toBe('returned');
    const told = (await inbox(w.courierPhone)).filter((m) => m.text.includes('退件通知'));
    expect(told.map((m) => m.text).join()).toContain(a.trackingNo);
    expect(told).toHaveLength(2);
    // Not from another state; nothing else moves a returned parcel.
    expectError(await w.admin.post(`/api/parcels/${a.id}/return`, {}), 409, 'invalid_state');
    const pending = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectError(await w.admin.post(`/api/parcels/${pending.id}/return`, {}), 409, 'invalid_state');

    const returns = expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/returns'), 200);
    expect(returns.items.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(returns.items[0]?.recipientPhone).not.toBe(w.residentPhone); // masked for the courier
    const taken = expectStatus(await w.courier.post<Parcel>(`/api/courier/parcels/${a.id}/taken-back`), 200);
    expect(taken.takenBackAt).not.toBeNull();
    expectError(await w.courier.post(`/api/courier/parcels/${a.id}/taken-back`), 409, 'already_taken_back');
    // The desk records the other hand-over; another courier finds neither.
    expect(expectStatus(await w.admin.post<Parcel>(`/api/parcels/${b.id}/handover`), 200).takenBackAt).not.toBeNull();
    expectError(await w.admin.post(`/api/parcels/${b.id}/handover`), 409, 'already_taken_back');
    expect(expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/returns'), 200).items).toEqual([]);
    const other = await createWorld(t.app);
    expectError(await other.courier.post(`/api/courier/parcels/${b.id}/taken-back`), 404, 'not_found');
    expectError(await w.courier.post('/api/courier/parcels/999999999/taken-back'), 404, 'not_found');
    const detail = expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${a.id}`), 200);
    expect(detail.events.at(-1)).toMatchObject({ from: 'returned', to: 'returned', actor: { kind: 'courier' } });
  });

  it('keeps a clerk to their communities', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(w);
    const elsewhere = await createCommunity(w.admin);
    const clerk = await createClerk(t.app, w.admin, [elsewhere.id]);
    for (const path of ['exception', 'resolve', 'return', 'handover']) {
      expectError(await clerk.client.post(`/api/parcels/${p.id}/${path}`, path === 'exception' ? { kind: 'lost' } : {}), 404, 'not_found');
    }
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).status).toBe('awaiting_pickup');
  });
});

describe('滞留 (stale parcels)', () => {
  it('lists parcels past returnAfterDays; tells the resident once, then a day later the courier once', async () => {
    const w = await createWorld(t.app);
    expect((await w.admin.patch(`/api/communities/${w.community.id}`, { returnAfterDays: -1 })).status).toBe(400);
    expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { returnAfterDays: 3 }), 200);
    // Days pass: the admin's session idles out, so they sign in again.
    const later = async (ms: number) => {
      t.clock.advance(ms);
      w.admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    };
    const old = await waiting(w);
    await later(DAY);
    const younger = await waiting(w);
    const stale = async () =>
      expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?stale=true&communityId=${w.community.id}`), 200).items.map((p) => p.id);

    await later(2 * DAY + 3_600_000); // old: 3 days and an hour; younger: 2 days and an hour
    expect(await stale()).toEqual([old.id]);
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${old.id}`), 200).stale).toBe(true);
    const staleText = async () => (await inbox(w.residentPhone)).filter((m) => m.text.includes('滞留提醒'));
    await housekeep(t.app.ctx);
    await housekeep(t.app.ctx);
    expect(await staleText()).toHaveLength(1);
    expect((await staleText())[0]?.text).toContain(old.pickupCode ?? 'none');
    const dueBack = async () => (await inbox(w.courierPhone)).filter((m) => m.text.includes('待取回'));
    expect(await dueBack()).toEqual([]);

    await later(DAY); // old is due back; younger turns stale
    await housekeep(t.app.ctx);
    await housekeep(t.app.ctx);
    expect(await dueBack()).toHaveLength(1);
    expect((await dueBack())[0]?.text).toContain(old.trackingNo);
    expect(await staleText()).toHaveLength(2);
    expect((await stale()).sort()).toEqual([old.id, younger.id].sort());
    // Picked up or returned, a parcel is stale no more; a community at 0 days has none.
    expectStatus(await w.admin.post(`/api/parcels/${old.id}/return`, {}), 200);
    expect(await stale()).toEqual([younger.id]);
    expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { returnAfterDays: 0 }), 200);
    expect(await stale()).toEqual([]);
  });
});
