import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Community, Courier, Page, Parcel, ParcelDetail, Resident, Staff } from './support/api.js';
import { OPERATOR_TOKEN, useTestApp } from './support/app.js';
import { openApiOperations } from './support/openapi.js';
import {
  Client,
  createClerk,
  createWorld,
  createWorldWithParcels,
  enterParcel,
  expectStatus,
  randomMobile,
  residentLogin,
  uniq,
  type Reply,
} from './support/factories.js';

const t = useTestApp();

interface ErrorBody {
  error: string;
  message: string;
  issues?: { path: string; code: string; message: string }[];
}

/** Every error answer carries a stable code and a readable message. */
function expectErrorShape(status: number, body: unknown): asserts body is ErrorBody {
  expect(status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
  expect(body, `status ${status}`).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  const b = body as ErrorBody;
  expect(b.error).toMatch(/^[a-z_]+$/);
  expect(b.message.length).toBeGreaterThan(0);
}

function expectError(r: Reply, status: number, error: string): ErrorBody {
  const body: unknown = expectStatus(r, status);
  expectErrorShape(r.status, body);
  expect(body.error).toBe(error);
  return body;
}

/** A 400 validation error with an `issues` array. */
function expectValidation(r: Reply): ErrorBody & { issues: NonNullable<ErrorBody['issues']> } {
  const body = expectError(r, 400, 'validation_error');
  expect(Array.isArray(body.issues)).toBe(true);
  expect(body.issues?.length).toBeGreaterThan(0);
  for (const i of body.issues ?? []) expect(i).toMatchObject({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
  return body as ErrorBody & { issues: NonNullable<ErrorBody['issues']> };
}

/** A validation error that names the unknown field. */
function expectUnknownField(r: Reply, field: string): void {
  const body = expectValidation(r);
  const issue = body.issues.find((i) => i.code === 'unrecognized_keys');
  expect(issue, JSON.stringify(body)).toBeDefined();
  expect(issue?.message).toContain(field);
}

/** A client from an address of its own, so that its failed sign-ins count against no other test. */
function clientLike(c: Client): Client {
  const other = new Client(t.app, `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`);
  other.cookie = c.cookie;
  return other;
}

/** A raw request, with whatever payload and content type the test gives. */
async function raw(c: Client | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: string, contentType = 'application/json') {
  const res = await t.app.inject({
    method,
    url,
    remoteAddress: c?.ip ?? '127.0.0.1',
    headers: {
      ...(c?.cookie ? { cookie: `sid=${c.cookie}` } : {}),
      ...(payload !== undefined ? { 'content-type': contentType } : {}),
    },
    ...(payload !== undefined ? { payload } : {}),
  });
  let body: unknown;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

describe('unknown fields are refused', () => {
  it('a valid body with one field too many answers 400 validation_error naming the field, and changes nothing', async () => {
    const w = await createWorldWithParcels(t.app);
    const c = w.community;
    const cases: [Client, 'POST' | 'PUT' | 'PATCH', string, Record<string, unknown>, string][] = [
      [w.admin, 'POST', '/api/couriers', { communityId: c.id, name: '甲', phone: randomMobile(), carrier: '百世', orgId: 1 }, 'orgId'],
      [w.admin, 'PATCH', `/api/couriers/${w.courierRecord.id}`, { name: '甲', orgId: 1 }, 'orgId'],
      [w.admin, 'POST', '/api/residents', { communityId: c.id, name: '乙', phone: randomMobile(), building: '1', unit: '1', room: '1', orgId: 1 }, 'orgId'],
      [w.admin, 'PATCH', `/api/residents/${w.resident.id}`, { name: '乙', id: 1 }, 'id'],
      [w.admin, 'POST', '/api/communities', { name: uniq('小区'), orgId: 1 }, 'orgId'],
      [w.admin, 'PATCH', `/api/communities/${c.id}`, { feeRateFen: 0, orgId: 1 }, 'orgId'],
      [w.admin, 'PATCH', `/api/communities/${c.id}`, { name: '改名' }, 'name'],
      [w.admin, 'POST', '/api/staff', { username: uniq('clerk'), password: 'clerk-pass-123', role: 'clerk', orgId: 1 }, 'orgId'],
      [w.admin, 'PATCH', `/api/staff/${w.adminId}`, { orgId: 1 }, 'orgId'],
      [w.admin, 'PUT', '/api/app', { enabled: false, orgId: 1 }, 'orgId'],
      [w.admin, 'POST', `/api/parcels/${w.pending.id}/receive`, { damaged: true, status: 'picked_up' }, 'status'],
      [w.admin, 'POST', `/api/parcels/${w.pending.id}/reject`, { reason: '破损', status: 'rejected' }, 'status'],
      [w.admin, 'POST', `/api/parcels/${w.awaiting.id}/pickup`, { feeFen: 0, feeChargedFen: 0 }, 'feeChargedFen'],
      [w.admin, 'POST', '/api/parcels/receive', { ids: [w.pending.id], orgId: 1 }, 'orgId'],
      [w.admin, 'POST', '/api/parcels/reject', { ids: [w.pending.id], status: 'rejected' }, 'status'],
      [
        w.courier,
        'POST',
        '/api/courier/parcels',
        { communityId: c.id, trackingNo: 'SF123456', recipientPhone: randomMobile(), recipientName: '丙', status: 'picked_up' },
        'status',
      ],
      [new Client(t.app), 'POST', '/api/auth/otp', { phone: randomMobile(), purpose: 'resident', admin: true }, 'admin'],
      [new Client(t.app), 'POST', '/api/auth/staff/login', { username: w.adminUsername, password: 'admin-pass-123', role: 'admin' }, 'role'],
    ];
    for (const [who, method, url, body, field] of cases) {
      expectUnknownField(await who.call(method, url, body, { 'idempotency-key': uniq('k') }), field);
    }
    // Nothing changed.
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${w.pending.id}`), 200).status).toBe('pending_receipt');
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${w.awaiting.id}`), 200).status).toBe('awaiting_pickup');
    expect(expectStatus(await w.admin.get<Page<Courier>>('/api/couriers'), 200).items).toEqual([w.courierRecord]);
    expect(expectStatus(await w.admin.get<Page<Resident>>('/api/residents'), 200).items).toEqual([w.resident]);
    expect(expectStatus(await w.admin.get<Page<Community>>('/api/communities'), 200).items).toEqual([c]);
    expect(expectStatus(await w.admin.get<Page<Staff>>('/api/staff'), 200).total).toBe(1);
    expect(expectStatus(await w.admin.get('/api/app'), 200)).toEqual({ enabled: true });
    expect(expectStatus(await w.courier.get<Page<Parcel>>('/api/courier/parcels'), 200).total).toBe(2);
  });

  it('every route with a JSON body in /openapi.json refuses an unknown field', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const apiKey = expectStatus(
      await w.admin.post<{ key: string }>('/api/integrations/keys', { name: 'k', scopes: ['pre_advice:write', 'parcels:read', 'preferences:read'] }),
      201,
    ).key;
    let checked = 0;
    for (const op of await openApiOperations(t.app)) {
      if (!op.requestBody?.content?.['application/json']) continue;
      const url = op.path.replace(/\{[^}]+\}/g, '1');
      // Each route as its own kind of caller: the access check comes before the body.
      const caller = url.startsWith('/api/courier/') ? w.courier : url.startsWith('/api/resident/') ? resident : w.admin;
      const bearer = url.startsWith('/api/operator/') ? OPERATOR_TOKEN : url.startsWith('/api/open/') ? apiKey : null;
      const operator: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
      const r = await clientLike(caller).call(op.method as 'POST', url, { zzUnknownField: 1 }, { 'idempotency-key': uniq('k'), ...operator });
      expectUnknownField(r, 'zzUnknownField');
      checked++;
    }
    // Every body route of API.md, at least.
    expect(checked).toBeGreaterThanOrEqual(20);
  });
});

