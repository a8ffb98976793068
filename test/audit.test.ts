// The audit trail (操作日志, SPEC §15) on both databases: every write route of /openapi.json and
// every download, called once with a valid body, leaves a row in audit_log naming its caller, what
// was done to which record and from which address; failed sign-ins are recorded; phones are kept
// masked and passwords and codes never; the table is append-only (no route writes it, a trigger on
// each engine refuses UPDATE and DELETE); a write that fails leaves no row; GET /api/audit shows
// an admin their own org's rows, with its filters.
import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, type Ctx } from '../src/server/context.js';
import type { AuditLogTable } from '../src/server/db/types.js';
import type { AuditActorKind } from '../src/shared/audit.js';
import { maskPhone } from '../src/shared/phone.js';
import type { AuditEntry } from '../src/web/api-types.js';
import type { Courier, CreateOrgResult, Page, Parcel, Resident, Shelf } from './support/api.js';
import { dbKind, OPERATOR_TOKEN, useTestApp } from './support/app.js';
import {
  Client,
  createClerk,
  createWorld,
  enterParcel,
  expectError,
  expectStatus,
  otherCode,
  randomMobile,
  residentLogin,
  sendCode,
  staffLogin,
  uniq,
  uniqueIp,
  type World,
} from './support/factories.js';
import { openApiOperations } from './support/openapi.js';
import { multipart } from './support/spreadsheets.js';

const t = useTestApp();

const DAY = 24 * 3_600_000;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type AuditRow = Selectable<AuditLogTable>;
type Id = number | string;
/** An action: its entity, a dot, what was done (`parcel.receive`, `auth.sign_in_failed`). */
const ACTION = /^[a-z_]+\.[a-z_.]+$/;

// ---------------------------------------------------------------------------------------------
// The trail as the database holds it; calls
// ---------------------------------------------------------------------------------------------

const db = () => t.database.db;

async function lastAuditId(): Promise<number> {
  const r = await db()
    .selectFrom('audit_log')
    .select(sql<number | null>`max(id)`.as('max'))
    .executeTakeFirst();
  return Number(r?.max ?? 0);
}

const rowsAfter = (id: number): Promise<AuditRow[]> => db().selectFrom('audit_log').selectAll().where('id', '>', id).orderBy('id').execute();

/** Whether `text` holds a 6-digit code as a whole number (not inside a longer one). */
const holdsCode = (text: string, code: string) => new RegExp(`(?<![0-9])${code}(?![0-9])`).test(text);

/** Every phone the tests give the server: no row may keep one whole. */
const phones = new Set<string>();
function phone(): string {
  const p = randomMobile();
  phones.add(p);
  return p;
}
const tn = () => `AU${randomBytes(5).toString('hex').toUpperCase()}`;
const idem = () => ({ 'idempotency-key': `audit-${randomBytes(8).toString('hex')}` });
let shelfSeq = 0;

/** A real PNG, 4 × 3 grey, for a proof. */
const png = () => Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAAAAACRn/EaAAAADklEQVR4nGNoAAIGOAEALQ8GAa0C414AAAAASUVORK5CYII=', 'base64');

/** Who calls: a session (a client's cookie), or a bearer token (the operator's, an API key). */
type Caller = Client | { bearer: string };

interface Call {
  by: Caller;
  url: string;
  json?: Record<string, unknown>;
  /** A file to upload (multipart field `file`). */
  file?: { bytes: Buffer; name: string; type: string };
  headers?: Record<string, string>;
  /** The kind of actor the call's row names. */
  actor: AuditActorKind;
  /** Records the rows must name (entity_id), each of them; `oneOf`: at least one of these. */
  names?: Id[];
  oneOf?: Id[] | ((json: unknown) => Id[]);
  /** The record the call makes, as its answer names it: a row must name it. */
  created?: (json: unknown) => Id;
  /** What the 2xx answer must say for the call to have written anything (a batch's `done`, an import's count). */
  wrote?: (json: unknown) => boolean;
}

type Answer = { status: number; json: unknown; text: string };

async function send(method: Method, call: Omit<Call, 'actor'>, ip = '127.0.0.1'): Promise<Answer> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.by instanceof Client) {
    if (call.by.cookie) headers.cookie = `sid=${call.by.cookie}`;
  } else headers.authorization = `Bearer ${call.by.bearer}`;
  let payload: Buffer | string | undefined;
  if (call.file) {
    const m = multipart(call.file.bytes, call.file.name, call.file.type);
    payload = m.payload;
    Object.assign(headers, m.headers);
  } else if (call.json) {
    payload = JSON.stringify(call.json);
    headers['content-type'] = 'application/json';
  }
  const res = await t.app.inject({ method, url: call.url, remoteAddress: ip, headers, ...(payload !== undefined ? { payload } : {}) });
  const sid = res.cookies.find((c) => c.name === 'sid');
  if (sid && call.by instanceof Client) call.by.cookie = sid.value === '' ? undefined : sid.value;
  const isJson = String(res.headers['content-type'] ?? '').includes('json') && res.body !== '';
  return { status: res.statusCode, json: isJson ? (JSON.parse(res.body) as unknown) : undefined, text: res.body };
}

const idOf = (json: unknown) => (json as { id: number }).id;
const staffCall = (by: Client, url: string, more: Partial<Call> = {}): Call => ({ by, url, actor: 'staff', ...more });

// ---------------------------------------------------------------------------------------------
// The world the route table works in
// ---------------------------------------------------------------------------------------------

/** createWorld's org, community (2元/天), courier and resident, with the resident signed in, two shelves, an API key and a webhook of that key. */
async function buildWorld() {
  const w = await createWorld(t.app);
  phones.add(w.courierPhone);
  phones.add(w.residentPhone);
  const residentApp = await residentLogin(t.app, w.residentPhone);
  const shelves = [await newShelf(w.admin, w.community.id), await newShelf(w.admin, w.community.id)];
  const apiKey = await newKey(w, ['pre_advice:write', 'parcels:read']);
  const webhook = await newHook(w, ['parcel.received'], apiKey.id);
  expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { doorDeliveryFen: 300 }), 200);
  return { ...w, residentApp, shelves, apiKey, webhook };
}
type W = Awaited<ReturnType<typeof buildWorld>>;

