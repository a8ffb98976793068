// Sign-in and sessions: staff passwords, SMS-code sign-in of couriers (with registration) and
// residents, who /api/me says is signed in, and logs that keep secrets out. Limits: auth-limits.test.ts.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import type { ApiError, CourierLoginResult, CourierMe, DevInbox, Me, StaffMe } from './support/api.js';
import { capturedLogs, testConfig, useTestApp } from './support/app.js';
import {
  Client,
  courierLogin,
  createClerk,
  createCommunity,
  createOrg,
  expectStatus,
  lastCode,
  otherCode,
  randomMobile,
  residentLogin,
  sendCode,
  staffLogin,
  uniq,
  uniqueIp,
  type Reply,
} from './support/factories.js';

const t = useTestApp();

const ADMIN_PASSWORD = 'admin-pass-123'; // what createOrg gives every admin

/** The `sid` Set-Cookie header of an answer. */
function sessionCookieHeader(r: Reply): string {
  const raw = r.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const sid = all.find((c) => c.startsWith('sid='));
  if (!sid) throw new Error(`no sid cookie in ${JSON.stringify(raw)}`);
  return sid;
}

/** A client that presents someone else's (possibly dead) session token. */
function clientWithToken(token: string): Client {
  const c = new Client(t.app);
  c.cookie = token;
  return c;
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

async function courierAccountCount(phone: string): Promise<number> {
  const rows = await t.database.db.selectFrom('courier_accounts').select('id').where('phone', '=', phone).execute();
  return rows.length;
}

describe('staff sign-in and sessions', () => {
  it('signs in with an HttpOnly, SameSite=Strict session cookie holding a random 128-bit token', async () => {
    const { org, adminId, adminUsername } = await createOrg(t.app);
    const c = new Client(t.app);
    const r = await c.post('/api/auth/staff/login', { username: adminUsername, password: ADMIN_PASSWORD });
    expect(expectStatus(r, 200)).toEqual({ staff: { id: adminId, username: adminUsername, role: 'admin', orgId: org.id, mustChangePassword: false } });

    const cookie = sessionCookieHeader(r);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    // Strict: a page of another site (another port of this host too) cannot send it along.
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
    const token = c.cookie ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/); // 16 random bytes in base64url

    const me = expectStatus(await c.get<Me>('/api/me'), 200);
    expect(me).toMatchObject({ kind: 'staff', staff: { id: adminId, username: adminUsername, role: 'admin', orgId: org.id } });

    // The table keeps the token's SHA-256, never the token.
    const rows = await t.database.db.selectFrom('sessions').select('id').where('staff_id', '=', adminId).execute();
    expect(rows.map((s) => s.id)).toContain(sha256Hex(token));
    expect(rows.some((s) => s.id === token || s.id.includes(token))).toBe(false);
  });

  it('marks the session cookie Secure behind HTTPS: through a trusted proxy that says https, or with COOKIE_SECURE=true', async () => {
    const { adminUsername } = await createOrg(t.app);
    const cookieFrom = async (config: Parameters<typeof testConfig>[0], remoteAddress: string, headers: Record<string, string> = {}) => {
      const app = await buildApp({ config: testConfig(config), database: t.database, now: t.clock.now });
      try {
        const r = await app.inject({
          method: 'POST',
          url: '/api/auth/staff/login',
          remoteAddress,
          headers,
          payload: { username: adminUsername, password: ADMIN_PASSWORD },
        });
        expect(r.statusCode).toBe(200);
        return String(r.headers['set-cookie']);
      } finally {
        await app.close();
      }
    };
    const https = { 'x-forwarded-proto': 'https' };
    // Over HTTPS the cookie is Secure and named __Host-sid (the browser then refuses it unless
    // Secure, host-only and for /, so a sibling subdomain cannot plant one).
    for (const cookie of [await cookieFrom({ trustProxy: '10.0.0.1' }, '10.0.0.1', https), await cookieFrom({ cookieSecure: true }, '127.0.0.1')]) {
      expect(cookie).toMatch(/^__Host-sid=[\w-]{22};/);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/);
      expect(cookie).not.toMatch(/;\s*Domain=/i);
    }
    // Plain http, or the header from a socket that is not the trusted proxy: not Secure (the
    // browser would then drop it on http), named sid, and still HttpOnly and SameSite.
    for (const cookie of [await cookieFrom({}, '127.0.0.1'), await cookieFrom({ trustProxy: '10.0.0.1' }, '192.0.2.9', https)]) {
      expect(cookie).toMatch(/^sid=/);
      expect(cookie).not.toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly.*;\s*SameSite=Strict|;\s*SameSite=Strict.*;\s*HttpOnly/i);
    }
    // Behind HTTPS only the __Host- cookie signs in: a plain `sid` (planted over http, or by a subdomain) is not read.
    const app = await buildApp({ config: testConfig({ cookieSecure: true }), database: t.database, now: t.clock.now });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/staff/login', payload: { username: adminUsername, password: ADMIN_PASSWORD } });
      const token = login.cookies.find((c) => c.name === '__Host-sid')?.value ?? '';
      expect((await app.inject({ method: 'GET', url: '/api/me', cookies: { '__Host-sid': token } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/me', cookies: { sid: token } })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('gives a new token on every sign-in and ends the session the browser had', async () => {
    const { adminId, adminUsername } = await createOrg(t.app);
    const c = await staffLogin(t.app, adminUsername, ADMIN_PASSWORD);
    const first = c.cookie ?? '';
    expectStatus(await c.post('/api/auth/staff/login', { username: adminUsername, password: ADMIN_PASSWORD }), 200);
    const second = c.cookie ?? '';
    expect(second).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second).not.toBe(first);

    expect((await clientWithToken(first).get('/api/me')).status).toBe(401);
    expect(expectStatus(await clientWithToken(second).get<StaffMe>('/api/me'), 200).staff.id).toBe(adminId);
    const ids = await t.database.db.selectFrom('sessions').select('id').where('staff_id', '=', adminId).execute();
    expect(ids.map((s) => s.id)).not.toContain(sha256Hex(first));
  });

  it('logs out with 204, clearing the cookie and ending the session on the server', async () => {
    const { adminUsername } = await createOrg(t.app);
    const c = await staffLogin(t.app, adminUsername, ADMIN_PASSWORD);
    const token = c.cookie ?? '';
    expectStatus(await c.get('/api/me'), 200);

    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(sessionCookieHeader(out)).toMatch(/^sid=;/);
    expect(c.cookie).toBeUndefined();
    expect((await c.get('/api/me')).status).toBe(401);

    // Replaying the old cookie value from elsewhere does not bring the session back.
    const replay = await clientWithToken(token).get<ApiError>('/api/me');
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('unauthorized');
    const left = await t.database.db.selectFrom('sessions').select('id').where('id', '=', sha256Hex(token)).execute();
    expect(left).toHaveLength(0);
  });

  it('answers a wrong password and an unknown user alike: 401 invalid_credentials in Chinese', async () => {
    const { adminUsername } = await createOrg(t.app);
    const ip = uniqueIp();
    const wrong = new Client(t.app, ip);
    const r1 = await wrong.post('/api/auth/staff/login', { username: adminUsername, password: 'not-the-password' });
    expect(r1.status).toBe(401);
    expect(r1.body).toEqual({ error: 'invalid_credentials', message: '用户名或密码错误' });
    expect(wrong.cookie).toBeUndefined();

    const unknown = new Client(t.app, ip);
    const r2 = await unknown.post('/api/auth/staff/login', { username: uniq('nobody'), password: ADMIN_PASSWORD });
    expect(r2.status).toBe(401);
    expect(r2.body).toEqual(r1.body);
    expect(unknown.cookie).toBeUndefined();
    expect((await unknown.get('/api/me')).status).toBe(401);
  });

  it('a disabled staff member loses live sessions and cannot sign in until enabled again', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const clerk = await createClerk(t.app, org.admin, [community.id]);
    expect(expectStatus(await clerk.client.get('/api/me'), 200)).toMatchObject({ kind: 'staff', staff: { role: 'clerk' }, communityIds: [community.id] });

    expectStatus(await org.admin.patch(`/api/staff/${clerk.staff.id}`, { disabled: true }), 200);
    expect((await clerk.client.get('/api/me')).status).toBe(401);
    expect((await clerk.client.get('/api/parcels')).status).toBe(401);
    const rows = await t.database.db.selectFrom('sessions').select('id').where('staff_id', '=', clerk.staff.id).execute();
    expect(rows).toHaveLength(0);

    const again = new Client(t.app, uniqueIp());
    const refused = await again.post('/api/auth/staff/login', { username: clerk.username, password: 'clerk-pass-123' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'account_disabled', message: '账号已停用' });
    expect(again.cookie).toBeUndefined();

    expectStatus(await org.admin.patch(`/api/staff/${clerk.staff.id}`, { disabled: false }), 200);
    expectStatus(await again.post('/api/auth/staff/login', { username: clerk.username, password: 'clerk-pass-123' }), 200);
    expectStatus(await again.get('/api/me'), 200);
  });
});