describe('malformed requests', () => {
  it('non-numeric and out-of-range ids answer 400 with issues', async () => {
    const w = await createWorld(t.app);
    for (const url of [
      '/api/parcels/abc',
      '/api/parcels/1.5',
      '/api/parcels/-1',
      '/api/parcels/0',
      '/api/parcels/99999999999999999999',
      '/api/couriers/abc',
      '/api/residents/1e',
      '/api/communities/%20',
      '/api/staff/0x10',
    ]) {
      const body = expectValidation(await w.admin.get(url));
      expect(body.issues.map((i) => i.path)).toContain('params/id');
    }
    expectValidation(await w.admin.post('/api/parcels/abc/receive', {}));
    expectValidation(await w.admin.patch('/api/couriers/abc', { name: '甲' }));
    expectValidation(await w.admin.delete('/api/residents/abc'));
    // Ids in bodies and queries are numbers (or decimal digits in a query), nothing looser.
    for (const communityId of [true, '0x1', '1e0', ' 1', 1.5, -1]) {
      const body = expectValidation(await w.admin.post('/api/couriers', { communityId, name: '甲', phone: randomMobile(), carrier: '百世' }));
      expect(body.issues.map((i) => i.path)).toContain('body/communityId');
    }
    expectValidation(await w.admin.get('/api/couriers?communityId=0x1'));
    expect(expectStatus(await w.admin.get<Page<Courier>>(`/api/couriers?communityId=${w.community.id}`), 200).total).toBe(1);
    expect(expectStatus(await w.admin.get<Page<Courier>>('/api/couriers'), 200).total).toBe(1);
  });

  it('malformed JSON, an empty JSON body and a foreign content type answer 4xx with { error, message }', async () => {
    const w = await createWorld(t.app);
    const malformed = await raw(w.admin, 'POST', '/api/couriers', '{"communityId": 1, "name": ');
    expect(malformed.status).toBe(400);
    expectErrorShape(malformed.status, malformed.body);
    expect(malformed.body.error).toBe('bad_request');

    const empty = await raw(w.admin, 'POST', '/api/communities', '');
    expect(empty.status).toBe(400);
    expectErrorShape(empty.status, empty.body);

    const text = await raw(w.admin, 'POST', '/api/communities', 'name=x', 'text/plain');
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
    expectErrorShape(text.status, text.body);
    expect(expectStatus(await w.admin.get<Page<Community>>('/api/communities'), 200).total).toBe(1);
  });

  it('a body over 1 MB answers 413 and creates nothing', async () => {
    const w = await createWorld(t.app);
    const body = JSON.stringify({ communityId: w.community.id, name: 'x'.repeat(1024 * 1024), phone: randomMobile(), carrier: '百世' });
    const r = await raw(w.admin, 'POST', '/api/couriers', body);
    expect(r.status).toBe(413);
    expectErrorShape(r.status, r.body);
    expect(r.body.error).toBe('payload_too_large');
    expect(expectStatus(await w.admin.get<Page<Courier>>('/api/couriers'), 200).total).toBe(1);
    // Just under the limit is read, then refused by validation for the over-long name.
    const under = JSON.stringify({ communityId: w.community.id, name: 'x'.repeat(1000 * 1000), phone: randomMobile(), carrier: '百世' });
    expectValidation(expectStatusLike(await raw(w.admin, 'POST', '/api/couriers', under)));
  });

  it('refuses invalid mobile numbers with a Chinese message everywhere a phone is taken', async () => {
    const w = await createWorld(t.app);
    const c = w.community.id;
    for (const bad of ['02112345678', '1391234567', '139abcd5678', '139123456789', '12345678901', '', '+1 415 555 2671']) {
      const calls: Promise<Reply>[] = [
        w.admin.post('/api/couriers', { communityId: c, name: '甲', phone: bad, carrier: '百世' }),
        w.admin.post('/api/residents', { communityId: c, name: '乙', phone: bad, building: '1', unit: '1', room: '1' }),
        w.admin.patch(`/api/couriers/${w.courierRecord.id}`, { phone: bad }),
        new Client(t.app).post('/api/auth/otp', { phone: bad, purpose: 'courier' }),
        enterParcel(w.courier, { communityId: c, recipientPhone: bad }),
      ];
      for (const r of await Promise.all(calls)) {
        const body = expectValidation(r);
        expect(body.message).toMatch(/[\u4e00-\u9fff]/);
        expect(body.message).toContain('手机号');
      }
    }
    expect(expectStatus(await w.admin.get<Page<Courier>>('/api/couriers'), 200).items).toEqual([w.courierRecord]);
    expect(expectStatus(await w.admin.get<Page<Resident>>('/api/residents'), 200).total).toBe(1);
    expect(expectStatus(await w.admin.get<Page<Parcel>>('/api/parcels'), 200).total).toBe(0);
  });

  it('unknown routes answer 404 { error: "not_found", message }', async () => {
    const w = await createWorld(t.app);
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['GET', '/nope'],
      ['POST', '/api/parcels/1/teleport'],
      ['DELETE', '/api/communities/1'],
      ['PUT', '/api/couriers'],
    ] as const) {
      const r = await raw(w.admin, method, url);
      expect(r.status).toBe(404);
      expectErrorShape(r.status, r.body);
      expect(r.body.error).toBe('not_found');
    }
  });
});

