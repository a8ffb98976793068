// 收件偏好 (SPEC §19, issue 22) on both databases: a resident's choice per community and per
// carrier, at once where it matters (courier app, desk lookup, 快递记录), kept append-only with
// who and when; the consent that stood when a parcel was received, in its drawer and the export;
// carriers read it by a salted phone hash; another org's resident answers 404.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { App } from '../src/server/http.js';
import type { Page, Parcel } from './support/api.js';
import { useTestApp } from './support/app.js';
import { createClerk, createCommunity, createWorld, enterParcel, expectError, expectStatus, residentLogin, type World } from './support/factories.js';

const t = useTestApp();

type Mode = 'collect' | 'door' | 'other';
interface Pref {
  communityId: number;
  communityName: string;
  mode: Mode | null;
  carriers: Record<string, Mode>;
  consentAt: string | null;
  updatedAt: string | null;
}
interface Change {
  at: string;
  mode: Mode;
  carriers: Record<string, Mode>;
  fromMode: Mode | null;
  fromCarriers: Record<string, Mode> | null;
  by: string;
}

async function received(w: World, phone = w.residentPhone) {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: phone }), 201);
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
}

function keyCall<T>(app: App, url: string, key: string) {
  return app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } }).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body) as T }));
}

describe('收件偏好', () => {
  it('is chosen per community, kept with its consent time, shown to the courier, the desk and the list', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const first = expectStatus(await resident.get<{ items: Pref[] }>('/api/resident/preferences'), 200).items;
    expect(first).toEqual([{ communityId: w.community.id, communityName: w.community.name, mode: null, carriers: {}, consentAt: null, updatedAt: null }]);
    // Nothing said yet: the courier sees no preference.
    const q = `communityId=${w.community.id}&phone=${w.residentPhone}`;
    expectError(await w.courier.get(`/api/courier/preference?${q}`), 404, 'not_found');

    const consentTime = t.clock.now().toISOString();
    const set = expectStatus(await resident.put<{ items: Pref[] }>('/api/resident/preferences', { communityId: w.community.id, mode: 'collect' }), 200)
      .items[0];
    expect(set).toMatchObject({ mode: 'collect', consentAt: consentTime, carriers: {} });
    expect(expectStatus(await w.courier.get(`/api/courier/preference?${q}`), 200)).toEqual({ mode: 'collect', consentAt: consentTime });
    const held = await received(w);

    // Later: 送货上门 for everyone but 顺丰, whose parcels may still be held. At once everywhere.
    t.clock.advance(3_600_000);
    const changedAt = t.clock.now().toISOString();
    const door = expectStatus(
      await resident.put<{ items: Pref[] }>('/api/resident/preferences', { communityId: w.community.id, mode: 'door', carriers: { 顺丰速运: 'collect' } }),
      200,
    ).items[0];
    expect(door).toMatchObject({ mode: 'door', consentAt: null, carriers: { 顺丰速运: 'collect' }, updatedAt: changedAt });
    // The courier's carrier (百世) is not 顺丰: the community's 送货上门 counts.
    expect(expectStatus(await w.courier.get(`/api/courier/preference?${q}`), 200)).toEqual({ mode: 'door', consentAt: null });
    const desk = expectStatus(
      await w.admin.post<Parcel & { preference?: unknown }>(
        '/api/parcels/desk-intake',
        { communityId: w.community.id, trackingNo: `PD${Date.now()}`, recipientPhone: w.residentPhone, carrier: '百世' },
        { 'idempotency-key': `pref-${Date.now()}` },
      ),
      201,
    );
    expect(desk.preference).toEqual({ mode: 'door', consentAt: null });
    const lookup = expectStatus(
      await w.admin.get<{ preference: unknown }>(`/api/parcels/lookup?communityId=${w.community.id}&trackingNo=${held.trackingNo}`),
      200,
    );
    expect(lookup.preference).toEqual({ mode: 'door', consentAt: null });
    const list = expectStatus(
      await w.admin.get<Page<Parcel & { preference?: unknown }>>(`/api/parcels?status=awaiting_pickup&communityId=${w.community.id}`),
      200,
    );
    expect(list.items.find((p) => p.id === held.id)?.preference).toEqual({ mode: 'door', consentAt: null });
    // The drawer shows the consent that stood at reception, not today's.
    const drawer = expectStatus(await w.admin.get<{ consent: unknown }>(`/api/parcels/${held.id}`), 200);
    expect(drawer.consent).toEqual({ mode: 'collect', consentAt: consentTime, changedAt: consentTime });

    // Back to 代收: a new consent, with its own time. The same choice again changes nothing.
    t.clock.advance(60_000);
    const again = t.clock.now().toISOString();
    expectStatus(await resident.put('/api/resident/preferences', { communityId: w.community.id, mode: 'collect' }), 200);
    expectStatus(await resident.put('/api/resident/preferences', { communityId: w.community.id, mode: 'collect' }), 200);
    expect(expectStatus(await w.courier.get(`/api/courier/preference?${q}`), 200)).toEqual({ mode: 'collect', consentAt: again });

    // The history: every change, newest first, append-only.
    const history = expectStatus(await w.admin.get<{ items: Change[] }>(`/api/residents/${w.resident.id}/preference-history`), 200).items;
    expect(history).toEqual([
      { at: again, mode: 'collect', carriers: {}, fromMode: 'door', fromCarriers: { 顺丰速运: 'collect' }, by: 'resident' },
      { at: changedAt, mode: 'door', carriers: { 顺丰速运: 'collect' }, fromMode: 'collect', fromCarriers: {}, by: 'resident' },
      { at: consentTime, mode: 'collect', carriers: {}, fromMode: null, fromCarriers: null, by: 'resident' },
    ]);
    await expect(t.database.db.updateTable('preference_changes').set({ mode: 'other' }).execute()).rejects.toThrow(/append-only/);
    await expect(t.database.db.deleteFrom('preference_changes').execute()).rejects.toThrow(/append-only/);
  });

  it('a parcel held against 送货上门 is turned by the desk into a free door delivery, delivered and picked up by delivery', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const collected = await received(w);
    expectError(await w.admin.post(`/api/parcels/${collected.id}/door-delivery`), 409, 'invalid_state');
    expectStatus(await resident.put('/api/resident/preferences', { communityId: w.community.id, mode: 'door' }), 200);
    const held = await received(w);
    expect(expectStatus(await w.admin.get<{ preference?: unknown }>(`/api/parcels/${held.id}`), 200).preference).toEqual({ mode: 'door', consentAt: null });
    const d = expectStatus(
      await w.admin.post<{ id: number; status: string; amountFen: number; parcelIds: number[] }>(`/api/parcels/${held.id}/door-delivery`),
      201,
    );
    expect(d).toMatchObject({ status: 'paid', amountFen: 0, parcelIds: [held.id] });
    expectError(await w.admin.post(`/api/parcels/${held.id}/door-delivery`), 409, 'already_requested');
    expectError(await (await createWorld(t.app)).admin.post(`/api/parcels/${held.id}/door-delivery`), 404, 'not_found');
    // The resident sees it among their deliveries; the desk dispatches and delivers it.
    const mine = expectStatus(await resident.get<{ items: { id: number }[] }>('/api/resident/deliveries'), 200).items;
    expect(mine.map((x) => x.id)).toContain(d.id);
    expectStatus(await w.admin.post(`/api/deliveries/${d.id}/dispatch`, { staffId: w.adminId }), 200);
    expectStatus(await w.admin.post(`/api/deliveries/${d.id}/delivered`, {}), 200);
    const after = expectStatus(await w.admin.get<Parcel>(`/api/parcels/${held.id}`), 200);
    expect(after).toMatchObject({ status: 'picked_up', feeChargedFen: 0, pickedUpBy: { relation: 'delivery' } });
  });

  it('refuses bad input and another community or org, changing nothing', async () => {
    const w = await createWorld(t.app);
    const other = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const body = { communityId: w.community.id, mode: 'door' };
    expect((await resident.put('/api/resident/preferences', { ...body, mode: 'locker' })).status).toBe(400);
    expect((await resident.put('/api/resident/preferences', { ...body, extra: 1 })).status).toBe(400);
    expectError(await resident.put('/api/resident/preferences', { ...body, carriers: { 不存在快递: 'door' } }), 400, 'validation_error');
    // A community the resident has nothing in, another org's: 404.
    expectError(await resident.put('/api/resident/preferences', { ...body, communityId: other.community.id }), 404, 'not_found');
    const own = await createCommunity(w.admin);
    expectError(await resident.put('/api/resident/preferences', { ...body, communityId: own.id }), 404, 'not_found');
    expect(expectStatus(await resident.get<{ items: Pref[] }>('/api/resident/preferences'), 200).items.map((p) => p.mode)).toEqual([null]);
    // The console: another org's resident 404; a clerk of another community 404.
    expectError(await other.admin.get(`/api/residents/${w.resident.id}/preference-history`), 404, 'not_found');
    const clerk = await createClerk(t.app, w.admin, [own.id]);
    expectError(await clerk.client.get(`/api/residents/${w.resident.id}/preference-history`), 404, 'not_found');
    // A courier of another community may not ask.
    expectError(await other.courier.get(`/api/courier/preference?communityId=${w.community.id}&phone=${w.residentPhone}`), 403, 'not_your_community');
    expect((await w.courier.get(`/api/courier/preference?communityId=${w.community.id}&phone=123`)).status).toBe(400);
    expect(await t.database.db.selectFrom('preference_changes').select('id').where('phone', '=', w.residentPhone).execute()).toEqual([]);
  });

  it('exports each held parcel with the consent behind it, phones masked', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const unrecorded = await received(w);
    t.clock.advance(60_000);
    expectStatus(await resident.put('/api/resident/preferences', { communityId: w.community.id, mode: 'collect' }), 200);
    t.clock.advance(60_000);
    const withConsent = await received(w);
    t.clock.advance(60_000);
    expectStatus(await resident.put('/api/resident/preferences', { communityId: w.community.id, mode: 'door' }), 200);
    t.clock.advance(60_000);
    const against = await received(w);
    const day = t.clock.now().toISOString().slice(0, 10);
    const from = new Date(t.clock.now().getTime() - 2 * 86_400_000).toISOString().slice(0, 10);
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/preferences/export?from=${from}&to=${day}&communityId=${w.community.id}&format=csv`,
      headers: { cookie: `sid=${w.admin.cookie ?? ''}` },
    });
    expect(r.statusCode).toBe(200);
    const rows = r.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/)
      .map((line) => line.split(','));
    expect(rows[0]).toEqual(['小区', '快递单号', '快递公司', '收件人', '手机', '入库时间', '入库时的收件偏好', '偏好记录时间']);
    const byNo = new Map(rows.slice(1).map((x) => [x[1], x]));
    expect(byNo.get(unrecorded.trackingNo)?.[6]).toBe('未记录');
    expect(byNo.get(withConsent.trackingNo)?.[6]).toMatch(/^代收（同意于\d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/);
    expect(byNo.get(against.trackingNo)?.[6]).toBe('送货上门');
    expect(byNo.get(against.trackingNo)?.[4]).toBe(`*******${w.residentPhone.slice(-4)}`);
    expect(r.body).not.toContain(w.residentPhone);
    expectError(await w.admin.get(`/api/preferences/export?from=${day}&to=${from}`), 400, 'validation_error');
    const other = await createWorld(t.app);
    expectError(await other.admin.get(`/api/preferences/export?from=${from}&to=${day}&communityId=${w.community.id}`), 404, 'not_found');
  });

  it('answers carriers by a salted phone hash with a preferences:read key, never the phone', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    expectStatus(await resident.put('/api/resident/preferences', { communityId: w.community.id, mode: 'door', carriers: { 中通快递: 'collect' } }), 200);
    const key = expectStatus(
      await w.admin.post<{ key: string; phoneSalt: string | null }>('/api/integrations/keys', { name: '中通', scopes: ['preferences:read'] }),
      201,
    );
    expect(key.phoneSalt).toMatch(/^[0-9a-f]{32}$/);
    const other = expectStatus(
      await w.admin.post<{ key: string; phoneSalt: string | null }>('/api/integrations/keys', { name: '预报', scopes: ['parcels:read'] }),
      201,
    );
    expect(other.phoneSalt).toBeNull();
    const hash = createHash('sha256').update(`${key.phoneSalt}${w.residentPhone}`).digest('hex');
    const r = await keyCall<{ items: unknown[] }>(t.app, `/api/open/v1/preferences?phoneHash=${hash}`, key.key);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ items: [{ communityId: w.community.id, mode: 'door', carriers: { 中通快递: 'collect' }, consentAt: null }], total: 1 });
    expect(JSON.stringify(r.body)).not.toContain(w.residentPhone);
    // An unsalted hash, another org's salt: nothing. A key without the scope: 403. A bad hash: 400.
    const bare = createHash('sha256').update(w.residentPhone).digest('hex');
    expect((await keyCall<{ items: unknown[] }>(t.app, `/api/open/v1/preferences?phoneHash=${bare}`, key.key)).body.items).toEqual([]);
    const stranger = await createWorld(t.app);
    const strangerKey = expectStatus(await stranger.admin.post<{ key: string }>('/api/integrations/keys', { name: 'x', scopes: ['preferences:read'] }), 201);
    expect((await keyCall<{ items: unknown[] }>(t.app, `/api/open/v1/preferences?phoneHash=${hash}`, strangerKey.key)).body.items).toEqual([]);
    expect((await keyCall(t.app, `/api/open/v1/preferences?phoneHash=${hash}`, other.key)).status).toBe(403);
    expect((await keyCall(t.app, `/api/open/v1/preferences?phoneHash=xyz`, key.key)).status).toBe(400);
    // The salt stays the org's: the key list shows the same one.
    const list = expectStatus(await w.admin.get<{ items: { phoneSalt: string | null }[] }>('/api/integrations/keys'), 200).items;
    expect(list.map((k) => k.phoneSalt).filter(Boolean)).toEqual([key.phoneSalt]);
  });
});