describe('SMS code sending', () => {
  it('sends a 6-digit code by SMS and keeps only a hash of it', async () => {
    const phone = randomMobile();
    const c = new Client(t.app);
    const r = await c.post('/api/auth/otp', { phone, purpose: 'resident' });
    expect(r.status).toBe(204);
    const inbox = expectStatus(await new Client(t.app).get<DevInbox>(`/api/dev/messages?to=${phone}`), 200);
    expect(inbox.items).toHaveLength(1);
    expect(inbox.items[0]).toMatchObject({ to: phone, channel: 'sms' });
    expect(inbox.items[0]?.text).toMatch(/验证码是\d{6}，10分钟内有效/);
    const code = await lastCode(t.app, phone);

    const rows = await t.database.db.selectFrom('otp_codes').selectAll().where('phone', '=', phone).execute();
    expect(rows).toHaveLength(1);
    const stored = rows[0]?.code_hash ?? '';
    expect(stored.length).toBeGreaterThan(6);
    expect(stored).not.toBe(code);
    expect(stored).not.toContain(code);
  });

  it('accepts a phone written with +86, spaces and dashes, as the same 11-digit number', async () => {
    const phone = randomMobile();
    const written = `+86 ${phone.slice(0, 3)}-${phone.slice(3, 7)} ${phone.slice(7)}`;
    expectStatus(await new Client(t.app).post('/api/auth/otp', { phone: written, purpose: 'resident' }), 204);
    const code = await lastCode(t.app, phone);
    const c = new Client(t.app);
    expect(expectStatus(await c.post('/api/auth/resident/login', { phone, code }), 200)).toEqual({ resident: { phone } });
  });

  it('refuses a number that is not a mainland mobile with 400 validation_error and its issues', async () => {
    for (const phone of ['12345678901', '1391234567', 'abc', '139123456789']) {
      const r = await new Client(t.app).post<ApiError>('/api/auth/otp', { phone, purpose: 'resident' });
      expect(r.status, phone).toBe(400);
      expect(r.body.error).toBe('validation_error');
      expect(r.body.message).toContain('请输入正确的手机号');
      expect(r.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('phone') })]));
    }
    const badPurpose = await new Client(t.app).post<ApiError>('/api/auth/otp', { phone: randomMobile(), purpose: 'staff' });
    expect(badPurpose.status).toBe(400);
    expect(badPurpose.body.error).toBe('validation_error');
  });
});