async function newKey(w: World, scopes = ['parcels:read']) {
  return expectStatus(await w.admin.post<{ id: number; key: string }>('/api/integrations/keys', { name: uniq('key'), scopes }), 201);
}
/** A webhook to a public address (the test app resolves nothing, so an address literal). */
async function newHook(w: World, events = ['parcel.rejected'], apiKeyId?: number) {
  const body = { url: `https://93.184.216.34/${uniq('hook')}`, events, ...(apiKeyId ? { apiKeyId } : {}) };
  return expectStatus(await w.admin.post<{ id: number }>('/api/webhooks', body), 201);
}

async function newShelf(admin: Client, communityId: number): Promise<Shelf> {
  return expectStatus(await admin.post<Shelf>(`/api/communities/${communityId}/shelves`, { code: `S${++shelfSeq}`, layers: 2, capacity: 20 }), 201);
}
async function newCourier(w: World, p = phone()): Promise<Courier> {
  const body = { communityId: w.community.id, name: uniq('快递员'), phone: p, carrier: '中通' };
  return expectStatus(await w.admin.post<Courier>('/api/couriers', body), 201);
}
async function newResident(w: World, p = phone()): Promise<Resident> {
  const body = { communityId: w.community.id, name: uniq('住户'), phone: p, building: '2', unit: '1', room: '302' };
  return expectStatus(await w.admin.post<Resident>('/api/residents', body), 201);
}
/** A parcel the courier entered (待接收), for the world's resident. */
async function pending(w: World): Promise<Parcel> {
  return expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo: tn() }), 201);
}
/** A parcel received at the desk (待领取), with its pickup code. */
async function waiting(w: World): Promise<Parcel> {
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${(await pending(w)).id}/receive`, {}), 200);
}
type Delivery = { id: number; payment: { id: number } | null };
/** A door delivery of a waiting parcel, asked for by the world's resident (its payment opened). */
async function asked(w: W): Promise<Delivery> {
  return expectStatus(await w.residentApp.post<Delivery>('/api/resident/deliveries', { parcelIds: [(await waiting(w)).id] }), 201);
}
/** A door delivery paid (the console provider's 支付成功) and, with `runner`, dispatched. */
async function paidDelivery(w: W, dispatched = false): Promise<Delivery> {
  const d = await asked(w);
  expectStatus(await new Client(t.app).post(`/api/dev/payments/${d.payment?.id ?? 0}/succeed`), 200);
  if (dispatched) expectStatus(await w.admin.post(`/api/deliveries/${d.id}/dispatch`, { staffId: w.adminId }), 200);
  return d;
}
/** A sending order of the world's resident, quoted at the desk with `quoted`, and paid with `paid`. */
async function shipment(w: W, stage: 'requested' | 'quoted' | 'paid'): Promise<{ id: number }> {
  const receiver = { name: '收件人', phone: phone(), address: '杭州市西湖区1号' };
  const s = expectStatus(await w.residentApp.post<{ id: number }>('/api/resident/shipments', { communityId: w.community.id, receiver, item: '书' }), 201);
  if (stage === 'requested') return s;
  expectStatus(await w.admin.post(`/api/shipments/${s.id}/quote`, { weightGrams: 800, priceFen: 1000 }), 200);
  if (stage === 'paid') {
    const pay = expectStatus(await w.residentApp.post<{ id: number }>(`/api/resident/shipments/${s.id}/pay`), 201);
    expectStatus(await new Client(t.app).post(`/api/dev/payments/${pay.id}/succeed`), 200);
  }
  return s;
}

async function returned(w: World): Promise<Parcel> {
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${(await waiting(w)).id}/return`, { reason: '超期未取' }), 200);
}
// ---------------------------------------------------------------------------------------------
// The route table: one successful call of each write route, and the row it must leave
// ---------------------------------------------------------------------------------------------

/** The downloads: reads, but what leaves the building is recorded too. */
const DOWNLOADS = [
  'GET /api/parcels/export',
  'GET /api/couriers/export',
  'GET /api/residents/export',
  'GET /api/audit/export',
  'GET /api/stats/daily/export',
  'GET /api/preferences/export',
  'GET /api/parcels/{id}/proof',
];

type Spec = (w: W) => Promise<Call>;
/** A csv of a header and one row, to upload. */
const upload = (name: string, header: string[], row: string[]) => ({ bytes: Buffer.from(`${header.join()}\r\n${row.join()}`), name, type: 'text/csv' });
const importedOne = (json: unknown) => (json as { created: number }).created === 1;
const doneAll = (n: number) => (json: unknown) => (json as { done: number[] }).done.length === n;
/** A staff call about a record `make` makes first (`${base}/${id}`): its row must name it. */
const onRecord =
  (make: (w: W) => Promise<{ id: number }>, base: string, json?: Record<string, unknown>): Spec =>
  async (w) => {
    const r = await make(w);
    return staffCall(w.admin, `${base}/${r.id}`, { ...(json ? { json } : {}), names: [r.id] });
  };
/** A desk move of a parcel `make` brings to the move's state first: its row must name the parcel. */
const onParcel =
  (make: (w: W) => Promise<Parcel>, move: string, json?: Record<string, unknown>): Spec =>
  async (w) => {
    const p = await make(w);
    return staffCall(w.admin, `/api/parcels/${p.id}/${move}`, { ...(json ? { json } : {}), names: [p.id] });
  };
