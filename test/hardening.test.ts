// What issue 23 found by attacking a fresh server: cross-site requests (CSRF), missing security
// headers, names spoofed with invisible characters, known demo passwords, and the account rules
// (lockout is in auth-limits.test.ts; slow bodies in slow-clients.test.ts).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { seedDemo } from '../src/server/demo.js';
import { buildApp } from '../src/server/app.js';
import type { ApiError, Me, Parcel, Resident } from './support/api.js';
import { OPERATOR_TOKEN, testConfig, useTestApp } from './support/app.js';
import { Client, createWorld, enterParcel, expectStatus, residentLogin, staffLogin, uniq } from './support/factories.js';
import { multipart, upload } from './support/spreadsheets.js';

const t = useTestApp();
const DAY = 86_400_000;

/** A parcel that awaits pickup and, two days on, owes a fee (2元/天): what a forged request would waive. */
async function parcelWithFee() {
  const w = await createWorld(t.app);
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
  t.clock.advance(2 * DAY + 60_000);
  // The staff session did not outlive two idle days: the admin signs in again.
  const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
  const fee = expectStatus(await admin.get<Parcel>(`/api/parcels/${p.id}`), 200).feeFen;
  expect(fee).toBe(400);
  return { w: { ...w, admin }, id: p.id };
}

/** A raw POST as the signed-in client, with the headers a browser on another page would send. */
function post(c: Client, url: string, headers: Record<string, string>, payload?: string | Buffer) {
  return t.app.inject({
    method: 'POST',
    url,
    remoteAddress: c.ip,
    headers: { cookie: `sid=${c.cookie ?? ''}`, host: 'desk.example.com', ...headers },
    ...(payload !== undefined ? { payload } : {}),
  });
}

