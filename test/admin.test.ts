import { describe, expect, it } from 'vitest';
import type { Community, Courier, CreateOrgResult, Me, Page, Parcel, Resident, Staff, StaffMe } from './support/api.js';
import { OPERATOR_TOKEN, useTestApp } from './support/app.js';
import {
  Client,
  createClerk,
  createCommunity,
  createOrg,
  createWorld,
  enterParcel,
  expectError,
  expectStatus,
  randomMobile,
  staffLogin,
  uniq,
  type Reply,
} from './support/factories.js';

const t = useTestApp();

/** A validation error whose issues name the given field. */
function expectInvalidField(r: Reply, field: string): void {
  const body = expectError(r, 400, 'validation_error');
  expect(Array.isArray(body.issues)).toBe(true);
  expect(body.issues?.map((i) => i.path)).toContain(`body/${field}`);
}

/** `+86 139 1234 5678` for `13912345678`. */
function spacedPlus86(phone: string): string {
  return `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
}

/** `１３９…`: the phone in full-width digits, as a Chinese IME types it. */
function fullWidth(phone: string): string {
  return phone.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
}

/** A client from an unused address, so that failed sign-ins do not count against other tests. */
function strangerIp(): string {
  return `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
}

describe('operator: POST /api/operator/orgs', () => {
  const body = () => ({ name: uniq('物业'), adminUsername: uniq('admin'), adminPassword: 'admin-pass-123' });

  it('refuses a call without the bearer token or with a wrong one (401), and creates nothing', async () => {
    const anon = new Client(t.app);
    const b = body();
    expectError(await anon.post('/api/operator/orgs', b), 401, 'unauthorized');
    expectError(await anon.post('/api/operator/orgs', b, { authorization: 'Bearer wrong-token-wrong-token' }), 401, 'unauthorized');
    expectError(await anon.post('/api/operator/orgs', b, { authorization: `Basic ${OPERATOR_TOKEN}` }), 401, 'unauthorized');
    expectError(await anon.post('/api/operator/orgs', b, { authorization: `Bearer ${OPERATOR_TOKEN}x` }), 401, 'unauthorized');
    // Nothing was created: the admin cannot sign in.
    const login = await new Client(t.app, strangerIp()).post('/api/auth/staff/login', { username: b.adminUsername, password: b.adminPassword });
    expectError(login, 401, 'invalid_credentials');
  });

  it('creates an org and its first admin (201), who can sign in as the admin of that org', async () => {
    const b = body();
    const created = expectStatus(await new Client(t.app).post<CreateOrgResult>('/api/operator/orgs', b, { authorization: `Bearer ${OPERATOR_TOKEN}` }), 201);
    expect(created).toEqual({
      org: { id: expect.any(Number), name: b.name },
      admin: { id: expect.any(Number), username: b.adminUsername },
    });
    const admin = await staffLogin(t.app, b.adminUsername, b.adminPassword);
    const me = expectStatus(await admin.get<Me>('/api/me'), 200);
    expect(me).toMatchObject({
      kind: 'staff',
      staff: { id: created.admin.id, username: b.adminUsername, role: 'admin', orgId: created.org.id },
      org: { id: created.org.id, name: b.name, appEnabled: true },
    });
  });

  it('refuses an admin username already in use (409 username_taken) and leaves the existing admin alone', async () => {
    const first = body();
    expectStatus(await new Client(t.app).post('/api/operator/orgs', first, { authorization: `Bearer ${OPERATOR_TOKEN}` }), 201);
    const again = { ...body(), adminUsername: first.adminUsername, adminPassword: 'another-pass-456' };
    expectError(await new Client(t.app).post('/api/operator/orgs', again, { authorization: `Bearer ${OPERATOR_TOKEN}` }), 409, 'username_taken');
    await staffLogin(t.app, first.adminUsername, first.adminPassword);
    const wrong = await new Client(t.app, strangerIp()).post('/api/auth/staff/login', { username: first.adminUsername, password: 'another-pass-456' });
    expectError(wrong, 401, 'invalid_credentials');
  });
});