/** A waiting parcel received two days ago (as the database now says): a fee to waive. */
async function owing(w: W): Promise<Parcel> {
  const p = await waiting(w);
  const receivedAt = new Date(t.clock.now().getTime() - 2 * DAY).toISOString();
  await db().updateTable('parcels').set({ received_at: receivedAt }).where('id', '=', p.id).execute();
  return p;
}
async function flagged(w: W): Promise<Parcel> {
  const p = await waiting(w);
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/exception`, { kind: 'lost' }), 200);
}
/** A notice of a waiting parcel, failed (so that 重新发送 has something to requeue). */
async function failedNotice(w: W): Promise<{ id: number }> {
  const p = await waiting(w);
  const row = await db().selectFrom('outbox').select('id').where('parcel_id', '=', p.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
  await db().updateTable('outbox').set({ status: 'failed', last_error: 'test: provider down' }).where('id', '=', row.id).execute();
  return row;
}

const ROUTES: Record<string, Spec> = {
  // -- The operator, sign-in and sign-out
  'POST /api/operator/orgs': async () => ({
    by: { bearer: OPERATOR_TOKEN },
    url: '/api/operator/orgs',
    json: { name: uniq('物业'), adminUsername: uniq('admin'), adminPassword: 'admin-pass-123' },
    actor: 'operator',
    created: (json) => (json as CreateOrgResult).org.id,
  }),
  'POST /api/auth/staff/login': async (w) =>
    staffCall(new Client(t.app), '/api/auth/staff/login', { json: { username: w.adminUsername, password: 'admin-pass-123' } }),
  'POST /api/auth/password': async (w) => {
    const clerk = await createClerk(t.app, w.admin, [w.community.id]);
    return staffCall(clerk.client, '/api/auth/password', { json: { currentPassword: 'clerk-pass-123', newPassword: 'clerk-pass-456' } });
  },
  'POST /api/auth/logout': async (w) => staffCall(await staffLogin(t.app, w.adminUsername, 'admin-pass-123'), '/api/auth/logout'),
  // Nobody is signed in yet: the request of a code is anonymous.
  'POST /api/auth/otp': async () => ({ by: new Client(t.app), url: '/api/auth/otp', json: { phone: phone(), purpose: 'resident' }, actor: 'anonymous' }),
  'POST /api/auth/courier/login': async (w) => {
    const rec = await newCourier(w);
    const code = await sendCode(t.app, rec.phone, 'courier');
    return { by: new Client(t.app), url: '/api/auth/courier/login', json: { phone: rec.phone, code, name: rec.name }, actor: 'courier' };
  },
  'POST /api/auth/resident/login': async (w) => {
    const r = await newResident(w);
    const code = await sendCode(t.app, r.phone, 'resident');
    return { by: new Client(t.app), url: '/api/auth/resident/login', json: { phone: r.phone, code }, actor: 'resident' };
  },

  // -- The org: its app switch, communities, staff
  'PUT /api/app': async (w) => staffCall(w.admin, '/api/app', { json: { enabled: true } }),
  'POST /api/communities': async (w) => staffCall(w.admin, '/api/communities', { json: { name: uniq('小区'), feeRateFen: 100 }, created: idOf }),
  'PATCH /api/communities/{id}': onRecord(async (w) => w.community, '/api/communities', { collectionPointName: uniq('管理处'), remindersEnabled: false }),
  'POST /api/staff': async (w) =>
    staffCall(w.admin, '/api/staff', {
      json: { username: uniq('clerk'), password: 'clerk-pass-123', role: 'clerk', communityIds: [w.community.id] },
      created: idOf,
    }),
  'PATCH /api/staff/{id}': onRecord(async (w) => (await createClerk(t.app, w.admin, [w.community.id])).staff, '/api/staff', { disabled: true }),

  // -- Couriers and residents
  'POST /api/couriers': async (w) =>
    staffCall(w.admin, '/api/couriers', { json: { communityId: w.community.id, name: uniq('快递员'), phone: phone(), carrier: '中通' }, created: idOf }),
  'POST /api/couriers/import': async (w) =>
    staffCall(w.admin, '/api/couriers/import', {
      file: upload('couriers.csv', ['姓名', '手机', '快递公司', '派送小区'], [uniq('快递员'), phone(), '申通', w.community.name]),
      wrote: importedOne,
    }),
  'GET /api/couriers/export': async (w) => staffCall(w.admin, '/api/couriers/export?format=csv'),
  'PATCH /api/couriers/{id}': async (w) => onRecord(newCourier, '/api/couriers', { carrier: '申通', phone: phone() })(w),
  'DELETE /api/couriers/{id}': onRecord(newCourier, '/api/couriers'),
  'POST /api/residents': async (w) =>
    staffCall(w.admin, '/api/residents', {
      json: { communityId: w.community.id, name: uniq('住户'), phone: phone(), building: '3', unit: '2', room: '501' },
      created: idOf,
    }),
  'POST /api/residents/import': async (w) =>
    staffCall(w.admin, '/api/residents/import', {
      file: upload('residents.csv', ['姓名', '手机', '小区', '楼栋', '单元', '房号'], [uniq('住户'), phone(), w.community.name, '5', '1', '101']),
      wrote: importedOne,
    }),
  'GET /api/residents/export': async (w) => staffCall(w.admin, '/api/residents/export?format=csv'),
  'PATCH /api/residents/{id}': async (w) => onRecord(newResident, '/api/residents', { room: '1202', phone: phone() })(w),
  'DELETE /api/residents/{id}': onRecord(newResident, '/api/residents'),

  // -- Parcels at the desk
  'GET /api/parcels/export': async (w) => staffCall(w.admin, '/api/parcels/export?format=csv'),
  'POST /api/parcels/{id}/receive': onParcel(pending, 'receive', { damaged: true }),
  'POST /api/parcels/{id}/reject': onParcel(pending, 'reject', { reason: '地址不详' }),
  'POST /api/parcels/{id}/pickup': onParcel(waiting, 'pickup', { feeFen: 0 }),
  'POST /api/parcels/{id}/waive-fee': onParcel(owing, 'waive-fee'),
  'POST /api/parcels/receive': async (w) => {
    const ids = [(await pending(w)).id, (await pending(w)).id];
    return staffCall(w.admin, '/api/parcels/receive', { json: { ids }, names: ids, wrote: doneAll(2) });
  },
  'POST /api/parcels/reject': async (w) => {
    const ids = [(await pending(w)).id, (await pending(w)).id];
    return staffCall(w.admin, '/api/parcels/reject', { json: { ids, reason: '拒收' }, names: ids, wrote: doneAll(2) });
  },

  // -- Station mode: shelves, desk intake, 移库, 出库
  'POST /api/communities/{id}/shelves': async (w) =>
    staffCall(w.admin, `/api/communities/${w.community.id}/shelves`, { json: { code: `S${++shelfSeq}`, layers: 3, capacity: 30 }, created: idOf }),
  'PATCH /api/shelves/{id}': onRecord((w) => newShelf(w.admin, w.community.id), '/api/shelves', { capacity: 40 }),
  'DELETE /api/shelves/{id}': onRecord((w) => newShelf(w.admin, w.community.id), '/api/shelves'),
  'POST /api/parcels/desk-intake': async (w) =>
    staffCall(w.admin, '/api/parcels/desk-intake', {
      json: { communityId: w.community.id, trackingNo: tn(), recipientPhone: w.residentPhone, courierId: w.courierRecord.id },
      headers: idem(),
      created: idOf,
    }),
  'POST /api/parcels/{id}/move': async (w) => {
    const p = await waiting(w);
    const to = w.shelves.find((s) => s.id !== p.shelfId) ?? w.shelves[0];
    return staffCall(w.admin, `/api/parcels/${p.id}/move`, { json: { shelfId: to?.id }, names: [p.id] });
  },
  'POST /api/parcels/pickup': async (w) => {
    const p = await waiting(w);
    return staffCall(w.admin, '/api/parcels/pickup', { json: { ids: [p.id], totalFeeFen: p.feeFen, code: p.pickupCode }, names: [p.id], wrote: doneAll(1) });
  },

  // -- 问题件, 退回, 已取回
  'POST /api/parcels/{id}/exception': onParcel(waiting, 'exception', { kind: 'damaged', note: '外箱破损' }),
  'POST /api/parcels/{id}/resolve': onParcel(flagged, 'resolve'),
  'POST /api/parcels/{id}/return': onParcel(waiting, 'return', { reason: '超期未取' }),
  'POST /api/parcels/{id}/handover': onParcel(returned, 'handover'),
  'POST /api/courier/parcels/{id}/taken-back': async (w) => {
    const p = await returned(w);
    return { by: w.courier, url: `/api/courier/parcels/${p.id}/taken-back`, actor: 'courier', names: [p.id] };
  },

  // -- 领取凭证: the row names the parcel or the proof
  'POST /api/parcels/{id}/proof': async (w) => {
    const p = await waiting(w);
    const file = { bytes: png(), name: 'signature.png', type: 'image/png' };
    return staffCall(w.admin, `/api/parcels/${p.id}/proof?kind=signature`, { file, oneOf: (json) => [p.id, idOf(json)] });
  },
  'GET /api/parcels/{id}/proof': async (w) => {
    const p = await waiting(w);
    const up = await send('POST', { by: w.admin, url: `/api/parcels/${p.id}/proof?kind=photo`, file: { bytes: png(), name: 'p.png', type: 'image/png' } });
    expect(up.status, up.text).toBe(201);
    return staffCall(w.admin, `/api/parcels/${p.id}/proof`, { oneOf: [p.id, idOf(up.json)] });
  },

  // -- The apps: a courier's entry, a resident's household (a phone in the path: no row may keep it whole)
  'POST /api/courier/parcels': async (w) => ({
    by: w.courier,
    url: '/api/courier/parcels',
    json: { communityId: w.community.id, trackingNo: tn(), recipientPhone: w.residentPhone, recipientName: '收件人' },
    headers: idem(),
    actor: 'courier',
    created: idOf,
  }),
  'POST /api/resident/household': async (w) => ({
    by: w.residentApp,
    url: '/api/resident/household',
    json: { phone: phone(), name: '家人' },
    actor: 'resident',
  }),
  'DELETE /api/resident/household/{phone}': async (w) => {
    const member = phone();
    expectStatus(await w.residentApp.post('/api/resident/household', { phone: member, name: '邻居' }), 201);
    return { by: w.residentApp, url: `/api/resident/household/${member}`, actor: 'resident' };
  },

  // -- 收件偏好 (SPEC §19)
  'PUT /api/resident/preferences': async (w) => ({
    by: w.residentApp,
    url: '/api/resident/preferences',
    // 其他: a change whatever the walk set before (送货上门 for 转送货上门); the same choice again writes nothing.
    json: { communityId: w.community.id, mode: 'other' },
    actor: 'resident',
  }),

  // -- 支付, 送货上门, 代寄 (SPEC §16)
  'POST /api/resident/parcels/{id}/pay-fee': async (w) => {
    const p = await owing(w);
    return { by: w.residentApp, url: `/api/resident/parcels/${p.id}/pay-fee`, actor: 'resident', created: idOf };
  },
  'POST /api/resident/deliveries': async (w) => {
    const p = await waiting(w);
    return { by: w.residentApp, url: '/api/resident/deliveries', json: { parcelIds: [p.id] }, actor: 'resident', created: idOf };
  },
  'POST /api/resident/deliveries/{id}/pay': async (w) => {
    // Its first order expired (closed): 去支付 opens another.
    const d = await asked(w);
    await db()
      .updateTable('payments')
      .set({ status: 'closed' })
      .where('id', '=', d.payment?.id ?? 0)
      .execute();
    return { by: w.residentApp, url: `/api/resident/deliveries/${d.id}/pay`, actor: 'resident', oneOf: (json) => [idOf(json)] };
  },
  'POST /api/resident/deliveries/{id}/cancel': async (w) => {
    const d = await paidDelivery(w);
    return { by: w.residentApp, url: `/api/resident/deliveries/${d.id}/cancel`, actor: 'resident', names: [d.id] };
  },
  'POST /api/parcels/{id}/door-delivery': async (w) => {
    expectStatus(await w.residentApp.put('/api/resident/preferences', { communityId: w.community.id, mode: 'door' }), 200);
    const p = await waiting(w);
    return staffCall(w.admin, `/api/parcels/${p.id}/door-delivery`, { created: idOf });
  },
  'POST /api/deliveries/{id}/dispatch': async (w) => {
    const d = await paidDelivery(w);
    return staffCall(w.admin, `/api/deliveries/${d.id}/dispatch`, { json: { staffId: w.adminId }, names: [d.id] });
  },
  'POST /api/deliveries/{id}/delivered': async (w) => {
    const d = await paidDelivery(w, true);
    return staffCall(w.admin, `/api/deliveries/${d.id}/delivered`, { file: { bytes: png(), name: 'door.png', type: 'image/png' }, names: [d.id] });
  },
  'POST /api/resident/shipments': async (w) => ({
    by: w.residentApp,
    url: '/api/resident/shipments',
    json: { communityId: w.community.id, receiver: { name: '收件人', phone: phone(), address: '杭州市西湖区2号' }, item: '茶叶' },
    actor: 'resident',
    created: idOf,
  }),
  'POST /api/resident/shipments/{id}/pay': async (w) => {
    const s = await shipment(w, 'quoted');
    return { by: w.residentApp, url: `/api/resident/shipments/${s.id}/pay`, actor: 'resident', created: idOf };
  },
  'POST /api/resident/shipments/{id}/cancel': async (w) => {
    const s = await shipment(w, 'paid');
    return { by: w.residentApp, url: `/api/resident/shipments/${s.id}/cancel`, actor: 'resident', names: [s.id] };
  },
  'POST /api/shipments/{id}/quote': async (w) => {
    const s = await shipment(w, 'requested');
    return staffCall(w.admin, `/api/shipments/${s.id}/quote`, { json: { weightGrams: 1200, priceFen: 1500 }, names: [s.id] });
  },
  'POST /api/shipments/{id}/handover': async (w) => {
    const s = await shipment(w, 'paid');
    return staffCall(w.admin, `/api/shipments/${s.id}/handover`, { json: { trackingNo: tn(), carrier: '顺丰' }, names: [s.id] });
  },

  // -- Notices, 开放接口, webhooks
  'POST /api/notifications/{id}/retry': async (w) => {
    const n = await failedNotice(w);
    return staffCall(w.admin, `/api/notifications/${n.id}/retry`, { names: [n.id] });
  },
  'POST /api/integrations/keys': async (w) =>
    staffCall(w.admin, '/api/integrations/keys', { json: { name: uniq('key'), scopes: ['parcels:read'] }, created: idOf }),
  'DELETE /api/integrations/keys/{id}': onRecord((w) => newKey(w), '/api/integrations/keys'),
  'POST /api/open/v1/pre-advice': async (w) => ({
    by: { bearer: w.apiKey.key },
    url: '/api/open/v1/pre-advice',
    json: { items: [{ communityId: w.community.id, trackingNo: tn(), recipientPhone: w.residentPhone, recipientName: '收件人', carrier: '中通' }] },
    actor: 'api_key',
    wrote: (json) => (json as { accepted: number }).accepted === 1,
  }),
  'POST /api/webhooks': async (w) =>
    staffCall(w.admin, '/api/webhooks', { json: { url: 'https://93.184.216.34/other', events: ['parcel.picked_up'] }, created: idOf }),
  'DELETE /api/webhooks/{id}': onRecord((w) => newHook(w), '/api/webhooks'),
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/resend': async (w) => {
    await waiting(w); // parcel.received: a delivery to the world's webhook
    const d = await db().selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', w.webhook.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return staffCall(w.admin, `/api/webhooks/${w.webhook.id}/deliveries/${d.id}/resend`, { oneOf: [d.id, w.webhook.id] });
  },

  // -- The trail's own export; 数据看板's days
  'GET /api/audit/export': async (w) => staffCall(w.admin, '/api/audit/export?format=csv'),
  'GET /api/stats/daily/export': async (w) => staffCall(w.admin, '/api/stats/daily/export?format=csv'),
  'GET /api/preferences/export': async (w) => staffCall(w.admin, '/api/preferences/export?from=2026-01-01&to=2026-01-31&format=csv'),
};

/** Makes the route's call from a fresh address and checks the rows it left. */
async function walk(key: string, w: W): Promise<void> {
  const spec = ROUTES[key];
  if (!spec) throw new Error(`no entry for ${key}`);
  const method = key.split(' ')[0] as Method;
  const call = await spec(w);
  const ip = uniqueIp();
  const before = await lastAuditId();
  const a = await send(method, call, ip);
  // The call itself must succeed: a refusal here is this test's setup to fix, not the trail's.
  if (a.status < 200 || a.status >= 300) throw new Error(`the call itself failed: ${method} ${call.url} → ${a.status} ${a.text.slice(0, 300)}`);
  if (call.wrote && !call.wrote(a.json)) throw new Error(`the call wrote nothing: ${method} ${call.url} → ${a.status} ${a.text.slice(0, 300)}`);

  const rows = await rowsAfter(before);
  const shown = `${method} ${call.url} left ${JSON.stringify(rows, null, 1)}`;
  expect(rows.length, `no audit row: ${shown}`).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.action, shown).toMatch(ACTION);
    expect(r.entity, shown).toMatch(/^[a-z_]+$/);
    expect(r.ip, shown).not.toBeNull();
    const text = JSON.stringify(r);
    for (const p of phones) expect(text.includes(p), `the whole phone ${p} kept: ${shown}`).toBe(false);
  }
  const mine = rows.filter((r) => r.actor_kind === call.actor);
  expect(mine.length, `no row by a ${call.actor}: ${shown}`).toBeGreaterThan(0);
  for (const r of mine) {
    expect(r.ip, `the caller's address: ${shown}`).toBe(ip);
    // A staff member's or a key's acts belong to their org (GET /api/audit lists them there).
    if (call.actor === 'staff' || call.actor === 'api_key') expect(r.org_id, `the caller's org: ${shown}`).toBe(w.org.id);
  }
  const named = new Set(mine.map((r) => r.entity_id));
  for (const id of [...(call.names ?? []), ...(call.created ? [call.created(a.json)] : [])]) {
    expect(named.has(String(id)), `no row names ${id}: ${shown}`).toBe(true);
  }
  const oneOf = typeof call.oneOf === 'function' ? call.oneOf(a.json) : call.oneOf;
  if (oneOf)
    expect(
      oneOf.some((id) => named.has(String(id))),
      `no row names any of ${oneOf.join()}: ${shown}`,
    ).toBe(true);
}