/** The reply of `raw` as a factories Reply. */
function expectStatusLike(r: Awaited<ReturnType<typeof raw>>): Reply {
  return { status: r.status, body: r.body, headers: r.headers };
}

describe('text is kept literally', () => {
  it('SQL and HTML in names are stored and returned as typed', async () => {
    const w = await createWorld(t.app);
    const names = [
      "' OR 1=1 --",
      "Robert'); DROP TABLE residents;--",
      '<script>alert("x")</script>',
      '<b>兰兰</b> &amp; "引号" \\反斜杠\\',
      '张三 ; SELECT * FROM staff',
    ];
    const created: { id: number; name: string }[] = [];
    for (const [i, name] of names.entries()) {
      const r = expectStatus(
        await w.admin.post<Resident>('/api/residents', {
          communityId: w.community.id,
          name,
          phone: randomMobile(),
          building: '<b>1</b>',
          unit: "'1'",
          room: `${200 + i}`,
        }),
        201,
      );
      expect(r).toMatchObject({ name, building: '<b>1</b>', unit: "'1'" });
      expect(expectStatus(await w.admin.get<Resident>(`/api/residents/${r.id}`), 200).name).toBe(name);
      created.push(r);
    }
    const list = expectStatus(await w.admin.get<Page<Resident>>('/api/residents?pageSize=200'), 200);
    expect(list.total).toBe(names.length + 1);
    for (const r of created) expect(list.items).toContainEqual(expect.objectContaining({ id: r.id, name: r.name }));
    // Searching for the SQL text finds exactly that resident.
    const found = expectStatus(await w.admin.get<Page<Resident>>(`/api/residents?q=${encodeURIComponent("' OR 1=1 --")}`), 200);
    expect(found.items.map((i: { id: number }) => i.id)).toEqual([created[0]?.id]);

    // A parcel's recipient name and a courier's name, too.
    const p = expectStatus(
      await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: randomMobile(), recipientName: '<img src=x onerror=alert(1)>' }),
      201,
    );
    expect(expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200).recipientName).toBe('<img src=x onerror=alert(1)>');
    const k = expectStatus(await w.admin.patch<Courier>(`/api/couriers/${w.courierRecord.id}`, { name: "O'Brien <快递>" }), 200);
    expect(k.name).toBe("O'Brien <快递>");
  });

  it('CR/LF and other control characters in a name are refused with a clear message and nothing is stored', async () => {
    const w = await createWorld(t.app);
    for (const name of ['兰\r\n兰', '兰\n兰', '兰\u0000兰', '兰\t兰']) {
      const body = expectValidation(
        await w.admin.post('/api/residents', { communityId: w.community.id, name, phone: randomMobile(), building: '1', unit: '1', room: '1' }),
      );
      expect(body.issues.map((i) => i.path)).toContain('body/name');
      expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(expectStatus(await w.admin.get<Page<Resident>>('/api/residents'), 200).total).toBe(1);
    // In a search box they are just text that matches nothing.
    expect(expectStatus(await w.admin.get(`/api/residents?q=${encodeURIComponent('兰\r\n兰')}`), 200)).toEqual({ items: [], total: 0 });
  });

  it('% and _ in a search match literally', async () => {
    const w = await createWorld(t.app);
    const make = async (name: string) =>
      expectStatus(
        await w.admin.post<Resident>('/api/residents', { communityId: w.community.id, name, phone: randomMobile(), building: '7', unit: '7', room: uniq('') }),
        201,
      );
    const percent = await make('百分%号');
    const underscore = await make('下划_线');
    const backslash = await make('反\\斜');
    await make('百分号');
    await make('下划X线');
    const search = async (q: string) =>
      expectStatus(await w.admin.get<Page<Resident>>(`/api/residents?q=${encodeURIComponent(q)}`), 200).items.map((i: { id: number }) => i.id);
    expect(await search('%')).toEqual([percent.id]);
    expect(await search('分%号')).toEqual([percent.id]);
    expect(await search('_')).toEqual([underscore.id]);
    expect(await search('下划_')).toEqual([underscore.id]);
    expect(await search('\\')).toEqual([backslash.id]);
    expect(await search('%%')).toEqual([]);

    // Couriers and parcels search the same way.
    const courier = expectStatus(
      await w.admin.post<Courier>('/api/couriers', { communityId: w.community.id, name: '百_分%', phone: randomMobile(), carrier: '百世' }),
      201,
    );
    expect(expectStatus(await w.admin.get<Page<Courier>>(`/api/couriers?q=${encodeURIComponent('_')}`), 200).items).toEqual([courier]);
    expect(expectStatus(await w.admin.get<Page<Courier>>(`/api/couriers?q=${encodeURIComponent('%')}`), 200).items).toEqual([courier]);
    const parcel = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: randomMobile(), recipientName: '收件_人%' }), 201);
    await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: randomMobile(), recipientName: '收件人' });
    const parcels = async (q: string) =>
      expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?q=${encodeURIComponent(q)}`), 200).items.map((i: { id: number }) => i.id);
    for (const q of ['%', '件_人', '_人%']) expect(await parcels(q)).toEqual([parcel.id]);
    // Parcels go through the trigram index: one or two characters are a name's start or end only.
    expect(await parcels('_')).toEqual([]);
  });

  it('a NUL character in a search or a sign-in is refused as bad input, not a server error', async () => {
    const w = await createWorld(t.app);
    for (const url of ['/api/couriers?q=%00', '/api/residents?q=a%00b', '/api/residents?building=%00', '/api/parcels?q=%00']) {
      expectValidation(await w.admin.get(url));
    }
    const login = await new Client(t.app, '198.18.0.1').post('/api/auth/staff/login', { username: 'ad\u0000min', password: 'whatever-123' });
    expectValidation(login);
  });
});

describe('meta routes', () => {
  it('GET /healthz answers { ok: true }', async () => {
    expect(expectStatus(await new Client(t.app).get('/healthz'), 200)).toEqual({ ok: true });
  });

  it('GET /openapi.json lists every call of API.md (but the spreadsheet ones, not built yet)', async () => {
    const ops = await openApiOperations(t.app);
    const expected: [string, string][] = [
      ['get', '/healthz'],
      ['post', '/api/operator/orgs'],
      ['post', '/api/auth/staff/login'],
      ['post', '/api/auth/logout'],
      ['get', '/api/me'],
      ['get', '/api/app'],
      ['put', '/api/app'],
      ['post', '/api/communities'],
      ['get', '/api/communities'],
      ['patch', '/api/communities/{id}'],
      ['post', '/api/staff'],
      ['get', '/api/couriers'],
      ['post', '/api/couriers'],
      ['patch', '/api/couriers/{id}'],
      ['delete', '/api/couriers/{id}'],
      ['get', '/api/residents'],
      ['post', '/api/residents'],
      ['patch', '/api/residents/{id}'],
      ['delete', '/api/residents/{id}'],
      ['get', '/api/parcels'],
      ['get', '/api/parcels/{id}'],
      ['post', '/api/parcels/{id}/receive'],
      ['post', '/api/parcels/{id}/reject'],
      ['post', '/api/parcels/{id}/pickup'],
      ['post', '/api/parcels/{id}/waive-fee'],
      ['post', '/api/parcels/receive'],
      ['post', '/api/parcels/reject'],
      ['post', '/api/auth/otp'],
      ['post', '/api/auth/courier/login'],
      ['post', '/api/auth/resident/login'],
      ['get', '/api/courier/communities'],
      ['post', '/api/courier/parcels'],
      ['get', '/api/courier/parcels'],
      ['get', '/api/resident/parcels'],
      ['get', '/api/dev/messages'],
    ];
    const listed = ops.map((op) => `${op.method} ${op.path}`);
    const missing = expected.map(([m, p]) => `${m.toUpperCase()} ${p}`).filter((k) => !listed.includes(k));
    expect(missing).toEqual([]);
    // The list's query parameters are documented, too.
    const listParams = ops.find((op) => op.method === 'GET' && op.path === '/api/parcels')?.parameters?.map((p) => p.name) ?? [];
    for (const name of ['status', 'q', 'communityId', 'carrier', 'courierId', 'from', 'to', 'damaged', 'page', 'pageSize']) expect(listParams).toContain(name);
  });

  it('GET /docs answers 200 with a page (following redirects)', async () => {
    let url = '/docs';
    let r = await raw(null, 'GET', url);
    for (let hops = 0; hops < 5 && r.status >= 300 && r.status < 400; hops++) {
      url = new URL(String(r.headers.location), 'http://localhost').pathname;
      r = await raw(null, 'GET', url);
    }
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain('text/html');
    expect(r.text).toMatch(/swagger/i);
  });
});

describe('junk never crashes the server', () => {
  const HUGE = 'x'.repeat(20_000);
  const junkValues: unknown[] = [
    null,
    -1,
    0,
    1.5,
    1e308,
    -1e308,
    9007199254740993,
    '',
    ' ',
    HUGE,
    '\u0000',
    '😀'.repeat(500),
    "' OR 1=1 --",
    '%',
    [],
    [1, 'a', null],
    {},
    { a: { b: [] } },
    true,
    false,
  ];
  const junkBodies: (string | undefined)[] = [undefined, '', '{}', '[]', 'null', '"text"', '123', 'true', '{"a":', '[{}]', JSON.stringify({ [HUGE]: 1 })];
  const junkQueryValues = [
    '',
    'abc',
    '-1',
    '0',
    '1.5',
    '1e400',
    '99999999999999999999',
    '%00',
    '%25',
    '_',
    '%5C',
    'true',
    encodeURIComponent(HUGE.slice(0, 5000)),
    '2026-02-30',
    '9999-12-31',
    '0000-01-01',
    '2026-01-01T00:00:00%2B25:00',
    '%F0%9F%98%80',
  ];
  const idValues = ['1', '0', '-1', 'abc', '1.5', '99999999999999999999', '9007199254740993', '%00', '%E4%B8%AD'];

  it('no route answers 5xx to empty, mistyped, huge, array or null input', async () => {
    const w = await createWorldWithParcels(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const admin = clientLike(w.admin);
    const clerk = await createClerk(t.app, w.admin, [w.community.id]);
    const ops = await openApiOperations(t.app);
    const realIds = [w.pending.id, w.awaiting.id, w.courierRecord.id, w.resident.id, w.community.id, clerk.staff.id].map(String);
    /** An id of the org's own record for the path, so that junk reaches the service, not just the 404. */
    const ownId = (path: string): string =>
      String(
        path.startsWith('/api/parcels/')
          ? w.awaiting.id
          : path.startsWith('/api/couriers/')
            ? w.courierRecord.id
            : path.startsWith('/api/residents/')
              ? w.resident.id
              : path.startsWith('/api/communities/')
                ? w.community.id
                : path.startsWith('/api/staff/')
                  ? clerk.staff.id // never the admin's own: a junk password would end the session
                  : 1,
      );
    let calls = 0;
    const failures: string[] = [];

    const check = async (who: Client, method: string, url: string, payload?: string) => {
      calls++;
      const r = await raw(who, method.toUpperCase() as 'GET', url, payload);
      const label = `${method.toUpperCase()} ${url.slice(0, 120)} ${payload === undefined ? '' : payload.slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`;
      if (r.status >= 500) failures.push(label);
      else if (r.status >= 400) {
        const b = r.body as Partial<ErrorBody> | undefined;
        if (typeof b?.error !== 'string' || typeof b.message !== 'string') failures.push(`no { error, message }: ${label}`);
      }
    };

    for (const op of ops) {
      const { path } = op;
      const method = op.method.toLowerCase();
      if (path === '/api/auth/logout') continue; // takes no input; would only end the session under test
      const who = path.startsWith('/api/courier/') ? [admin, w.courier] : path.startsWith('/api/resident/') ? [admin, resident] : [admin];
      const urls = path.includes('{') ? [...idValues, ...realIds].map((id) => path.replace(/\{[^}]+\}/g, id)) : [path];
      const props = Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
      const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);

      for (const c of who) {
        for (const url of urls) {
          if (method === 'get' || method === 'delete') await check(c, method, url);
          else for (const body of junkBodies) await check(c, method, url, body);
        }
        const url = path.replace(/\{[^}]+\}/g, ownId(path));
        // Each known field, then all of them at once, set to each junk value.
        for (const value of junkValues) {
          if (method === 'get' || method === 'delete') break;
          for (const prop of props) await check(c, method, url, JSON.stringify({ [prop]: value }));
          await check(c, method, url, JSON.stringify(Object.fromEntries(props.map((p) => [p, value]))));
        }
        // Each query parameter set to junk, given twice, and an unknown one.
        for (const name of queryNames) {
          for (const v of junkQueryValues) await check(c, method, `${url}?${name}=${v}`);
          await check(c, method, `${url}?${name}=1&${name}=2`);
        }
        await check(c, method, `${url}?zzUnknown=1`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(1000);
    // The session under test is still good: no input logged it out or broke the org.
    expectStatus(await admin.get('/api/me'), 200);
    expectStatus(await w.admin.get('/healthz'), 200);
    // Thousands of calls one after another, more with every route: minutes on a busy machine, not 30 s.
  }, 180_000);
});