describe('cross-site requests (CSRF)', () => {
  it('a waiver from another origin, another port of this host, a text/plain, form or multipart body changes nothing; the console itself still waives', async () => {
    const { w, id } = await parcelWithFee();
    const json = { 'content-type': 'application/json' };
    const refusals: [Record<string, string>, string | undefined, number, string][] = [
      [{ ...json, origin: 'http://evil.example' }, '{}', 403, 'cross_origin'],
      [{ ...json, origin: 'http://desk.example.com:8080' }, '{}', 403, 'cross_origin'], // another port: same site, other origin
      [{ ...json, origin: 'null' }, '{}', 403, 'cross_origin'], // a sandboxed frame or a data: page
      [{ ...json, referer: 'http://evil.example/page' }, '{}', 403, 'cross_origin'],
      [{ ...json, 'sec-fetch-site': 'cross-site' }, '{}', 403, 'cross_origin'],
      [{ ...json, 'sec-fetch-site': 'same-site' }, '{}', 403, 'cross_origin'],
      [{ 'content-type': 'text/plain' }, '{}', 415, 'unsupported_media_type'], // fetch(no-cors) sends it without asking
      [{ 'content-type': 'text/plain;charset=UTF-8' }, undefined, 415, 'unsupported_media_type'],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', 415, 'unsupported_media_type'], // an HTML form
      [multipart(Buffer.from('x'), 'x.csv').headers, multipart(Buffer.from('x'), 'x.csv').payload.toString(), 415, 'unsupported_media_type'],
    ];
    for (const [headers, payload, status, error] of refusals) {
      const r = await post(w.admin, `/api/parcels/${id}/waive-fee`, headers, payload);
      expect(r.statusCode, JSON.stringify(headers)).toBe(status);
      expect((JSON.parse(r.body) as ApiError).error).toBe(error);
    }
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${id}`), 200)).toMatchObject({ feeFen: 400, feeWaived: false });

    // The console's own page (same origin, or the browser says same-origin) and clients that send no origin.
    const ok = await post(w.admin, `/api/parcels/${id}/waive-fee`, { ...json, origin: 'http://desk.example.com', 'sec-fetch-site': 'same-origin' }, '{}');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ feeFen: 0, feeWaived: true });
  });

  it('an import from another origin and a sign-out from another origin are refused; the session goes on', async () => {
    const w = await createWorld(t.app);
    const file = multipart(Buffer.from(`姓名,手机,快递公司,派送小区\n${uniq('甲')},13912340001,圆通,${w.community.name}\n`), 'c.csv', 'text/csv');
    const r = await post(w.admin, '/api/couriers/import', { ...file.headers, origin: 'http://127.0.0.1:9999' }, file.payload);
    expect(r.statusCode).toBe(403);
    expect((await w.admin.get<{ total: number }>('/api/couriers')).body.total).toBe(1);
    expect((await post(w.admin, '/api/auth/logout', { origin: 'http://127.0.0.1:9999' })).statusCode).toBe(403);
    expectStatus(await w.admin.get('/api/me'), 200);
    // The same upload from the console itself goes through.
    expect(
      (await upload(w.admin, '/api/couriers/import', Buffer.from(`姓名,手机,快递公司,派送小区\n${uniq('乙')},13912340002,圆通,${w.community.name}\n`), 'c.csv'))
        .status,
    ).toBe(200);
  });

  it('ALLOWED_ORIGINS lets a named origin in (the console on another host name than the API sees)', async () => {
    const app = await buildApp({ config: testConfig({ allowedOrigins: ['https://wuye.example.com'] }), database: t.database, now: t.clock.now });
    try {
      const { w, id } = await parcelWithFee();
      const c = new Client(app);
      c.cookie = w.admin.cookie;
      const r = await app.inject({
        method: 'POST',
        url: `/api/parcels/${id}/waive-fee`,
        headers: { cookie: `sid=${c.cookie ?? ''}`, origin: 'https://wuye.example.com', 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(r.statusCode, r.body).toBe(200);
      expect(loadConfig({ ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080' }).allowedOrigins).toEqual([
        'https://a.example',
        'http://b.example:8080',
      ]);
      expect(() => loadConfig({ ALLOWED_ORIGINS: 'a.example' })).toThrow(/ALLOWED_ORIGINS/);
    } finally {
      await app.close();
    }
  });

  it('couriers and residents keep a SameSite=Lax cookie (WeChat sends them back from its own site); staff get Strict', async () => {
    const w = await createWorld(t.app);
    const phone = w.residentPhone;
    const c = new Client(t.app);
    expectStatus(await c.post('/api/auth/otp', { phone, purpose: 'resident' }), 204);
    const inbox = await c.get<{ items: { text: string }[] }>(`/api/dev/messages?to=${phone}`);
    const code = /(\d{6})/.exec(inbox.body.items[0]?.text ?? '')?.[1] ?? '';
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/resident/login', payload: { phone, code } });
    expect(String(r.headers['set-cookie'])).toMatch(/SameSite=Lax/);
    const s = await t.app.inject({ method: 'POST', url: '/api/auth/staff/login', payload: { username: w.adminUsername, password: 'admin-pass-123' } });
    expect(String(s.headers['set-cookie'])).toMatch(/SameSite=Strict/);
  });
});

describe('security headers', () => {
  it('the console and the apps: a script policy of self only, no framing, nosniff; API answers are never stored', async () => {
    for (const url of ['/admin/', '/courier/', '/resident/']) {
      const r = await t.app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests'); // the phone apps are also used over plain http on the local network
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
    }
    const w = await createWorld(t.app);
    for (const url of ['/api/parcels', '/api/me', '/api/couriers/export?format=csv', '/api/nothing-here']) {
      const r = await t.app.inject({ method: 'GET', url, headers: { cookie: `sid=${w.admin.cookie ?? ''}` } });
      expect(r.headers['cache-control'], url).toBe('no-store');
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/parcels' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['cache-control']).toBe('no-store');
    // Built assets are still cached for a year, and not sniffed either.
    const page = await t.app.inject({ method: 'GET', url: '/admin/' });
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1] ?? '';
    const a = await t.app.inject({ method: 'GET', url: asset });
    expect(a.statusCode).toBe(200);
    expect(a.headers['cache-control']).toContain('immutable');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
  });

  it('/docs only where API_DOCS allows it (off in production by default); /openapi.json stays', async () => {
    expect(loadConfig({ NODE_ENV: 'production' }).apiDocs).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', API_DOCS: 'on' }).apiDocs).toBe(true);
    expect(loadConfig({}).apiDocs).toBe(true);
    expect(loadConfig({ API_DOCS: 'off' }).apiDocs).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
    const app = await buildApp({ config: testConfig({ apiDocs: false }), database: t.database, now: t.clock.now });
    try {
      expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('names that look like other names', () => {
  const SPOOFS = ['李\u200B宜君', 'admin\u202Egnp.exe', '\u2066张三\u2069', '王\u200D五', 'a\u200Eb', 'x\u2060y', 'z\u2064', '兰\uFEFF兰'];

  it('every free-text field refuses zero-width, bidi and other invisible characters with a clear 400; nothing is stored', async () => {
    const w = await createWorld(t.app);
    for (const name of SPOOFS) {
      const bodies: [string, Record<string, unknown>, string][] = [
        ['/api/residents', { communityId: w.community.id, name, phone: '13912340011', building: '1', unit: '1', room: '1' }, 'body/name'],
        ['/api/residents', { communityId: w.community.id, name: '甲', phone: '13912340011', building: name, unit: '1', room: '1' }, 'body/building'],
        ['/api/couriers', { communityId: w.community.id, name, phone: '13912340012', carrier: '圆通' }, 'body/name'],
        ['/api/communities', { name }, 'body/name'],
        ['/api/communities', { name: uniq('小区'), collectionPointName: name }, 'body/collectionPointName'],
      ];
      for (const [url, body, path] of bodies) {
        const r = await w.admin.post<ApiError>(url, body);
        expect(r.status, `${url} ${JSON.stringify(name)}`).toBe(400);
        expect(r.body.issues).toEqual([expect.objectContaining({ path, message: '不能包含不可见字符或文字方向控制符' })]);
      }
      const entry = await enterParcel<ApiError>(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, recipientName: name });
      expect(entry.status).toBe(400);
    }
    expect((await w.admin.get<{ total: number }>('/api/residents')).body.total).toBe(1);
    expect((await w.admin.get<{ total: number }>('/api/couriers')).body.total).toBe(1);
    // Right-to-left letters themselves are text, not a trick: they are kept as typed.
    const hebrew = expectStatus(
      await w.admin.post<Resident>('/api/residents', {
        communityId: w.community.id,
        name: 'שלום 李',
        phone: '13912340013',
        building: '1',
        unit: '1',
        room: '2',
      }),
      201,
    );
    expect(hebrew.name).toBe('שלום 李');
  });

  it('imports report such a cell with its row and column, and import the other rows', async () => {
    const w = await createWorld(t.app);
    const csv = `姓名,手机,快递公司,派送小区\n李\u202E君,13912340021,圆通,${w.community.name}\n张三,13912340022,圆通,${w.community.name}\n`;
    const r = expectStatus(
      await upload<{ created: number; failed: number; errors: { row: number; column: string; message: string }[] }>(
        w.admin,
        '/api/couriers/import',
        Buffer.from(csv),
        'c.csv',
      ),
      200,
    );
    expect(r).toMatchObject({ created: 1, failed: 1, errors: [{ row: 2, column: '姓名', message: '姓名不能包含不可见字符或文字方向控制符' }] });
    const residents = `姓名,手机,小区,楼栋,单元,房号\n王五,13912340023,${w.community.name},1\u200B,1,1\n`;
    const rr = expectStatus(
      await upload<{ created: number; errors: { column: string }[] }>(w.admin, '/api/residents/import', Buffer.from(residents), 'r.csv'),
      200,
    );
    expect(rr.created).toBe(0);
    expect(rr.errors.map((e) => e.column)).toEqual(['楼栋']);
  });
});

describe('demo data', () => {
  it('is never made in production unless asked for, and then with random passwords that must be changed first', async () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO_DATA: 'on' }).demoData).toBe('random');
    expect(loadConfig({}).demoData).toBe('known');
    expect(loadConfig({ DEMO_DATA: 'off' }).demoData).toBe(false);

    const logins = await seedDemo(t.app.ctx, 'random');
    expect(logins.map((l) => l.username)).toEqual(['admin', 'clerk']);
    for (const [username, known] of [
      ['admin', 'admin123456'],
      ['clerk', 'clerk123456'],
    ] as const) {
      expect((await new Client(t.app).post('/api/auth/staff/login', { username, password: known })).status).toBe(401);
    }
    const admin = new Client(t.app);
    const password = logins[0]?.password ?? '';
    const login = expectStatus(await admin.post<{ staff: { mustChangePassword: boolean } }>('/api/auth/staff/login', { username: 'admin', password }), 200);
    expect(login.staff.mustChangePassword).toBe(true);
    // Until the password is changed: who am I, sign out and the change itself; nothing else.
    expect(expectStatus(await admin.get<Me>('/api/me'), 200)).toMatchObject({ kind: 'staff', staff: { mustChangePassword: true } });
    for (const [method, url] of [
      ['GET', '/api/parcels'],
      ['GET', '/api/communities'],
      ['GET', '/api/staff'],
      ['PUT', '/api/app'],
    ] as const) {
      const r = await admin.call<ApiError>(method, url, method === 'PUT' ? { enabled: false } : undefined);
      expect(r.status, url).toBe(403);
      expect(r.body).toMatchObject({ error: 'password_change_required', message: '请先修改初始密码' });
    }
    expect((await admin.post<ApiError>('/api/auth/password', { currentPassword: 'not-it-123', newPassword: 'a-new-password-1' })).body.error).toBe(
      'wrong_password',
    );
    expect((await admin.post<ApiError>('/api/auth/password', { currentPassword: password, newPassword: password })).body.error).toBe('password_unchanged');
    expect((await admin.post<ApiError>('/api/auth/password', { currentPassword: password, newPassword: 'short' })).status).toBe(400);
    expectStatus(await admin.post('/api/auth/password', { currentPassword: password, newPassword: 'a-new-password-1' }), 204);
    expect((await admin.get<{ total: number }>('/api/communities')).body.total).toBe(3);
    expect(expectStatus(await admin.get<Me>('/api/me'), 200)).toMatchObject({ staff: { mustChangePassword: false } });
    expect((await new Client(t.app).post('/api/auth/staff/login', { username: 'admin', password })).status).toBe(401);
    await staffLogin(t.app, 'admin', 'a-new-password-1');
  });
});

describe('accounts', () => {
  it('usernames are one account whatever their letter case, across orgs', async () => {
    const w = await createWorld(t.app);
    const upper = w.adminUsername.toUpperCase();
    expectStatus(await new Client(t.app).post('/api/auth/staff/login', { username: upper, password: 'admin-pass-123' }), 200);
    expect(
      (await w.admin.post<ApiError>('/api/staff', { username: upper, password: 'clerk-pass-123', role: 'clerk', communityIds: [w.community.id] })).body.error,
    ).toBe('username_taken');
    const other = await createWorld(t.app);
    expect(
      (await other.admin.post<ApiError>('/api/staff', { username: upper, password: 'clerk-pass-123', role: 'clerk', communityIds: [other.community.id] })).body
        .error,
    ).toBe('username_taken');
  });

  it('a session ends at its maximum age however busy: staff after a day, couriers and residents after 90 days', async () => {
    const w = await createWorld(t.app);
    const clerkLike = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const resident = await residentLogin(t.app, w.residentPhone);
    // Used every 5 hours, the staff session slides (12 hours idle) up to 24 hours from the sign-in.
    for (let h = 5; h < 24; h += 5) {
      t.clock.advance(5 * 3_600_000);
      expectStatus(await clerkLike.get('/api/me'), 200);
    }
    t.clock.advance(4 * 3_600_000); // 24 hours
    expect((await clerkLike.get('/api/me')).status).toBe(401);
    // The resident's uses every 20 days (30 days idle) carry the session to 90 days, no further.
    for (let d = 1; d <= 4; d++) {
      t.clock.advance(20 * DAY);
      expectStatus(await resident.get('/api/resident/parcels'), 200);
    }
    t.clock.advance(10 * DAY - 24 * 3_600_000 + 60_000); // 90 days and a minute after the sign-in
    expect((await resident.get('/api/resident/parcels')).status).toBe(401);
  });

  it('authentication comes before the body: no session, or a wrong operator token, with a bad body answers 401, not 400', async () => {
    const anonymous = new Client(t.app);
    for (const [url, body] of [
      ['/api/parcels/1/pickup', { feeFen: 'x', extra: 1 }],
      ['/api/couriers', { nonsense: true }],
      ['/api/courier/parcels', {}],
      ['/api/staff', { role: 'root' }],
    ] as const) {
      const r = await anonymous.post<ApiError>(url, body);
      expect(r.status, url).toBe(401);
      expect(r.body.error).toBe('unauthorized');
    }
    const broken = await t.app.inject({ method: 'POST', url: '/api/parcels/receive', headers: { 'content-type': 'application/json' }, payload: '{"ids": [' });
    expect(broken.statusCode).toBe(401);
    for (const authorization of [`Bearer ${OPERATOR_TOKEN}x`, 'Bearer ', 'Basic abc']) {
      const r = await t.app.inject({ method: 'POST', url: '/api/operator/orgs', headers: { authorization }, payload: { name: '', bogus: 1 } });
      expect(r.statusCode, authorization).toBe(401);
    }
    // A courier's session on a staff route, and a clerk on an admin route, are refused before the body too.
    const w = await createWorld(t.app);
    expect((await w.courier.post('/api/couriers', { nonsense: true })).status).toBe(401);
    // Every API route declares its access in /openapi.json's security, but sign-in and the inbox.
    const doc = JSON.parse((await t.app.inject({ method: 'GET', url: '/openapi.json' })).body) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const open = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op.security)
        .map(([m]) => `${m.toUpperCase()} ${p}`),
    );
    expect(open.filter((r) => r.includes('/api/')).sort()).toEqual(
      [
        'POST /api/auth/courier/login',
        'POST /api/auth/logout',
        'POST /api/auth/otp',
        'POST /api/auth/resident/login',
        'POST /api/auth/staff/login',
        'GET /api/dev/messages',
        // The console provider's 支付成功 (development only), and WeChat Pay's notice (its own signature).
        'POST /api/dev/payments/{id}/succeed',
        'POST /api/payments/wechat/notify',
      ].sort(),
    );
  });
});