describe('every write route of /openapi.json (and every download) leaves its row in audit_log', () => {
  let w: W;
  beforeAll(async () => {
    w = await buildWorld();
  });

  it.each(Object.keys(ROUTES).sort())('%s', async (key) => walk(key, w));

  it('the table has an entry for every write route of the document, and for no other', async () => {
    // Left out: /api/dev/* (the console provider's inbox, outside production only: development
    // tooling, not an act of anyone's on the org's records). GET /api/wechat/callback binds a
    // WeChat user but exists only with WECHAT_PROVIDER=mp (404 here; test/wechat-mp.test.ts).
    // POST /api/payments/wechat/notify takes only WeChat Pay's signed notices (refused here, with the
    // console provider): test/payments.test.ts finds the rows a genuine one leaves.
    const writes = (await openApiOperations(t.app))
      .filter((op) => !op.path.startsWith('/api/dev/') && op.path !== '/api/payments/wechat/notify')
      .map((op) => `${op.method} ${op.path}`)
      .filter((key) => /^(POST|PUT|PATCH|DELETE) /.test(key) || DOWNLOADS.includes(key))
      .sort();
    expect(writes.length).toBeGreaterThan(50);
    // A new write route fails here until it has an entry (and so a row); a removed one, until its entry goes.
    expect(Object.keys(ROUTES).sort()).toEqual(writes);
  });
});

