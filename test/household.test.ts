// 家人代领 (SPEC §15, issue 19 point 3) on both databases: a resident authorizes phones (each told
// by SMS, at most 5), who see the parcels masked and may collect them; pickup records self or
// proxy; a removed proxy is refused at once.
import { describe, expect, it } from 'vitest';
import type { Page, Parcel } from './support/api.js';
import { useTestApp } from './support/app.js';
import { Client, createWorld, enterParcel, expectError, expectStatus, randomMobile, residentLogin } from './support/factories.js';

const t = useTestApp();

async function waiting(w: Awaited<ReturnType<typeof createWorld>>) {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
}

describe('家人代领', () => {
  it('authorizes phones that see the parcels masked and collect them; a removal counts at once', async () => {
    const w = await createWorld(t.app);
    const owner = await residentLogin(t.app, w.residentPhone);
    const family = randomMobile();
    const added = expectStatus(await owner.post<{ phone: string; name: string }>('/api/resident/household', { phone: family, name: '妈妈' }), 201);
    expect(added).toMatchObject({ phone: family, name: '妈妈' });
    expectError(await owner.post('/api/resident/household', { phone: family }), 409, 'member_exists');
    expect((await owner.post('/api/resident/household', { phone: w.residentPhone })).status).toBe(400);
    expect((await owner.post('/api/resident/household', { phone: '12345' })).status).toBe(400);
    const sms = expectStatus(await new Client(t.app).get<{ items: { text: string }[] }>(`/api/dev/messages?to=${family}`), 200).items;
    expect(sms[0]?.text).toContain(w.residentPhone.slice(-4));
    expect(sms[0]?.text).not.toContain(w.residentPhone);

    const [a, b] = [await waiting(w), await waiting(w)];
    const proxy = await residentLogin(t.app, family);
    const seen = expectStatus(await proxy.get<Page<Parcel>>('/api/resident/household/parcels'), 200);
    expect(seen.items.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
    expect(seen.items[0]?.recipientPhone).toBe(`*******${w.residentPhone.slice(-4)}`);
    expect(seen.items[0]?.pickupCode).toMatch(/^\d{6}$/);
    expect(expectStatus(await proxy.get<Parcel>(`/api/resident/parcels/${a.id}`), 200).id).toBe(a.id);

    // At the desk: the proxy collects one, the recipient the other; a stranger is refused.
    const stranger = randomMobile();
    expectError(await w.admin.post(`/api/parcels/${a.id}/pickup`, { feeFen: 0, collectorPhone: stranger }), 403, 'not_authorized');
    const byProxy = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${a.id}/pickup`, { feeFen: 0, collectorPhone: family }), 200);
    expect(byProxy.pickedUpBy).toEqual({ relation: 'proxy', phone: `*******${family.slice(-4)}` });
    const bySelf = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${b.id}/pickup`, { feeFen: 0 }), 200);
    expect(bySelf.pickedUpBy?.relation).toBe('self');

    // Removed: the proxy sees nothing and is refused at the desk, at once.
    const c = await waiting(w);
    expectStatus(await owner.delete(`/api/resident/household/${family}`), 204);
    expectError(await owner.delete(`/api/resident/household/${family}`), 404, 'not_found');
    expect(expectStatus(await proxy.get<Page<Parcel>>('/api/resident/household/parcels'), 200).items).toEqual([]);
    expectError(await proxy.get(`/api/resident/parcels/${c.id}`), 404, 'not_found');
    expectError(await w.admin.post(`/api/parcels/${c.id}/pickup`, { feeFen: 0, collectorPhone: family }), 403, 'not_authorized');
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${c.id}`), 200).status).toBe('awaiting_pickup');
  });

  it('allows at most 5 phones', async () => {
    const w = await createWorld(t.app);
    const owner = await residentLogin(t.app, w.residentPhone);
    for (let i = 0; i < 5; i++) expectStatus(await owner.post('/api/resident/household', { phone: randomMobile() }), 201);
    expectError(await owner.post('/api/resident/household', { phone: randomMobile() }), 409, 'limit_reached');
    expect(expectStatus(await owner.get<{ total: number }>('/api/resident/household'), 200).total).toBe(5);
  });
});