describe('communities (代收设置)', () => {
  it('creates a community with the default collection point and a zero fee, or with the given ones', async () => {
    const { admin } = await createOrg(t.app);
    const name = uniq('华润二十四城');
    const plain = expectStatus(await admin.post<Community>('/api/communities', { name }), 201);
    expect(plain).toEqual({
      id: expect.any(Number),
      name,
      collectionPointName: `${name}管理处`,
      feeRateFen: 0,
      remindersEnabled: true,
      returnAfterDays: 0,
      proofRequired: false,
      doorDeliveryFen: 0,
      doorDeliveryHours: '',
    });

    const named = expectStatus(await admin.post<Community>('/api/communities', { name: uniq('小区'), collectionPointName: '东门驿站', feeRateFen: 150 }), 201);
    expect(named).toMatchObject({ collectionPointName: '东门驿站', feeRateFen: 150 });

    const list = expectStatus(await admin.get<Page<Community>>('/api/communities'), 200);
    expect(list.total).toBe(2);
    expect(list.items).toEqual([plain, named]);
    expect(expectStatus(await admin.get(`/api/communities/${plain.id}`), 200)).toEqual(plain);
  });

  it('refuses a second community of the same name in the org (409 community_exists); another org may use the name', async () => {
    const a = await createOrg(t.app);
    const b = await createOrg(t.app);
    const name = uniq('小区');
    await createCommunity(a.admin, { name });
    expectError(await a.admin.post('/api/communities', { name }), 409, 'community_exists');
    expectError(await a.admin.post('/api/communities', { name: `  ${name}  ` }), 409, 'community_exists');
    await createCommunity(b.admin, { name });
    expect(expectStatus(await a.admin.get<Page<Community>>('/api/communities'), 200).total).toBe(1);
  });

  it('changes the fee within 0 to 100 元 a day in whole fen, and refuses anything else with issues', async () => {
    const { admin } = await createOrg(t.app);
    const c = await createCommunity(admin, { feeRateFen: 200 });
    const url = `/api/communities/${c.id}`;
    expect(expectStatus(await admin.patch<Community>(url, { feeRateFen: 0 }), 200)).toMatchObject({ id: c.id, feeRateFen: 0 });
    expect(expectStatus(await admin.patch<Community>(url, { feeRateFen: 10000 }), 200)).toMatchObject({ feeRateFen: 10000 });
    for (const bad of [10001, -1, 1.5, '200', null]) {
      expectInvalidField(await admin.patch(url, { feeRateFen: bad }), 'feeRateFen');
    }
    expectInvalidField(await admin.post('/api/communities', { name: uniq('小区'), feeRateFen: 10001 }), 'feeRateFen');
    // Nothing changed with the refusals.
    expect(expectStatus(await admin.get<Community>(url), 200).feeRateFen).toBe(10000);
  });

  it('changes the collection point, keeping the fee', async () => {
    const { admin } = await createOrg(t.app);
    const c = await createCommunity(admin, { feeRateFen: 300 });
    const changed = expectStatus(await admin.patch<Community>(`/api/communities/${c.id}`, { collectionPointName: '南门快递柜' }), 200);
    expect(changed).toEqual({ ...c, collectionPointName: '南门快递柜' });
    expect(expectStatus(await admin.get<Page<Community>>('/api/communities'), 200).items).toEqual([changed]);
    expectInvalidField(await admin.patch(`/api/communities/${c.id}`, { collectionPointName: '   ' }), 'collectionPointName');
    expectError(await admin.patch('/api/communities/999999999', { feeRateFen: 100 }), 404, 'not_found');
  });

  it('a clerk cannot create or change communities (403) and lists only the assigned ones', async () => {
    const { admin } = await createOrg(t.app);
    const x = await createCommunity(admin, { feeRateFen: 200 });
    const y = await createCommunity(admin);
    const { client: clerk } = await createClerk(t.app, admin, [x.id]);
    expectError(await clerk.post('/api/communities', { name: uniq('小区') }), 403, 'forbidden');
    expectError(await clerk.patch(`/api/communities/${x.id}`, { feeRateFen: 0 }), 403, 'forbidden');
    expect(expectStatus(await admin.get<Community>(`/api/communities/${x.id}`), 200).feeRateFen).toBe(200);
    expect(expectStatus(await admin.get<Page<Community>>('/api/communities'), 200).total).toBe(2);

    const mine = expectStatus(await clerk.get<Page<Community>>('/api/communities'), 200);
    expect(mine).toEqual({ items: [x], total: 1 });
    expectStatus(await clerk.get(`/api/communities/${x.id}`), 200);
    expectError(await clerk.get(`/api/communities/${y.id}`), 404, 'not_found');
  });
});