// ---------------------------------------------------------------------------------------------
// Failed sign-ins
// ---------------------------------------------------------------------------------------------

describe('failed sign-ins are recorded, without the password or code', () => {
  /** The one sign_in_failed row among `rows`, from an address. */
  const failedOnce = (rows: AuditRow[]) => {
    const failed = rows.filter((r) => r.action.includes('sign_in_failed'));
    expect(failed, JSON.stringify(rows)).toHaveLength(1);
    expect(failed[0]?.ip).not.toBeNull();
  };

  it('a wrong staff password', async () => {
    const w = await createWorld(t.app);
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const before = await lastAuditId();
    expectError(await new Client(t.app, uniqueIp()).post('/api/auth/staff/login', { username: w.adminUsername, password: wrong }), 401, 'invalid_credentials');
    const rows = await rowsAfter(before);
    failedOnce(rows);
    for (const r of rows) {
      expect(r.changes ?? '').not.toContain(wrong);
      expect(JSON.stringify(r)).not.toContain('admin-pass-123');
    }
  });

  it("one of another org trying a name of this org is recorded as nobody known: their name never enters this org's trail", async () => {
    const a = await createWorld(t.app);
    const b = await createWorld(t.app);
    const before = await lastAuditId();
    expectError(await b.admin.post('/api/auth/staff/login', { username: a.adminUsername, password: 'not-the-password-1' }), 401, 'invalid_credentials');
    const [row, ...more] = await rowsAfter(before);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ action: 'auth.sign_in_failed', org_id: a.org.id, actor_kind: 'anonymous', actor_id: null, actor_name: '' });
    expect(JSON.stringify(row)).not.toContain(b.adminUsername);
  });

  it.each(['courier', 'resident'] as const)('a wrong SMS code of a %s', async (purpose) => {
    const w = await createWorld(t.app);
    const who = purpose === 'courier' ? await newCourier(w) : await newResident(w);
    const code = await sendCode(t.app, who.phone, purpose);
    const wrong = otherCode(code);
    const before = await lastAuditId();
    const body = { phone: who.phone, code: wrong, ...(purpose === 'courier' ? { name: who.name } : {}) };
    expectError(await new Client(t.app, uniqueIp()).post(`/api/auth/${purpose}/login`, body), 400, 'invalid_code');
    const rows = await rowsAfter(before);
    failedOnce(rows);
    for (const r of rows) {
      const text = JSON.stringify(r);
      expect(holdsCode(text, wrong) || holdsCode(text, code), text).toBe(false);
      expect(text).not.toContain(who.phone);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Phones masked, passwords and codes never kept
// ---------------------------------------------------------------------------------------------

describe('phones are kept masked, passwords and codes never', () => {
  it('a courier and a resident made and changed: their phones only as the last 4 digits', async () => {
    const w = await createWorld(t.app);
    const [p1, p2, p3, p4, p5] = [randomMobile(), randomMobile(), randomMobile(), randomMobile(), randomMobile()];
    const before = await lastAuditId();
    expectStatus(await w.admin.patch(`/api/couriers/${(await newCourier(w, p1)).id}`, { phone: p2 }), 200);
    expectStatus(await w.admin.patch(`/api/residents/${(await newResident(w, p3)).id}`, { phone: p4 }), 200);
    const file = upload('c.csv', ['姓名', '手机', '快递公司', '派送小区'], [uniq('快递员'), p5, '申通', w.community.name]);
    const imported = await send('POST', { by: w.admin, url: '/api/couriers/import', file });
    expect(imported.json).toMatchObject({ created: 1 });
    const rows = await rowsAfter(before);
    const text = JSON.stringify(rows);
    for (const p of [p1, p2, p3, p4, p5]) expect(text.includes(p), `${p} kept whole: ${text}`).toBe(false);
    // Made and changed, each phone is in the changes, masked.
    const changes = rows.map((x) => x.changes ?? '').join('\n');
    for (const p of [p1, p2, p3, p4]) expect(changes, `${maskPhone(p)} in the changes`).toContain(maskPhone(p));
  });

  it('an export filtered by a phone is recorded without the phone', async () => {
    const w = await createWorld(t.app);
    const before = await lastAuditId();
    const r = await send('GET', { by: w.admin, url: `/api/parcels/export?format=csv&q=${w.residentPhone}` });
    expect(r.status).toBe(200);
    const rows = await rowsAfter(before);
    expect(rows.length, 'the export is recorded').toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(w.residentPhone);
  });

  it("a staff member's passwords, set by the admin, reset by the admin, changed by themself: in no row", async () => {
    const w = await createWorld(t.app);
    const [pw1, pw2, pw3, wrong] = ['one', 'two', 'three', 'wrong'].map((s) => `${s}-${randomBytes(6).toString('hex')}`) as [string, string, string, string];
    const username = uniq('clerk');
    const before = await lastAuditId();
    const { id } = expectStatus(await w.admin.post<{ id: number }>('/api/staff', { username, password: pw1, role: 'clerk' }), 201);
    await staffLogin(t.app, username, pw1);
    expectStatus(await w.admin.patch(`/api/staff/${id}`, { password: pw2 }), 200);
    const clerk = await staffLogin(t.app, username, pw2);
    expectError(await clerk.post('/api/auth/password', { currentPassword: wrong, newPassword: pw3 }), 400, 'wrong_password');
    expectStatus(await clerk.post('/api/auth/password', { currentPassword: pw2, newPassword: pw3 }), 204);
    await staffLogin(t.app, username, pw3);
    const rows = await rowsAfter(before);
    const text = JSON.stringify(rows);
    expect(
      rows.some((r) => r.entity === 'staff' && r.entity_id === String(id)),
      text,
    ).toBe(true);
    for (const pw of [pw1, pw2, pw3, wrong]) expect(text.includes(pw), `a password in ${text}`).toBe(false);
  });

  it('a pickup, at the parcel and at 出库: its code in no row', async () => {
    const w = await createWorld(t.app);
    const before = await lastAuditId();
    const [a, b] = [await waiting(w), await waiting(w)];
    const codes = [a.pickupCode, b.pickupCode].filter((c): c is string => c !== null);
    expect(codes).toHaveLength(2);
    const detail = expectStatus(await w.admin.get<Parcel>(`/api/parcels/${a.id}`), 200);
    expect(detail.pickupCode).toBe(a.pickupCode);
    expectStatus(await w.admin.post(`/api/parcels/${a.id}/pickup`, { feeFen: detail.feeFen }), 200);
    const out = expectStatus(await w.admin.post<{ done: number[] }>('/api/parcels/pickup', { ids: [b.id], totalFeeFen: 0, code: b.pickupCode }), 200);
    expect(out.done).toEqual([b.id]);
    const rows = await rowsAfter(before);
    expect(rows.filter((r) => r.action === 'parcel.pickup').map((r) => r.entity_id)).toEqual([String(a.id), String(b.id)]);
    for (const r of rows) for (const c of codes) expect(holdsCode(JSON.stringify(r), c), `code ${c} in ${JSON.stringify(r)}`).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Append-only; one transaction with the write
// ---------------------------------------------------------------------------------------------

describe('the trail is append-only', () => {
  it('no route of the document writes under /api/audit', async () => {
    const routes = (await openApiOperations(t.app)).filter((op) => op.path === '/api/audit' || op.path.startsWith('/api/audit/'));
    expect(routes.map((op) => `${op.method} ${op.path}`).sort()).toEqual(['GET /api/audit', 'GET /api/audit/export']);
  });

  it(`the database (${dbKind}) refuses UPDATE and DELETE of its rows`, async () => {
    await pending(await createWorld(t.app)); // at least parcel.enter: a row for the row triggers
    const all = () => db().selectFrom('audit_log').selectAll().orderBy('id').execute();
    const before = await all();
    const last = before.at(-1);
    expect(last).toBeDefined();
    const id = last?.id ?? 0;
    await expect(sql`UPDATE audit_log SET action = 'parcel.tampered'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_log SET changes = NULL, ip = NULL WHERE id = ${id}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE id = ${id}`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(db())).rejects.toThrow(/append-only/);
    if (dbKind === 'postgres') await expect(sql`TRUNCATE audit_log`.execute(db())).rejects.toThrow(/append-only/);
    expect(await all()).toEqual(before);
  });
});

describe('a row is written in the transaction of its write', () => {
  it('a write refused (409 invalid_state, 400 bad body, 409 taken name) leaves no row', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(w);
    const refusals: [() => Promise<{ status: number; body: unknown }>, number][] = [
      [() => w.admin.post(`/api/parcels/${p.id}/receive`, {}), 409],
      [() => w.admin.post('/api/couriers', { communityId: w.community.id, name: '快递员', phone: '12345', carrier: '中通' }), 400],
      [() => w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: -1 }), 400],
      [() => w.admin.post('/api/communities', { name: w.community.name }), 409],
      [() => w.admin.post('/api/couriers', { communityId: w.community.id, name: w.courierName, phone: w.courierPhone, carrier: '百世' }), 409],
    ];
    for (const [call, status] of refusals) {
      const before = await lastAuditId();
      const r = await call();
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(await rowsAfter(before)).toEqual([]);
    }
  });

  it('a unit of work that fails after recording its change appends nothing; one that commits appends its row', async () => {
    const w = await createWorld(t.app);
    const ctx: Pick<Ctx, 'db' | 'now' | 'afterCommit' | 'actor' | 'audit'> = {
      db: t.database.db,
      now: t.clock.now,
      afterCommit: (fn: () => void) => fn(),
      actor: { kind: 'staff', id: w.adminId, name: w.adminUsername, orgId: w.org.id, ip: '10.9.8.7' },
      audit: () => {
        throw new Error('outside a unit of work');
      },
    };
    const before = await lastAuditId();
    const failing = inTransaction(ctx, async (unit) => {
      await unit.db.updateTable('communities').set({ fee_rate_fen: 999 }).where('id', '=', w.community.id).execute();
      unit.audit({ action: 'community.update', entity: 'community', entityId: w.community.id });
      throw new Error('fails after the change');
    });
    await expect(failing).rejects.toThrow('fails after the change');
    expect(await rowsAfter(before)).toEqual([]);
    await inTransaction(ctx, async (unit) => unit.audit({ action: 'community.update', entity: 'community', entityId: w.community.id }));
    expect(await rowsAfter(before)).toMatchObject([
      { org_id: w.org.id, actor_kind: 'staff', actor_id: w.adminId, action: 'community.update', entity_id: String(w.community.id), ip: '10.9.8.7' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// GET /api/audit
// ---------------------------------------------------------------------------------------------

describe('GET /api/audit', () => {
  let A: World;
  let B: World;
  let received: Parcel;
  let rejected: Parcel;
  /** The instant between A's first parcel (received before it) and its second (rejected from it on). */
  let mid: string;
  const orgRows = async (orgId: number) => db().selectFrom('audit_log').selectAll().where('org_id', '=', orgId).orderBy('id', 'desc').execute();
  const list = async (c: Client, query: string) => expectStatus(await c.get<Page<AuditEntry>>(`/api/audit?pageSize=200&${query}`), 200);

  beforeAll(async () => {
    A = await createWorld(t.app);
    B = await createWorld(t.app);
    received = await waiting(A);
    await waiting(B);
    t.clock.advance(3_600_000);
    mid = t.clock.now().toISOString();
    rejected = await pending(A);
    expectStatus(await A.admin.post(`/api/parcels/${rejected.id}/reject`, { reason: '拒收' }), 200);
  });

  it("shows an admin their org's rows, newest first, with the filters", async () => {
    const rows = await orgRows(A.org.id);
    const all = await list(A.admin, '');
    expect(all.items.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    expect(all.total).toBe(rows.length);
    const cases: [string, (r: AuditRow) => boolean][] = [
      ['actorKind=staff', (r) => r.actor_kind === 'staff'],
      ['actorKind=courier', (r) => r.actor_kind === 'courier'],
      ['entity=parcel', (r) => r.entity === 'parcel'],
      [`entity=parcel&entityId=${received.id}`, (r) => r.entity === 'parcel' && r.entity_id === String(received.id)],
      [`entityId=${rejected.id}`, (r) => r.entity_id === String(rejected.id)],
      ['action=parcel.receive', (r) => r.action === 'parcel.receive'],
      ['action=parcel.', (r) => r.action.startsWith('parcel.')],
      [`from=${encodeURIComponent(mid)}`, (r) => r.at >= mid],
      [`to=${encodeURIComponent(mid)}`, (r) => r.at < mid],
      [`from=${encodeURIComponent(mid)}&action=parcel.&actorKind=staff`, (r) => r.at >= mid && r.action.startsWith('parcel.') && r.actor_kind === 'staff'],
    ];
    for (const [query, keep] of cases) {
      const expected = rows.filter(keep).map((r) => r.id);
      expect(expected.length, `${query} matches rows`).toBeGreaterThan(0);
      const page = await list(A.admin, query);
      const ids = page.items.map((e) => e.id);
      expect(ids, query).toEqual(expected);
      expect(page.total, query).toBe(expected.length);
    }
    // A parcel's history, as the admin reads it.
    const history = await list(A.admin, `entity=parcel&entityId=${received.id}`);
    expect(history.items.map((e) => e.action)).toEqual(['parcel.receive', 'parcel.enter']);
    expect(history.items[0]?.actor).toMatchObject({ kind: 'staff', id: A.adminId, name: A.adminUsername });
    expect(history.items[1]?.actor).toMatchObject({ kind: 'courier', name: A.courierName });
    expect(JSON.stringify(history)).not.toContain(A.residentPhone);
  });

  it('is refused to a clerk', async () => {
    const clerk = await createClerk(t.app, A.admin, [A.community.id]);
    expectError(await clerk.client.get('/api/audit'), 403, 'forbidden');
    expectError(await clerk.client.get('/api/audit/export?format=csv'), 403, 'forbidden');
  });

  it("never shows another org's rows", async () => {
    const aIds = new Set((await orgRows(A.org.id)).map((r) => r.id));
    const bRows = await orgRows(B.org.id);
    const all = await list(B.admin, '');
    expect(all.items.map((e) => e.id)).toEqual(bRows.map((r) => r.id));
    expect(all.items.filter((e) => aIds.has(e.id))).toEqual([]);
    for (const query of [`entity=parcel&entityId=${received.id}`, `entityId=${rejected.id}`]) {
      expect(await list(B.admin, query)).toMatchObject({ items: [], total: 0 });
    }
    const exported = await send('GET', { by: B.admin, url: '/api/audit/export?format=csv' });
    expect(exported.status).toBe(200);
    expect(exported.text).not.toContain(received.trackingNo);
    expect(exported.text).not.toContain(A.adminUsername);
  });

  it('takes every action the trail holds as its action filter', async () => {
    const actions = await db().selectFrom('audit_log').select('action').distinct().execute();
    const refused: string[] = [];
    for (const { action } of actions) {
      const r = await A.admin.get(`/api/audit?action=${encodeURIComponent(action)}`);
      if (r.status !== 200) refused.push(`${action} → ${r.status}`);
    }
    expect(refused).toEqual([]);
  });
});