describe('courier registration and sign-in', () => {
  it('refuses a phone the front desk never entered, creating nothing', async () => {
    const phone = randomMobile();
    const code = await sendCode(t.app, phone, 'courier');
    const c = new Client(t.app);
    const r = await c.post('/api/auth/courier/login', { phone, code, name: '张三' });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error: 'courier_not_registered', message: '请先到物业前台登记快递员信息' });
    expect(c.cookie).toBeUndefined();
    expect(await courierAccountCount(phone)).toBe(0);
  });

  it('refuses a registered phone with another name, creating nothing', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const phone = randomMobile();
    expectStatus(await org.admin.post('/api/couriers', { communityId: community.id, name: '王五', phone, carrier: '申通' }), 201);
    const code = await sendCode(t.app, phone, 'courier');
    const c = new Client(t.app);
    const r = await c.post('/api/auth/courier/login', { phone, code, name: '王六' });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: 'courier_not_registered', message: '请先到物业前台登记快递员信息' });
    expect(c.cookie).toBeUndefined();
    expect(await courierAccountCount(phone)).toBe(0);
  });

  it('asks for the name on a first sign-in without using up the code', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const phone = randomMobile();
    expectStatus(await org.admin.post('/api/couriers', { communityId: community.id, name: '赵六', phone, carrier: '韵达' }), 201);
    const code = await sendCode(t.app, phone, 'courier');
    const c = new Client(t.app);
    const r = await c.post('/api/auth/courier/login', { phone, code });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'name_required', message: '首次登录请填写姓名' });
    expect(await courierAccountCount(phone)).toBe(0);

    const ok = expectStatus(await c.post<CourierLoginResult>('/api/auth/courier/login', { phone, code, name: '赵六' }), 200);
    expect(ok.courier).toEqual({ phone, name: '赵六' });
    expect(await courierAccountCount(phone)).toBe(1);
  });

  it('registers with the name the front desk entered (case and spaces aside) and links every community of that phone', async () => {
    const orgA = await createOrg(t.app);
    const orgB = await createOrg(t.app);
    const c1 = await createCommunity(orgA.admin);
    const c2 = await createCommunity(orgB.admin);
    const phone = randomMobile();
    expectStatus(await orgA.admin.post('/api/couriers', { communityId: c1.id, name: 'Li Ming', phone, carrier: '顺丰' }), 201);
    expectStatus(await orgB.admin.post('/api/couriers', { communityId: c2.id, name: 'Li Ming', phone, carrier: '中通' }), 201);
    const expected = [
      { communityId: c1.id, communityName: c1.name, carrier: '顺丰速运' },
      { communityId: c2.id, communityName: c2.name, carrier: '中通快递' },
    ];

    const code = await sendCode(t.app, phone, 'courier');
    const c = new Client(t.app);
    const r = expectStatus(await c.post<CourierLoginResult>('/api/auth/courier/login', { phone, code, name: '  li   MING ' }), 200);
    expect(r.courier).toEqual({ phone, name: 'Li Ming' });
    expect(r.communities).toHaveLength(2);
    expect(r.communities).toEqual(expect.arrayContaining(expected));
    const me = expectStatus(await c.get<CourierMe>('/api/me'), 200);
    expect(me).toMatchObject({ kind: 'courier', courier: { phone, name: 'Li Ming' } });
    expect(me.communities).toEqual(expect.arrayContaining(expected));
    expect(await courierAccountCount(phone)).toBe(1);
  });

  it('needs no name on later sign-ins', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const phone = randomMobile();
    const name = uniq('快递员');
    expectStatus(await org.admin.post('/api/couriers', { communityId: community.id, name, phone, carrier: '百世' }), 201);
    await courierLogin(t.app, phone, name);
    t.clock.advance(61_000);

    const code = await sendCode(t.app, phone, 'courier');
    const c = new Client(t.app);
    const r = expectStatus(await c.post<CourierLoginResult>('/api/auth/courier/login', { phone, code }), 200);
    expect(r).toEqual({ courier: { phone, name }, communities: [{ communityId: community.id, communityName: community.name, carrier: '百世' }] });
    expect(expectStatus(await c.get('/api/me'), 200)).toMatchObject({ kind: 'courier', courier: { phone, name } });
    expect(await courierAccountCount(phone)).toBe(1);
  });
});