describe('staff (人员管理)', () => {
  it('the admin adds a clerk with communities, lists, reads and changes staff', async () => {
    const { admin, adminId, adminUsername, org } = await createOrg(t.app);
    const c1 = await createCommunity(admin);
    const c2 = await createCommunity(admin);
    const username = uniq('clerk');
    const clerk = expectStatus(await admin.post<Staff>('/api/staff', { username, password: 'clerk-pass-123', role: 'clerk', communityIds: [c1.id] }), 201);
    expect(clerk).toEqual({
      id: expect.any(Number),
      username,
      role: 'clerk',
      orgId: org.id,
      disabled: false,
      communityIds: [c1.id],
      createdAt: expect.any(String),
    });

    const list = expectStatus(await admin.get<Page<Staff>>('/api/staff'), 200);
    expect(list.total).toBe(2);
    expect(list.items.map((s: { id: number }) => s.id)).toEqual([adminId, clerk.id]);
    expect(list.items[0]).toMatchObject({ username: adminUsername, role: 'admin' });
    for (const s of list.items) expect(JSON.stringify(s)).not.toMatch(/password|hash/i);

    expect(expectStatus(await admin.get(`/api/staff/${clerk.id}`), 200)).toEqual(clerk);

    const clerkClient = await staffLogin(t.app, username, 'clerk-pass-123');
    expect(expectStatus(await clerkClient.get<Page<Community>>('/api/communities'), 200).total).toBe(1);
    const widened = expectStatus(await admin.patch<Staff>(`/api/staff/${clerk.id}`, { communityIds: [c1.id, c2.id] }), 200);
    expect(widened.communityIds).toEqual([c1.id, c2.id].sort((a, b) => a - b));
    // The clerk's open session sees the new communities at once.
    expect(expectStatus(await clerkClient.get<Page<Community>>('/api/communities'), 200).total).toBe(2);

    expectError(await admin.post('/api/staff', { username, password: 'clerk-pass-123', role: 'clerk' }), 409, 'username_taken');
    expectError(await admin.get('/api/staff/999999999'), 404, 'not_found');
  });

  it('disabling a clerk ends their session and refuses their sign-in', async () => {
    const { admin } = await createOrg(t.app);
    const c = await createCommunity(admin);
    const { staff, client, username } = await createClerk(t.app, admin, [c.id]);
    expectStatus(await client.get('/api/communities'), 200);
    expect(expectStatus(await admin.patch(`/api/staff/${staff.id}`, { disabled: true }), 200)).toMatchObject({ disabled: true });
    expectError(await client.get('/api/communities'), 401, 'unauthorized');
    expectError(await new Client(t.app, strangerIp()).post('/api/auth/staff/login', { username, password: 'clerk-pass-123' }), 403, 'account_disabled');
    expectStatus(await admin.patch(`/api/staff/${staff.id}`, { disabled: false }), 200);
    await staffLogin(t.app, username, 'clerk-pass-123');
  });

  it('a clerk gets 403 on every staff route', async () => {
    const { admin, adminId } = await createOrg(t.app);
    const c = await createCommunity(admin);
    const { client: clerk, staff } = await createClerk(t.app, admin, [c.id]);
    expectError(await clerk.get('/api/staff'), 403, 'forbidden');
    expectError(await clerk.get(`/api/staff/${staff.id}`), 403, 'forbidden');
    expectError(await clerk.post('/api/staff', { username: uniq('clerk'), password: 'clerk-pass-123', role: 'admin' }), 403, 'forbidden');
    expectError(await clerk.patch(`/api/staff/${staff.id}`, { role: 'admin' }), 403, 'forbidden');
    expectError(await clerk.patch(`/api/staff/${adminId}`, { disabled: true }), 403, 'forbidden');
    // Still a clerk, and the admin still works.
    expect(expectStatus(await admin.get<Staff>(`/api/staff/${staff.id}`), 200).role).toBe('clerk');
    expectStatus(await admin.get('/api/staff'), 200);
  });

  it("refuses another org's communities for a clerk (400), on creation and on change", async () => {
    const a = await createOrg(t.app);
    const b = await createOrg(t.app);
    const mine = await createCommunity(a.admin);
    const theirs = await createCommunity(b.admin);
    const username = uniq('clerk');
    expectError(
      await a.admin.post('/api/staff', { username, password: 'clerk-pass-123', role: 'clerk', communityIds: [mine.id, theirs.id] }),
      400,
      'validation_error',
    );
    // Nothing was created: the username is still free.
    const clerk = expectStatus(await a.admin.post<Staff>('/api/staff', { username, password: 'clerk-pass-123', role: 'clerk', communityIds: [mine.id] }), 201);
    expectError(await a.admin.patch(`/api/staff/${clerk.id}`, { communityIds: [theirs.id] }), 400, 'validation_error');
    expect(expectStatus(await a.admin.get<Staff>(`/api/staff/${clerk.id}`), 200).communityIds).toEqual([mine.id]);
  });

  it('an admin cannot disable themselves or give up their own admin role', async () => {
    const { admin, adminId } = await createOrg(t.app);
    expectError(await admin.patch(`/api/staff/${adminId}`, { disabled: true }), 400, 'validation_error');
    expectError(await admin.patch(`/api/staff/${adminId}`, { role: 'clerk' }), 400, 'validation_error');
    expect(expectStatus(await admin.get(`/api/staff/${adminId}`), 200)).toMatchObject({ role: 'admin', disabled: false });
    expectStatus(await admin.get('/api/staff'), 200);
  });
});

describe('couriers (快递员管理)', () => {
  it('stores the canonical carrier for an alias and a normalised phone; refuses an unknown carrier', async () => {
    const { admin } = await createOrg(t.app);
    const c = await createCommunity(admin);
    const phone = randomMobile();
    const name = uniq('张师傅');
    const created = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: c.id, name, phone: spacedPlus86(phone), carrier: '顺丰' }), 201);
    expect(created).toEqual({ id: expect.any(Number), communityId: c.id, communityName: c.name, name, phone, carrier: '顺丰速运' });
    expect(expectStatus(await admin.get(`/api/couriers/${created.id}`), 200)).toEqual(created);

    const wide = randomMobile();
    const second = expectStatus(
      await admin.post<Courier>('/api/couriers', { communityId: c.id, name: uniq('李师傅'), phone: fullWidth(wide), carrier: 'ZTO' }),
      201,
    );
    expect(second).toMatchObject({ phone: wide, carrier: '中通快递' });

    expectInvalidField(await admin.post('/api/couriers', { communityId: c.id, name: uniq('王'), phone: randomMobile(), carrier: '火星快递' }), 'carrier');
    expect(expectStatus(await admin.get<Page<Courier>>('/api/couriers'), 200).total).toBe(2);
  });

  it('refuses the same phone twice in a community (409 courier_exists), in any spelling; another community is fine', async () => {
    const { admin } = await createOrg(t.app);
    const c1 = await createCommunity(admin);
    const c2 = await createCommunity(admin);
    const phone = randomMobile();
    expectStatus(await admin.post('/api/couriers', { communityId: c1.id, name: '赵师傅', phone, carrier: '百世' }), 201);
    expectError(await admin.post('/api/couriers', { communityId: c1.id, name: '钱师傅', phone, carrier: '申通' }), 409, 'courier_exists');
    expectError(await admin.post('/api/couriers', { communityId: c1.id, name: '钱师傅', phone: spacedPlus86(phone), carrier: '申通' }), 409, 'courier_exists');
    const other = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: c2.id, name: '赵师傅', phone, carrier: '百世' }), 201);
    expect(other.communityId).toBe(c2.id);
    const list = expectStatus(await admin.get<Page<Courier>>(`/api/couriers?q=${phone}`), 200);
    expect(list.total).toBe(2);
    expect(list.items.map((i: { communityId: number }) => i.communityId)).toEqual([c1.id, c2.id]);
  });

  it('lists with substring search on phone and name, filters by community and carrier, and pages', async () => {
    const { admin } = await createOrg(t.app);
    const c1 = await createCommunity(admin);
    const c2 = await createCommunity(admin);
    const token = uniq('');
    const sf = expectStatus(
      await admin.post<Courier>('/api/couriers', { communityId: c1.id, name: `顺丰${token}小哥`, phone: randomMobile(), carrier: '顺丰速运' }),
      201,
    );
    const zto = expectStatus(
      await admin.post<Courier>('/api/couriers', { communityId: c1.id, name: uniq('中通'), phone: randomMobile(), carrier: '中通' }),
      201,
    );
    const inC2: { id: number }[] = [];
    for (let i = 0; i < 5; i++) {
      inC2.push(
        expectStatus(await admin.post<Courier>('/api/couriers', { communityId: c2.id, name: uniq('派件员'), phone: randomMobile(), carrier: '韵达' }), 201),
      );
    }

    const all = expectStatus(await admin.get<Page<Courier>>('/api/couriers'), 200);
    expect(all.total).toBe(7);
    expect(all.items).toHaveLength(7);

    // 模糊搜索: a piece of the phone, a piece of the name.
    const byPhone = expectStatus(await admin.get<Page<Courier>>(`/api/couriers?q=${zto.phone.slice(2, 10)}`), 200);
    expect(byPhone).toEqual({ items: [zto], total: 1 });
    const byName = expectStatus(await admin.get<Page<Courier>>(`/api/couriers?q=${encodeURIComponent(token)}`), 200);
    expect(byName).toEqual({ items: [sf], total: 1 });
    expect(expectStatus(await admin.get(`/api/couriers?q=${encodeURIComponent('没有这个人')}`), 200)).toEqual({ items: [], total: 0 });

    // 条件筛选.
    const onlyC2 = expectStatus(await admin.get<Page<Courier>>(`/api/couriers?communityId=${c2.id}`), 200);
    expect(onlyC2.total).toBe(5);
    expect(onlyC2.items.map((i: { id: number }) => i.id)).toEqual(inC2.map((i) => i.id));
    expect(expectStatus(await admin.get(`/api/couriers?carrier=${encodeURIComponent('顺丰速运')}`), 200)).toEqual({ items: [sf], total: 1 });
    expect(expectStatus(await admin.get(`/api/couriers?carrier=${encodeURIComponent('顺丰')}`), 200)).toEqual({ items: [sf], total: 1 });
    expect(expectStatus(await admin.get(`/api/couriers?carrier=${encodeURIComponent('韵达')}&communityId=${c1.id}`), 200)).toEqual({ items: [], total: 0 });
    expectError(await admin.get(`/api/couriers?carrier=${encodeURIComponent('火星快递')}`), 400, 'validation_error');

    // Pages of 2 over the 5 of c2: 2, 2, 1, then nothing; the total stays 5.
    const seen: number[] = [];
    for (const [page, size] of [
      [1, 2],
      [2, 2],
      [3, 1],
      [4, 0],
    ] as const) {
      const r = expectStatus(await admin.get<Page<Courier>>(`/api/couriers?communityId=${c2.id}&page=${page}&pageSize=2`), 200);
      expect(r.total).toBe(5);
      expect(r.items).toHaveLength(size);
      seen.push(...r.items.map((i: { id: number }) => i.id));
    }
    expect(seen).toEqual(inC2.map((i) => i.id));
    expect(expectStatus(await admin.get<Page<Courier>>('/api/couriers?pageSize=200'), 200).items).toHaveLength(7);
    for (const bad of ['pageSize=201', 'pageSize=0', 'page=0', 'page=abc']) {
      expectError(await admin.get(`/api/couriers?${bad}`), 400, 'validation_error');
    }
  });

  it('changes and deletes a courier (204, then 404)', async () => {
    const { admin } = await createOrg(t.app);
    const c1 = await createCommunity(admin);
    const c2 = await createCommunity(admin);
    const a = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: c1.id, name: '孙师傅', phone: randomMobile(), carrier: '百世' }), 201);
    const b = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: c1.id, name: '周师傅', phone: randomMobile(), carrier: '百世' }), 201);

    const changed = expectStatus(await admin.patch<Courier>(`/api/couriers/${a.id}`, { name: '孙大师傅', carrier: '京东', communityId: c2.id }), 200);
    expect(changed).toEqual({ ...a, name: '孙大师傅', carrier: '京东快递', communityId: c2.id, communityName: c2.name });
    expect(expectStatus(await admin.get(`/api/couriers/${a.id}`), 200)).toEqual(changed);

    // Moving b onto a's phone in c2 would make a second record of that phone there.
    expectStatus(await admin.patch(`/api/couriers/${b.id}`, { communityId: c2.id }), 200);
    expectError(await admin.patch(`/api/couriers/${b.id}`, { phone: a.phone }), 409, 'courier_exists');
    expectInvalidField(await admin.patch(`/api/couriers/${b.id}`, { carrier: '火星快递' }), 'carrier');
    expect(expectStatus(await admin.get(`/api/couriers/${b.id}`), 200)).toMatchObject({ phone: b.phone, carrier: '百世' });

    const del = await admin.delete(`/api/couriers/${a.id}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expectError(await admin.get(`/api/couriers/${a.id}`), 404, 'not_found');
    expectError(await admin.patch(`/api/couriers/${a.id}`, { name: '复活' }), 404, 'not_found');
    expectError(await admin.delete(`/api/couriers/${a.id}`), 404, 'not_found');
    expect(expectStatus(await admin.get('/api/couriers'), 200)).toMatchObject({ total: 1, items: [{ id: b.id }] });
  });

  it('a clerk sees and edits only the couriers of their communities', async () => {
    const { admin } = await createOrg(t.app);
    const x = await createCommunity(admin);
    const y = await createCommunity(admin);
    const inX = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: x.id, name: '吴师傅', phone: randomMobile(), carrier: '百世' }), 201);
    const inY = expectStatus(await admin.post<Courier>('/api/couriers', { communityId: y.id, name: '郑师傅', phone: randomMobile(), carrier: '百世' }), 201);
    const { client: clerk } = await createClerk(t.app, admin, [x.id]);

    expect(expectStatus(await clerk.get('/api/couriers'), 200)).toEqual({ items: [inX], total: 1 });
    expect(expectStatus(await clerk.get(`/api/couriers?communityId=${y.id}`), 200)).toEqual({ items: [], total: 0 });
    expectStatus(await clerk.get(`/api/couriers/${inX.id}`), 200);
    expect(expectStatus(await clerk.patch<Courier>(`/api/couriers/${inX.id}`, { name: '吴二师傅' }), 200).name).toBe('吴二师傅');

    expectError(await clerk.get(`/api/couriers/${inY.id}`), 404, 'not_found');
    expectError(await clerk.patch(`/api/couriers/${inY.id}`, { name: '改名' }), 404, 'not_found');
    expectError(await clerk.delete(`/api/couriers/${inY.id}`), 404, 'not_found');
    expectError(await clerk.patch(`/api/couriers/${inX.id}`, { communityId: y.id }), 404, 'not_found');
    expectError(await clerk.post('/api/couriers', { communityId: y.id, name: '冯师傅', phone: randomMobile(), carrier: '百世' }), 404, 'not_found');
    expectStatus(await clerk.post('/api/couriers', { communityId: x.id, name: '冯师傅', phone: randomMobile(), carrier: '百世' }), 201);

    // What the clerk could not touch is unchanged.
    expect(expectStatus(await admin.get(`/api/couriers/${inY.id}`), 200)).toEqual(inY);
    expect(expectStatus(await admin.get<Courier>(`/api/couriers/${inX.id}`), 200).communityId).toBe(x.id);
    expect(expectStatus(await admin.get<Page<Courier>>(`/api/couriers?communityId=${y.id}`), 200).total).toBe(1);
  });
});

describe('residents (住户管理)', () => {
  const home = { building: '1', unit: '2', room: '301' };

  it('creates with a normalised phone; refuses the same community, phone and home twice (409 resident_exists)', async () => {
    const { admin } = await createOrg(t.app);
    const c1 = await createCommunity(admin);
    const c2 = await createCommunity(admin);
    const phone = randomMobile();
    const r = expectStatus(await admin.post<Resident>('/api/residents', { communityId: c1.id, name: '兰兰', phone: spacedPlus86(phone), ...home }), 201);
    expect(r).toEqual({ id: expect.any(Number), communityId: c1.id, communityName: c1.name, name: '兰兰', phone, ...home });
    expect(expectStatus(await admin.get(`/api/residents/${r.id}`), 200)).toEqual(r);

    expectError(await admin.post('/api/residents', { communityId: c1.id, name: '另一个名字', phone: fullWidth(phone), ...home }), 409, 'resident_exists');
    // One phone, another home in the same community, or the same home in another community: fine.
    expectStatus(await admin.post('/api/residents', { communityId: c1.id, name: '兰兰', phone, ...home, room: '302' }), 201);
    expectStatus(await admin.post('/api/residents', { communityId: c2.id, name: '兰兰', phone, ...home }), 201);
    expect(expectStatus(await admin.get<Page<Resident>>(`/api/residents?q=${phone}`), 200).total).toBe(3);

    for (const field of ['building', 'unit', 'room', 'name'] as const) {
      expectInvalidField(await admin.post('/api/residents', { communityId: c1.id, name: '甲', phone: randomMobile(), ...home, [field]: '' }), field);
    }
    expectInvalidField(await admin.post('/api/residents', { communityId: c1.id, name: '甲', phone: '12345', ...home }), 'phone');
  });

  it('lists with substring search, filters by community and building, and pages', async () => {
    const { admin } = await createOrg(t.app);
    const c1 = await createCommunity(admin);
    const c2 = await createCommunity(admin);
    const token = uniq('');
    const named = expectStatus(
      await admin.post<Resident>('/api/residents', { communityId: c1.id, name: `业主${token}`, phone: randomMobile(), building: '9', unit: '1', room: '101' }),
      201,
    );
    const other = expectStatus(
      await admin.post<Resident>('/api/residents', { communityId: c1.id, name: uniq('业主'), phone: randomMobile(), building: '8', unit: '1', room: '101' }),
      201,
    );
    const inC2: { id: number }[] = [];
    for (let i = 0; i < 5; i++) {
      inC2.push(
        expectStatus(
          await admin.post<Resident>('/api/residents', {
            communityId: c2.id,
            name: uniq('住户'),
            phone: randomMobile(),
            building: '1',
            unit: '1',
            room: `${101 + i}`,
          }),
          201,
        ),
      );
    }
    expect(expectStatus(await admin.get<Page<Resident>>('/api/residents'), 200).total).toBe(7);
    expect(expectStatus(await admin.get(`/api/residents?q=${encodeURIComponent(token)}`), 200)).toEqual({ items: [named], total: 1 });
    expect(expectStatus(await admin.get(`/api/residents?q=${other.phone.slice(3)}`), 200)).toEqual({ items: [other], total: 1 });
    expect(expectStatus(await admin.get(`/api/residents?communityId=${c1.id}&building=9`), 200)).toEqual({ items: [named], total: 1 });

    const onlyC2 = expectStatus(await admin.get<Page<Resident>>(`/api/residents?communityId=${c2.id}`), 200);
    expect(onlyC2.items.map((i: { id: number }) => i.id)).toEqual(inC2.map((i) => i.id));
    const seen: number[] = [];
    for (const [page, size] of [
      [1, 2],
      [2, 2],
      [3, 1],
    ] as const) {
      const r = expectStatus(await admin.get<Page<Resident>>(`/api/residents?communityId=${c2.id}&page=${page}&pageSize=2`), 200);
      expect(r.total).toBe(5);
      expect(r.items).toHaveLength(size);
      seen.push(...r.items.map((i: { id: number }) => i.id));
    }
    expect(seen).toEqual(inC2.map((i) => i.id));
    expectError(await admin.get('/api/residents?pageSize=201'), 400, 'validation_error');
  });

  it('changes and deletes a resident (204, then 404)', async () => {
    const { admin } = await createOrg(t.app);
    const c = await createCommunity(admin);
    const phone = randomMobile();
    const a = expectStatus(await admin.post<Resident>('/api/residents', { communityId: c.id, name: '甲', phone, ...home }), 201);
    const b = expectStatus(await admin.post<Resident>('/api/residents', { communityId: c.id, name: '乙', phone, ...home, room: '999' }), 201);
    const changed = expectStatus(await admin.patch<Resident>(`/api/residents/${a.id}`, { name: '甲甲', room: '302' }), 200);
    expect(changed).toEqual({ ...a, name: '甲甲', room: '302' });
    // b moving into a's home with the same phone would duplicate it.
    expectError(await admin.patch(`/api/residents/${b.id}`, { room: '302' }), 409, 'resident_exists');
    expect(expectStatus(await admin.get<Resident>(`/api/residents/${b.id}`), 200).room).toBe('999');

    expect((await admin.delete(`/api/residents/${a.id}`)).status).toBe(204);
    expectError(await admin.get(`/api/residents/${a.id}`), 404, 'not_found');
    expectError(await admin.patch(`/api/residents/${a.id}`, { name: '丙' }), 404, 'not_found');
    expectError(await admin.delete(`/api/residents/${a.id}`), 404, 'not_found');
    expect(expectStatus(await admin.get('/api/residents'), 200)).toMatchObject({ total: 1, items: [{ id: b.id }] });
  });

  it('a clerk sees and edits only the residents of their communities', async () => {
    const { admin } = await createOrg(t.app);
    const x = await createCommunity(admin);
    const y = await createCommunity(admin);
    const inX = expectStatus(await admin.post<Resident>('/api/residents', { communityId: x.id, name: '甲', phone: randomMobile(), ...home }), 201);
    const inY = expectStatus(await admin.post<Resident>('/api/residents', { communityId: y.id, name: '乙', phone: randomMobile(), ...home }), 201);
    const { client: clerk } = await createClerk(t.app, admin, [x.id]);

    expect(expectStatus(await clerk.get('/api/residents'), 200)).toEqual({ items: [inX], total: 1 });
    expect(expectStatus(await clerk.patch<Resident>(`/api/residents/${inX.id}`, { unit: '3' }), 200).unit).toBe('3');
    expectError(await clerk.get(`/api/residents/${inY.id}`), 404, 'not_found');
    expectError(await clerk.patch(`/api/residents/${inY.id}`, { name: '丙' }), 404, 'not_found');
    expectError(await clerk.delete(`/api/residents/${inY.id}`), 404, 'not_found');
    expectError(await clerk.post('/api/residents', { communityId: y.id, name: '丁', phone: randomMobile(), ...home }), 404, 'not_found');
    expect(expectStatus(await admin.get(`/api/residents/${inY.id}`), 200)).toEqual(inY);
  });
});

describe('app switch (应用广场)', () => {
  it('closing the app stops courier entries (403 app_closed) without losing data; reopening lets the same entry through', async () => {
    const w = await createWorld(t.app);
    const { client: clerk } = await createClerk(t.app, w.admin, [w.community.id]);
    expect(expectStatus(await w.admin.get('/api/app'), 200)).toEqual({ enabled: true });
    expect(expectStatus(await clerk.get('/api/app'), 200)).toEqual({ enabled: true });

    const before = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${before.id}/receive`, {}), 200);

    expectError(await clerk.put('/api/app', { enabled: false }), 403, 'forbidden');
    expect(expectStatus(await w.admin.get('/api/app'), 200)).toEqual({ enabled: true });

    expect(expectStatus(await w.admin.put('/api/app', { enabled: false }), 200)).toEqual({ enabled: false });
    expect(expectStatus(await w.admin.get('/api/app'), 200)).toEqual({ enabled: false });
    expect(expectStatus(await clerk.get('/api/app'), 200)).toEqual({ enabled: false });
    expect(expectStatus(await w.admin.get<StaffMe>('/api/me'), 200).org.appEnabled).toBe(false);

    const key = uniq('closed-key-');
    const entry = { communityId: w.community.id, trackingNo: uniq('SF').toUpperCase(), recipientPhone: w.residentPhone, recipientName: '兰兰' };
    expectError(await enterParcel(w.courier, entry, key), 403, 'app_closed');
    expectError(await enterParcel(w.courier, entry, key), 403, 'app_closed');
    expect(expectStatus(await w.admin.get<Page<Parcel>>('/api/parcels'), 200).total).toBe(1);
    expect(expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/parcels'), 200).total).toBe(1);

    expect(expectStatus(await w.admin.put('/api/app', { enabled: true }), 200)).toEqual({ enabled: true });
    const after = expectStatus(await enterParcel(w.courier, entry, key), 201);
    expect(after).toMatchObject({ status: 'pending_receipt', trackingNo: entry.trackingNo });

    // Everything from before is still there.
    const parcels = expectStatus(await w.admin.get<Page<Parcel>>('/api/parcels'), 200);
    expect(parcels.total).toBe(2);
    expect(expectStatus(await w.admin.get(`/api/parcels/${before.id}`), 200)).toMatchObject({
      status: 'awaiting_pickup',
      pickupCode: received.pickupCode,
    });
    expect(expectStatus(await w.admin.get<Page<Community>>('/api/communities'), 200).items).toEqual([w.community]);
    expect(expectStatus(await w.admin.get<Page<Courier>>('/api/couriers'), 200).items).toEqual([w.courierRecord]);
    expect(expectStatus(await w.admin.get<Page<Resident>>('/api/residents'), 200).items).toEqual([w.resident]);
  });

  it('PUT /api/app takes only { enabled: boolean }', async () => {
    const { admin } = await createOrg(t.app);
    for (const bad of [{}, { enabled: 'false' }, { enabled: 0 }, { enabled: false, orgId: 1 }]) {
      expectError(await admin.put('/api/app', bad), 400, 'validation_error');
    }
    expect(expectStatus(await admin.get('/api/app'), 200)).toEqual({ enabled: true });
    expectError(await new Client(t.app).get('/api/app'), 401, 'unauthorized');
  });
});