describe('who is signed in', () => {
  it('GET /api/me answers the kind of user of the session', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const courierPhone = randomMobile();
    expectStatus(await org.admin.post('/api/couriers', { communityId: community.id, name: '钱七', phone: courierPhone, carrier: '京东' }), 201);
    const courier = await courierLogin(t.app, courierPhone, '钱七');
    const residentPhone = randomMobile();
    const resident = await residentLogin(t.app, residentPhone);

    expect(expectStatus(await org.admin.get('/api/me'), 200)).toMatchObject({
      kind: 'staff',
      staff: { id: org.adminId, username: org.adminUsername, role: 'admin', orgId: org.org.id },
      org: { id: org.org.id, name: org.org.name },
      communityIds: null,
    });
    expect(expectStatus(await courier.get('/api/me'), 200)).toEqual({
      kind: 'courier',
      courier: { phone: courierPhone, name: '钱七' },
      communities: [{ communityId: community.id, communityName: community.name, carrier: '京东快递' }],
      wechat: { enabled: false, bound: false },
    });
    expect(expectStatus(await resident.get('/api/me'), 200)).toEqual({
      kind: 'resident',
      resident: { phone: residentPhone },
      wechat: { enabled: false, bound: false },
    });
    const nobody = await new Client(t.app).get('/api/me');
    expect(nobody.status).toBe(401);
    expect(nobody.body).toEqual({ error: 'unauthorized', message: '请先登录' });
  });

  it('a resident signs in with any valid phone, resident record or not', async () => {
    const phone = randomMobile();
    const code = await sendCode(t.app, phone, 'resident');
    const c = new Client(t.app);
    const r = await c.post('/api/auth/resident/login', { phone, code });
    expect(expectStatus(r, 200)).toEqual({ resident: { phone } });
    expect(sessionCookieHeader(r)).toMatch(/;\s*HttpOnly/i);
    expect(expectStatus(await c.get('/api/me'), 200)).toEqual({ kind: 'resident', resident: { phone }, wechat: { enabled: false, bound: false } });
    // A resident code is not a courier code.
    expect((await new Client(t.app).post('/api/auth/courier/login', { phone, code, name: 'x' })).status).toBe(400);
  });

  it('GET /api/courier/communities is for couriers only', async () => {
    const org = await createOrg(t.app);
    const community = await createCommunity(org.admin);
    const phone = randomMobile();
    expectStatus(await org.admin.post('/api/couriers', { communityId: community.id, name: '孙八', phone, carrier: '极兔' }), 201);
    const courier = await courierLogin(t.app, phone, '孙八');
    expect(expectStatus(await courier.get('/api/courier/communities'), 200)).toEqual({
      items: [{ communityId: community.id, communityName: community.name, carrier: '极兔速递' }],
    });
    expect((await org.admin.get('/api/courier/communities')).status).toBe(401);
    expect((await new Client(t.app).get('/api/courier/communities')).status).toBe(401);
    const resident = await residentLogin(t.app, randomMobile());
    expect((await resident.get('/api/courier/communities')).status).toBe(401);
  });
});

describe('logs', () => {
  it('never hold a full phone number, code, password or session token', async () => {
    const logs = capturedLogs();
    const app = await buildApp({ config: testConfig({ logLevel: 'info' }), database: t.database, now: t.clock.now, logStream: logs.stream });
    await app.ready();
    const secrets: string[] = [ADMIN_PASSWORD];
    const phones: string[] = [];
    const codes: string[] = [];
    try {
      const org = await createOrg(app);
      const community = await createCommunity(org.admin);
      const courierPhone = randomMobile();
      const residentPhone = randomMobile();
      phones.push(courierPhone, residentPhone);
      expectStatus(await org.admin.post('/api/couriers', { communityId: community.id, name: '周九', phone: courierPhone, carrier: '圆通' }), 201);

      const courier = new Client(app);
      expectStatus(await courier.post('/api/auth/otp', { phone: courierPhone, purpose: 'courier' }), 204);
      const courierCode = await lastCode(app, courierPhone);
      codes.push(courierCode);
      expect((await courier.post('/api/auth/courier/login', { phone: courierPhone, code: otherCode(courierCode) })).status).toBe(400);
      expectStatus(await courier.post('/api/auth/courier/login', { phone: courierPhone, code: courierCode, name: '周九' }), 200);

      const resident = new Client(app);
      expectStatus(await resident.post('/api/auth/otp', { phone: residentPhone, purpose: 'resident' }), 204);
      const residentCode = await lastCode(app, residentPhone);
      codes.push(residentCode);
      expectStatus(await resident.post('/api/auth/resident/login', { phone: residentPhone, code: residentCode }), 200);

      const wrongPassword = 'wrong-pass-456';
      secrets.push(wrongPassword);
      const failed = await new Client(app, uniqueIp()).post('/api/auth/staff/login', { username: org.adminUsername, password: wrongPassword });
      expect(failed.status).toBe(401);
      const clerk = await createClerk(app, org.admin, [community.id]);
      secrets.push('clerk-pass-123');

      expectStatus(await org.admin.get(`/api/parcels?q=${residentPhone}`), 200);
      expectStatus(await clerk.client.get(`/api/parcels?q=${courierPhone}`), 200);
      expectStatus(await courier.get('/api/me'), 200);
      expectStatus(await resident.get('/api/me'), 200);

      for (const c of [org.admin, clerk.client, courier, resident]) secrets.push(c.cookie ?? 'missing-token');
      expectStatus(await org.admin.post('/api/auth/logout'), 204);
    } finally {
      await app.close();
    }

    const captured = logs.text();
    // The logs were written, and carry the masked search: a masking bug would show here.
    expect(captured).toContain('request completed');
    expect(captured).toContain('/api/auth/otp');
    const residentPhone = phones[1] ?? '';
    expect(captured).toContain(`/api/parcels?q=*******${residentPhone.slice(-4)}`);

    for (const s of secrets) expect(captured, 'a password or token is logged').not.toContain(s);
    // A code counts only as a whole run of digits (six digits inside a timestamp are no leak).
    const digitRuns = new Set(captured.match(/\d+/g) ?? []);
    for (const p of phones) expect(captured, 'a phone is logged').not.toContain(p);
    for (const code of codes) expect(digitRuns.has(code), 'a code is logged').toBe(false);
  });
});
