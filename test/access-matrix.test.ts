// The access matrix: every route of /openapi.json, called as each kind of user with the ids of
// records that are not theirs (another org's, another community's), once with a plausible valid
// body and once with the extra fields orgId, status, feeFen and role merged in. Nothing of the
// other side may leak into any answer, no refusal may be a 5xx, and the other side's rows in the
// database must be exactly as they were. The count of requests is printed for SECURITY.md.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { BatchResult, Community, Courier, Page, Parcel, ParcelDetail, Resident, Shelf, StaffMe } from './support/api.js';
import { buildTestApp, OPERATOR_TOKEN, useTestApp } from './support/app.js';
import {
  Client,
  createClerk,
  createCommunity,
  createOrg,
  courierLogin,
  enterParcel,
  expectStatus,
  randomMobile,
  residentLogin,
  staffLogin,
  uniq,
} from './support/factories.js';
import { openApiOperations } from './support/openapi.js';
import { loadXlsx, sheetRows } from './support/spreadsheets.js';

const t = useTestApp();

const DAY = 24 * 3_600_000;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** The refusals a route may give; anything else for another's record is a failure. */
const REFUSALS = new Set([400, 401, 403, 404, 409, 422, 429]);

// ---------------------------------------------------------------------------------------------
// The two orgs
// ---------------------------------------------------------------------------------------------

/**
 * An org with two communities (2元/天 and 1元/天), a courier and a resident in each, a clerk for
 * each community, and parcels in every state: in community 1 pending receipt, awaiting pickup
 * (owing a fee once the clock moves), picked up and rejected; in community 2 pending and awaiting.
 */
async function buildOrg() {
  const org = await createOrg(t.app);
  const c1 = await createCommunity(org.admin, { feeRateFen: 200 });
  const c2 = await createCommunity(org.admin, { feeRateFen: 100 });
  // 开放接口: a key, a webhook (its deliveries queued by the receipts below; the worker does not run here).
  const apiKey = expectStatus(
    await org.admin.post<{ id: number; key: string }>('/api/integrations/keys', {
      name: uniq('key'),
      scopes: ['pre_advice:write', 'parcels:read', 'preferences:read'],
    }),
    201,
  );
  const webhook = expectStatus(
    await org.admin.post<{ id: number }>('/api/webhooks', { url: 'https://93.184.216.34/hook', events: ['parcel.received'], apiKeyId: apiKey.id }),
    201,
  );
  const person = (prefix: string) => ({ phone: randomMobile(), name: uniq(prefix) });
  const k1 = person('快递员');
  const k2 = person('快递员');
  const rec1 = expectStatus(await org.admin.post<Courier>('/api/couriers', { communityId: c1.id, name: k1.name, phone: k1.phone, carrier: '百世' }), 201);
  const rec2 = expectStatus(await org.admin.post<Courier>('/api/couriers', { communityId: c2.id, name: k2.name, phone: k2.phone, carrier: '中通' }), 201);
  const home = { building: '3', unit: '2', room: '501' };
  const r1 = expectStatus(await org.admin.post<Resident>('/api/residents', { communityId: c1.id, name: uniq('住户'), phone: randomMobile(), ...home }), 201);
  const r2 = expectStatus(await org.admin.post<Resident>('/api/residents', { communityId: c2.id, name: uniq('住户'), phone: randomMobile(), ...home }), 201);
  const courier1 = await courierLogin(t.app, k1.phone, k1.name);
  const courier2 = await courierLogin(t.app, k2.phone, k2.name);

  const enter = async (courier: Client, c: Community, r: Resident) =>
    expectStatus(await enterParcel(courier, { communityId: c.id, recipientPhone: r.phone, recipientName: r.name }), 201);
  const receive = async (p: Parcel) => expectStatus(await org.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
  const pending1 = await enter(courier1, c1, r1);
  const awaiting1 = await receive(await enter(courier1, c1, r1));
  const toPickUp = await receive(await enter(courier1, c1, r1));
  const pickedUp1 = expectStatus(await org.admin.post<Parcel>(`/api/parcels/${toPickUp.id}/pickup`, { feeFen: toPickUp.feeFen }), 200);
  const rejected1 = expectStatus(await org.admin.post<Parcel>(`/api/parcels/${(await enter(courier1, c1, r1)).id}/reject`, { reason: '地址不详' }), 200);
  const pending2 = await enter(courier2, c2, r2);
  const awaiting2 = await receive(await enter(courier2, c2, r2));
  // Station mode: a shelf in each community, and a parcel taken in at the desk onto the first.
  const shelfOf = async (c: Community) =>
    expectStatus(await org.admin.post<Shelf>(`/api/communities/${c.id}/shelves`, { code: 'A', layers: 3, capacity: 50 }), 201);
  const s1 = await shelfOf(c1);
  const s2 = await shelfOf(c2);
  const shelved1 = expectStatus(
    await org.admin.post<Parcel>(
      '/api/parcels/desk-intake',
      { communityId: c1.id, trackingNo: trackingNo(), recipientPhone: r1.phone, courierId: rec1.id },
      idem(),
    ),
    201,
  );
  // 送货上门 and 代寄 (SPEC §16) by the second resident in community 2, with the request's payment.
  expectStatus(await org.admin.patch(`/api/communities/${c2.id}`, { doorDeliveryFen: 300 }), 200);
  const resident2 = await residentLogin(t.app, r2.phone);
  const homeDelivery = expectStatus(
    await resident2.post<{ id: number; payment: { id: number } | null }>('/api/resident/deliveries', { parcelIds: [awaiting2.id] }),
    201,
  );
  const shipment = expectStatus(
    await resident2.post<{ id: number }>('/api/resident/shipments', {
      communityId: c2.id,
      receiver: { name: uniq('收件'), phone: randomMobile(), address: '上海市浦东新区世纪大道1号' },
      item: '文件',
    }),
    201,
  );
  expectStatus(await org.admin.post(`/api/shipments/${shipment.id}/quote`, { weightGrams: 500, priceFen: 1000 }), 200);
  const clerk1 = await createClerk(t.app, org.admin, [c1.id]);
  const clerk2 = await createClerk(t.app, org.admin, [c2.id]);
  // A carrier's pre-advice for a parcel still to come to community 1, for its resident.
  const advised = trackingNo();
  const pushed = await t.app.inject({
    method: 'POST',
    url: '/api/open/v1/pre-advice',
    headers: { authorization: `Bearer ${apiKey.key}` },
    payload: { items: [{ communityId: c1.id, trackingNo: advised, recipientPhone: r1.phone, recipientName: r1.name }] },
  });
  expect(JSON.parse(pushed.body)).toEqual({ accepted: 1, failed: [] });
  const deliveries = await t.database.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', webhook.id).execute();
  expect(deliveries.length).toBeGreaterThanOrEqual(2);

  // One notice failed, so that 重新发送 would have something to requeue.
  const outbox = await t.database.db.selectFrom('outbox').select(['id', 'parcel_id']).where('org_id', '=', org.org.id).orderBy('id').execute();
  expect(outbox.length).toBeGreaterThanOrEqual(3);
  await t.database.db.updateTable('outbox').set({ status: 'failed', last_error: 'test: provider down' }).where('id', '=', outbox[0]!.id).execute();

  return {
    ...org,
    c1,
    c2,
    k1,
    k2,
    rec1,
    rec2,
    r1,
    r2,
    courier1,
    courier2,
    s1,
    s2,
    parcels1: { pending: pending1, awaiting: awaiting1, pickedUp: pickedUp1, rejected: rejected1, shelved: shelved1 },
    parcels2: { pending: pending2, awaiting: awaiting2 },
    clerk1,
    clerk2,
    outbox,
    apiKey,
    webhook,
    advised,
    deliveryIds: deliveries.map((d) => d.id),
    homeDeliveryIds: [homeDelivery.id],
    shipmentIds: [shipment.id],
    paymentIds: homeDelivery.payment ? [homeDelivery.payment.id] : [],
  };
}
type Org = Awaited<ReturnType<typeof buildOrg>>;

/** A text an answer must not carry; pickup codes (6 digits) only as a whole number. */
interface Secret {
  what: string;
  text: string;
}

function found(s: Secret, text: string): boolean {
  if (/^\d{6}$/.test(s.text)) return new RegExp(`(?<![0-9])${s.text}(?![0-9])`).test(text);
  return text.includes(s.text);
}

/** The records one actor must not reach: a whole org, or one community of an org. */
interface Slice {
  label: string;
  orgId: number;
  communities: Community[];
  courierRecords: Courier[];
  residents: Resident[];
  shelves: Shelf[];
  parcels: Parcel[];
  /** Each parcel's fee as of the matrix's clock, for a 领取 that would pass but for the access check. */
  feeOf: Map<number, number>;
  staffIds: number[];
  outboxIds: number[];
  /** 开放接口 (a whole org only): its API keys, webhooks and their deliveries, a tracking number it has pre-advice for. */
  apiKeyIds: number[];
  webhookIds: number[];
  deliveries: { webhookId: number; id: number }[];
  advisedTrackingNo?: string;
  /** 送货上门 requests, 代寄 orders and payments (of the second resident, never the resident actor). */
  homeDeliveryIds: number[];
  shipmentIds: number[];
  paymentIds: number[];
  /** An admin's username for a sign-in attempt (a whole org only). */
  adminUsername?: string;
  courierPhone: string;
  residentPhone: string;
  secrets: Secret[];
}

function secretsOf(parts: {
  orgName?: string;
  usernames?: string[];
  communities: Community[];
  people: { name: string; phone: string }[];
  parcels: Parcel[];
}): Secret[] {
  const s: Secret[] = [];
  if (parts.orgName) s.push({ what: 'org name', text: parts.orgName });
  for (const u of parts.usernames ?? []) s.push({ what: 'username', text: u });
  for (const c of parts.communities) s.push({ what: 'community name', text: c.name });
  for (const p of parts.people) s.push({ what: 'name', text: p.name }, { what: 'phone', text: p.phone });
  for (const p of parts.parcels) {
    s.push({ what: 'tracking number', text: p.trackingNo });
    if (p.pickupCode) s.push({ what: 'pickup code', text: p.pickupCode });
  }
  return s;
}

async function feesOf(admin: Client, parcels: Parcel[]): Promise<Map<number, number>> {
  const m = new Map<number, number>();
  for (const p of parcels) m.set(p.id, expectStatus(await admin.get<ParcelDetail>(`/api/parcels/${p.id}`), 200).feeFen);
  return m;
}

async function wholeOrg(o: Org): Promise<Slice> {
  const parcels = [...Object.values(o.parcels1), ...Object.values(o.parcels2)];
  return {
    label: `org ${o.org.name}`,
    orgId: o.org.id,
    communities: [o.c1, o.c2],
    courierRecords: [o.rec1, o.rec2],
    residents: [o.r1, o.r2],
    shelves: [o.s1, o.s2],
    parcels,
    feeOf: await feesOf(o.admin, parcels),
    staffIds: [o.adminId, o.clerk1.staff.id, o.clerk2.staff.id],
    outboxIds: o.outbox.map((r) => r.id),
    apiKeyIds: [o.apiKey.id],
    webhookIds: [o.webhook.id],
    deliveries: o.deliveryIds.map((id) => ({ webhookId: o.webhook.id, id })),
    advisedTrackingNo: o.advised,
    homeDeliveryIds: o.homeDeliveryIds,
    shipmentIds: o.shipmentIds,
    paymentIds: o.paymentIds,
    adminUsername: o.adminUsername,
    courierPhone: o.k1.phone,
    residentPhone: o.r1.phone,
    secrets: secretsOf({
      orgName: o.org.name,
      usernames: [o.adminUsername, o.clerk1.username, o.clerk2.username],
      communities: [o.c1, o.c2],
      people: [o.k1, o.k2, o.r1, o.r2],
      parcels,
    }),
  };
}

/** One community of an org: what the clerk (or the courier) of the other community must not reach. */
async function oneCommunity(o: Org, n: 1 | 2): Promise<Slice> {
  const [c, rec, k, r, clerk, shelf, parcels] =
    n === 1 ? [o.c1, o.rec1, o.k1, o.r1, o.clerk1, o.s1, Object.values(o.parcels1)] : [o.c2, o.rec2, o.k2, o.r2, o.clerk2, o.s2, Object.values(o.parcels2)];
  const ids = new Set(parcels.map((p) => p.id));
  return {
    label: `community ${c.name}`,
    orgId: o.org.id,
    communities: [c],
    courierRecords: [rec],
    residents: [r],
    shelves: [shelf],
    parcels,
    feeOf: await feesOf(o.admin, parcels),
    staffIds: [clerk.staff.id],
    outboxIds: o.outbox.filter((x) => x.parcel_id !== null && ids.has(x.parcel_id)).map((x) => x.id),
    apiKeyIds: [],
    webhookIds: [],
    deliveries: [],
    ...(n === 1 ? { advisedTrackingNo: o.advised } : {}),
    homeDeliveryIds: n === 2 ? o.homeDeliveryIds : [],
    shipmentIds: n === 2 ? o.shipmentIds : [],
    paymentIds: n === 2 ? o.paymentIds : [],
    courierPhone: k.phone,
    residentPhone: r.phone,
    secrets: secretsOf({ communities: [c], people: [k, r], parcels }),
  };
}

// ---------------------------------------------------------------------------------------------
// The actors
// ---------------------------------------------------------------------------------------------

type Kind = 'admin' | 'clerk' | 'courier' | 'resident' | 'none';

interface Actor {
  name: string;
  kind: Kind;
  client: Client;
  /** A second session of the same user: the one the matrix signs out (the first must survive it). */
  spare: Client;
  /** The records to substitute into every route. */
  targets: Slice[];
  /** What no answer to this actor may contain. */
  secrets: Secret[];
  /** The actor's own records (for "move my own record into their community"). */
  own: { orgId: number; communityId: number; courierRecordId: number; residentId: number };
  /** Whether to make the `combined` uploads (each costs a parser thread; see RouteSpec). */
  uploads?: false;
}

// ---------------------------------------------------------------------------------------------
// The routes
// ---------------------------------------------------------------------------------------------

/**
 * Who a route is for. `public`: anyone (sign-in, health); `session`: anyone signed in;
 * `wechat`: only with WECHAT_PROVIDER=mp (the tests run the console provider, so 404 for all);
 * `dev`: the console provider's inbox, open to anyone outside production (see the note below).
 */
type Role = 'public' | 'session' | 'operator' | 'staff' | 'admin' | 'courier' | 'resident' | 'wechat' | 'dev' | 'api_key';

/**
 * What a call may answer, to an actor who holds the route's role:
 * - own: the actor's own data (2xx for the plain body; no secret of the other side);
 * - refuse: the other side's record: a refusal, exactly one of `refuseWith` for the plain body;
 * - list / counts / batch / import / export: the route answers 200 by design with an empty result
 *   (a filter by another's community, a batch of another's ids, an upload naming their community);
 * - otp: 204 (a code sent to a phone, nothing answered) or 429 (the phone's per-minute limit);
 * - logout: 204, ending only the session that made the call;
 * - dev: 200 (the development inbox).
 */
type Expect = 'own' | 'refuse' | 'list' | 'counts' | 'batch' | 'import' | 'export' | 'otp' | 'logout' | 'dev';

interface Variant {
  url: string;
  json?: Record<string, unknown>;
  /** A csv to upload (multipart field `file`). */
  csv?: string;
  headers?: Record<string, string>;
  expect: Expect;
  /** For `refuse`: the statuses the plain call may give to an actor holding the role (default 403 / 404). */
  refuseWith?: number[];
}

interface RouteSpec {
  role: Role;
  /** Calls that name no record of the other side (lists, own settings, sign-in as oneself). */
  own?: (a: Actor) => Variant[];
  /** Calls naming records of the slice: in the path, the query or the body. */
  foreign?: (s: Slice, a: Actor) => Variant[];
  /**
   * Uploads naming the records of all the actor's targets at once, made once, with the extra fields
   * as form fields (a multipart body has no schema for them: they are ignored, so the plain call
   * would take the same path; and each upload costs a parser thread).
   */
  combined?: (slices: Slice[]) => Variant[];
}

const csvFile = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n');
const idem = () => ({ 'idempotency-key': `matrix-${randomBytes(8).toString('hex')}` });
const trackingNo = () => `MX${randomBytes(6).toString('hex').toUpperCase()}`;

/** A six-digit code that is not among those sent to the phone (a wrong guess, surely). */
async function wrongCode(phone: string): Promise<string> {
  const sent = await t.database.db.selectFrom('dev_messages').select('text').where('recipient', '=', phone).execute();
  const codes = new Set(sent.flatMap((m) => m.text.match(/\d{6}/g) ?? []));
  for (let i = 0; ; i++) {
    const c = String(i).repeat(6).slice(0, 6);
    if (!codes.has(c)) return c;
  }
}

const listOf = (base: string, queries: string[], expect: 'list' | 'export') => queries.map((q) => ({ url: `${base}?${q}`, expect }));

const ROUTES: Record<string, RouteSpec> = {
  'GET /healthz': { role: 'public', own: () => [{ url: '/healthz', expect: 'own' }] },
  'GET /readyz': { role: 'public', own: () => [{ url: '/readyz', expect: 'own' }] },
  // Open outside production without METRICS_TOKEN (test/ops.test.ts checks the token and
  // production); route patterns and counts only, never another org's data (the secrets scan).
  'GET /metrics': { role: 'public', own: () => [{ url: '/metrics', expect: 'own' }] },
  'POST /api/operator/orgs': {
    role: 'operator',
    own: () => [
      { url: '/api/operator/orgs', json: { name: uniq('物业'), adminUsername: uniq('admin'), adminPassword: 'admin-pass-123' }, expect: 'own' },
      // A wrong token is refused the same way as none.
      {
        url: '/api/operator/orgs',
        json: { name: uniq('物业'), adminUsername: uniq('admin'), adminPassword: 'admin-pass-123' },
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}x` },
        expect: 'own',
      },
    ],
  },
  'POST /api/auth/staff/login': {
    role: 'public',
    foreign: (s) =>
      s.adminUsername
        ? [{ url: '/api/auth/staff/login', json: { username: s.adminUsername, password: 'not-the-password-1' }, expect: 'refuse', refuseWith: [401] }]
        : [],
  },
  'POST /api/auth/logout': { role: 'public', own: () => [{ url: '/api/auth/logout', expect: 'logout' }] },
  'GET /api/me': { role: 'session', own: () => [{ url: '/api/me', expect: 'own' }] },
  // One's own password: a wrong current password is refused (the matrix keeps its passwords).
  'POST /api/auth/password': {
    role: 'staff',
    own: () => [
      { url: '/api/auth/password', json: { currentPassword: 'not-the-password-1', newPassword: 'taken-over-123' }, expect: 'refuse', refuseWith: [400] },
    ],
  },
  'POST /api/auth/otp': {
    role: 'public',
    foreign: (s) => [
      { url: '/api/auth/otp', json: { phone: s.residentPhone, purpose: 'resident' }, expect: 'otp' },
      { url: '/api/auth/otp', json: { phone: s.courierPhone, purpose: 'courier' }, expect: 'otp' },
    ],
  },
  'POST /api/auth/courier/login': {
    role: 'public',
    foreign: (s) => [
      { url: '/api/auth/courier/login', json: { phone: s.courierPhone, code: '', name: '冒名' }, expect: 'refuse', refuseWith: [400, 401, 429] },
    ],
  },
  'POST /api/auth/resident/login': {
    role: 'public',
    foreign: (s) => [{ url: '/api/auth/resident/login', json: { phone: s.residentPhone, code: '' }, expect: 'refuse', refuseWith: [400, 401, 429] }],
  },
  'GET /api/app': { role: 'staff', own: () => [{ url: '/api/app', expect: 'own' }] },
  'PUT /api/app': { role: 'admin', own: () => [{ url: '/api/app', json: { enabled: true }, expect: 'own' }] },
  'POST /api/communities': { role: 'admin', own: () => [{ url: '/api/communities', json: { name: uniq('新小区'), feeRateFen: 100 }, expect: 'own' }] },
  'GET /api/communities': { role: 'staff', own: () => [{ url: '/api/communities', expect: 'own' }] },
  'GET /api/communities/{id}': { role: 'staff', foreign: (s) => s.communities.map((c) => ({ url: `/api/communities/${c.id}`, expect: 'refuse' })) },
  'PATCH /api/communities/{id}': {
    role: 'admin',
    foreign: (s) =>
      s.communities.map((c) => ({
        url: `/api/communities/${c.id}`,
        json: { collectionPointName: '偷改', feeRateFen: 0, remindersEnabled: false },
        expect: 'refuse',
      })),
  },
  'POST /api/staff': {
    role: 'admin',
    foreign: (s) => [
      {
        url: '/api/staff',
        json: { username: uniq('spy'), password: 'spy-pass-1234', role: 'clerk', communityIds: s.communities.map((c) => c.id) },
        expect: 'refuse',
        refuseWith: [400], // 所选小区不存在
      },
    ],
  },
  'GET /api/staff': { role: 'admin', own: () => [{ url: '/api/staff', expect: 'own' }] },
  'GET /api/staff/{id}': { role: 'admin', foreign: (s) => s.staffIds.map((id) => ({ url: `/api/staff/${id}`, expect: 'refuse' })) },
  'PATCH /api/staff/{id}': {
    role: 'admin',
    foreign: (s, a) =>
      s.staffIds.flatMap((id) => [
        { url: `/api/staff/${id}`, json: { disabled: true }, expect: 'refuse' as const },
        { url: `/api/staff/${id}`, json: { password: 'taken-over-123' }, expect: 'refuse' as const },
        { url: `/api/staff/${id}`, json: { role: 'admin', communityIds: [a.own.communityId] }, expect: 'refuse' as const },
      ]),
  },
  'GET /api/couriers': {
    role: 'staff',
    own: () => [{ url: '/api/couriers', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/couriers',
        [...s.communities.map((c) => `communityId=${c.id}`), `q=${s.courierPhone}`, `q=${encodeURIComponent(s.courierRecords[0]!.name)}`],
        'list',
      ),
  },
  'POST /api/couriers': {
    role: 'staff',
    foreign: (s) =>
      s.communities.map((c) => ({ url: '/api/couriers', json: { communityId: c.id, name: '潜入', phone: randomMobile(), carrier: '百世' }, expect: 'refuse' })),
  },
  'GET /api/couriers/template': {
    role: 'staff',
    own: () => [
      { url: '/api/couriers/template', expect: 'own' },
      { url: '/api/couriers/template?format=csv', expect: 'own' },
    ],
  },
  'POST /api/couriers/import': {
    role: 'staff',
    // Per target community: a new courier there, and an overwrite of their courier (same phone and community).
    combined: (slices) => [
      {
        url: '/api/couriers/import',
        csv: csvFile([
          ['姓名', '手机', '快递公司', '派送小区'],
          ...slices.flatMap((s) =>
            s.communities.flatMap((c) => [
              ['潜入', randomMobile(), '百世', c.name],
              ['偷改', s.courierPhone, '申通', c.name],
            ]),
          ),
        ]),
        expect: 'import',
      },
    ],
  },
  'GET /api/couriers/export': {
    role: 'staff',
    own: () => [{ url: '/api/couriers/export', expect: 'own' }],
    foreign: (s) => listOf('/api/couriers/export', [...s.communities.map((c) => `communityId=${c.id}&format=csv`), `q=${s.courierPhone}&format=csv`], 'export'),
  },
  'GET /api/couriers/{id}': { role: 'staff', foreign: (s) => s.courierRecords.map((k) => ({ url: `/api/couriers/${k.id}`, expect: 'refuse' })) },
  'PATCH /api/couriers/{id}': {
    role: 'staff',
    foreign: (s, a) => [
      ...s.courierRecords.map((k) => ({
        url: `/api/couriers/${k.id}`,
        json: { name: '偷改', carrier: '申通', phone: randomMobile() },
        expect: 'refuse' as const,
      })),
      // The actor's own courier record moved into their community.
      ...s.communities.map((c) => ({ url: `/api/couriers/${a.own.courierRecordId}`, json: { communityId: c.id }, expect: 'refuse' as const })),
    ],
  },
  'DELETE /api/couriers/{id}': { role: 'staff', foreign: (s) => s.courierRecords.map((k) => ({ url: `/api/couriers/${k.id}`, expect: 'refuse' })) },
  'GET /api/residents': {
    role: 'staff',
    own: () => [{ url: '/api/residents', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/residents',
        [...s.communities.map((c) => `communityId=${c.id}`), `q=${s.residentPhone}`, `q=${encodeURIComponent(s.residents[0]!.name)}`],
        'list',
      ),
  },
  'POST /api/residents': {
    role: 'staff',
    foreign: (s) =>
      s.communities.map((c) => ({
        url: '/api/residents',
        json: { communityId: c.id, name: '潜入', phone: randomMobile(), building: '1', unit: '1', room: '101' },
        expect: 'refuse',
      })),
  },
  'GET /api/residents/template': {
    role: 'staff',
    own: () => [
      { url: '/api/residents/template', expect: 'own' },
      { url: '/api/residents/template?format=csv', expect: 'own' },
    ],
  },
  'POST /api/residents/import': {
    role: 'staff',
    combined: (slices) => [
      {
        url: '/api/residents/import',
        csv: csvFile([
          ['姓名', '手机', '小区', '楼栋', '单元', '房号'],
          ...slices.flatMap((s) =>
            s.communities.flatMap((c) => [
              ['潜入', randomMobile(), c.name, '1', '1', '101'],
              ['偷改', s.residentPhone, c.name, '3', '2', '501'],
            ]),
          ),
        ]),
        expect: 'import',
      },
    ],
  },
  'GET /api/residents/export': {
    role: 'staff',
    own: () => [{ url: '/api/residents/export', expect: 'own' }],
    foreign: (s) =>
      listOf('/api/residents/export', [...s.communities.map((c) => `communityId=${c.id}&format=csv`), `q=${s.residentPhone}&format=csv`], 'export'),
  },
  'GET /api/residents/{id}': { role: 'staff', foreign: (s) => s.residents.map((r) => ({ url: `/api/residents/${r.id}`, expect: 'refuse' })) },
  'PATCH /api/residents/{id}': {
    role: 'staff',
    foreign: (s, a) => [
      ...s.residents.map((r) => ({ url: `/api/residents/${r.id}`, json: { name: '偷改', building: '9' }, expect: 'refuse' as const })),
      ...s.communities.map((c) => ({ url: `/api/residents/${a.own.residentId}`, json: { communityId: c.id }, expect: 'refuse' as const })),
    ],
  },
  'DELETE /api/residents/{id}': { role: 'staff', foreign: (s) => s.residents.map((r) => ({ url: `/api/residents/${r.id}`, expect: 'refuse' })) },
  'GET /api/parcels': {
    role: 'staff',
    own: () => [{ url: '/api/parcels?pageSize=200', expect: 'own' }],
    foreign: (s) => listOf('/api/parcels', parcelFilters(s), 'list'),
  },
  'GET /api/parcels/export': {
    role: 'staff',
    own: () => [{ url: '/api/parcels/export', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/parcels/export',
        parcelFilters(s).map((q) => `${q}&format=csv`),
        'export',
      ),
  },
  'GET /api/parcels/counts': {
    role: 'staff',
    own: () => [{ url: '/api/parcels/counts', expect: 'own' }],
    foreign: (s) => s.communities.map((c) => ({ url: `/api/parcels/counts?communityId=${c.id}`, expect: 'counts' })),
  },
  'GET /api/parcels/{id}': { role: 'staff', foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}`, expect: 'refuse' })) },
  'POST /api/parcels/{id}/receive': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/receive`, json: { damaged: true }, expect: 'refuse' })),
  },
  'POST /api/parcels/{id}/reject': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/reject`, json: { reason: '偷拒' }, expect: 'refuse' })),
  },
  // 问题件 and 退回: another's parcel is not found, whatever its state.
  'POST /api/parcels/{id}/exception': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/exception`, json: { kind: 'lost', note: '偷改' }, expect: 'refuse' })),
  },
  'POST /api/parcels/{id}/resolve': { role: 'staff', foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/resolve`, expect: 'refuse' })) },
  'POST /api/parcels/{id}/return': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/return`, json: { reason: '偷退' }, expect: 'refuse' })),
  },
  'POST /api/parcels/{id}/handover': { role: 'staff', foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/handover`, expect: 'refuse' })) },
  // 家人代领: one's own household only; another resident's parcels are not found.
  'GET /api/resident/household': { role: 'resident', own: () => [{ url: '/api/resident/household', expect: 'own' }] },
  'POST /api/resident/household': {
    role: 'resident',
    own: () => [{ url: '/api/resident/household', json: { phone: randomMobile(), name: '家人' }, expect: 'own' }],
  },
  'DELETE /api/resident/household/{phone}': {
    role: 'resident',
    foreign: (s) => [{ url: `/api/resident/household/${s.residentPhone}`, expect: 'refuse', refuseWith: [404] }],
  },
  'GET /api/resident/household/parcels': { role: 'resident', own: () => [{ url: '/api/resident/household/parcels', expect: 'own' }] },
  // The parcels of someone else (the slice's first resident may be the actor: their own are theirs).
  'GET /api/resident/parcels/{id}': {
    role: 'resident',
    // (A courier's answer masks the phone: its last 4 digits tell.)
    foreign: (s) =>
      s.parcels.filter((p) => !p.recipientPhone.endsWith(s.residentPhone.slice(-4))).map((p) => ({ url: `/api/resident/parcels/${p.id}`, expect: 'refuse' })),
  },
  // 领取凭证: another's parcel is not found, before the file is looked at.
  'POST /api/parcels/{id}/proof': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/proof?kind=photo`, csv: 'not an image', expect: 'refuse' })),
  },
  'GET /api/parcels/{id}/proof': { role: 'staff', foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/proof`, expect: 'refuse' })) },
  'GET /api/courier/returns': { role: 'courier', own: () => [{ url: '/api/courier/returns', expect: 'own' }] },
  'POST /api/courier/parcels/{id}/taken-back': {
    role: 'courier',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/courier/parcels/${p.id}/taken-back`, expect: 'refuse' })),
  },
  'POST /api/parcels/{id}/pickup': {
    role: 'staff',
    // The fee as of now: the call would pass but for whose parcel it is.
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/pickup`, json: { feeFen: s.feeOf.get(p.id) ?? 0 }, expect: 'refuse' })),
  },
  'POST /api/parcels/{id}/waive-fee': { role: 'staff', foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/waive-fee`, expect: 'refuse' })) },
  'POST /api/parcels/receive': {
    role: 'staff',
    foreign: (s) => [{ url: '/api/parcels/receive', json: { ids: s.parcels.map((p) => p.id), damaged: true }, expect: 'batch' }],
  },
  'POST /api/parcels/reject': {
    role: 'staff',
    foreign: (s) => [{ url: '/api/parcels/reject', json: { ids: s.parcels.map((p) => p.id), reason: '偷拒' }, expect: 'batch' }],
  },
  'GET /api/communities/{id}/shelves': {
    role: 'staff',
    foreign: (s) => s.communities.map((c) => ({ url: `/api/communities/${c.id}/shelves`, expect: 'refuse' })),
  },
  'POST /api/communities/{id}/shelves': {
    role: 'staff',
    foreign: (s) => s.communities.map((c) => ({ url: `/api/communities/${c.id}/shelves`, json: { code: 'Z9', layers: 1, capacity: 1 }, expect: 'refuse' })),
  },
  'PATCH /api/shelves/{id}': {
    role: 'staff',
    foreign: (s) => s.shelves.map((x) => ({ url: `/api/shelves/${x.id}`, json: { code: 'Z8', capacity: 1 }, expect: 'refuse' })),
  },
  'DELETE /api/shelves/{id}': { role: 'staff', foreign: (s) => s.shelves.map((x) => ({ url: `/api/shelves/${x.id}`, expect: 'refuse' })) },
  'GET /api/parcels/lookup': {
    role: 'staff',
    foreign: (s) =>
      s.communities.flatMap((c) => [
        { url: `/api/parcels/lookup?communityId=${c.id}&trackingNo=${s.parcels[0]!.trackingNo}`, expect: 'refuse' as const },
        { url: `/api/parcels/lookup?communityId=${c.id}&phoneTail=${s.residentPhone.slice(-4)}`, expect: 'refuse' as const },
      ]),
  },
  'POST /api/parcels/desk-intake': {
    role: 'staff',
    foreign: (s, a) => [
      ...s.communities.map((c) => ({
        url: '/api/parcels/desk-intake',
        json: { communityId: c.id, trackingNo: trackingNo(), recipientPhone: s.residentPhone, carrier: '中通' },
        headers: idem(),
        expect: 'refuse' as const,
      })),
      // Into the actor's own community, onto their shelf or with their courier: refused as not of that community.
      ...s.shelves.map((x) => ({
        url: '/api/parcels/desk-intake',
        json: { communityId: a.own.communityId, trackingNo: trackingNo(), recipientPhone: randomMobile(), carrier: '中通', shelfId: x.id },
        headers: idem(),
        expect: 'refuse' as const,
        refuseWith: [400],
      })),
      ...s.courierRecords.map((k) => ({
        url: '/api/parcels/desk-intake',
        json: { communityId: a.own.communityId, trackingNo: trackingNo(), recipientPhone: randomMobile(), courierId: k.id },
        headers: idem(),
        expect: 'refuse' as const,
        refuseWith: [400],
      })),
    ],
  },
  'POST /api/parcels/{id}/move': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/move`, json: { shelfId: s.shelves[0]!.id }, expect: 'refuse' })),
  },
  'GET /api/parcels/checkout': {
    role: 'staff',
    foreign: (s) =>
      s.communities.flatMap((c) => [
        ...s.parcels
          .filter((p) => p.pickupCode)
          .map((p) => ({ url: `/api/parcels/checkout?communityId=${c.id}&key=${p.pickupCode}`, expect: 'refuse' as const })),
        { url: `/api/parcels/checkout?communityId=${c.id}&key=${s.residentPhone.slice(-4)}`, expect: 'refuse' as const },
      ]),
  },
  'POST /api/parcels/pickup': {
    role: 'staff',
    foreign: (s) => {
      const waiting = s.parcels.filter((p) => p.pickupCode);
      return [
        {
          url: '/api/parcels/pickup',
          json: { ids: waiting.map((p) => p.id), totalFeeFen: waiting.reduce((a, p) => a + (s.feeOf.get(p.id) ?? 0), 0), code: waiting[0]?.pickupCode ?? '' },
          expect: 'batch',
        },
      ];
    },
  },
  'GET /api/courier/communities': { role: 'courier', own: () => [{ url: '/api/courier/communities', expect: 'own' }] },
  'POST /api/courier/parcels': {
    role: 'courier',
    foreign: (s) =>
      s.communities.map((c) => ({
        url: '/api/courier/parcels',
        json: { communityId: c.id, trackingNo: trackingNo(), recipientPhone: s.residentPhone, recipientName: '潜入' },
        headers: idem(),
        expect: 'refuse',
        refuseWith: [403], // not_your_community
      })),
  },
  'GET /api/courier/parcels': { role: 'courier', own: () => [{ url: '/api/courier/parcels?pageSize=200', expect: 'own' }] },
  'GET /api/courier/recipient': {
    role: 'courier',
    foreign: (s) =>
      s.communities.map((c) => ({ url: `/api/courier/recipient?communityId=${c.id}&phone=${s.residentPhone}`, expect: 'refuse', refuseWith: [403] })),
  },
  'GET /api/resident/parcels': { role: 'resident', own: () => [{ url: '/api/resident/parcels?pageSize=200', expect: 'own' }] },
  // 收件偏好: one's own communities only (another's is 404); the console's history and export of its own residents and parcels.
  'GET /api/resident/preferences': { role: 'resident', own: () => [{ url: '/api/resident/preferences', expect: 'own' }] },
  // A resident's communities are those with a parcel or a home of the phone, in any org (the other
  // side's communities hold parcels to this phone here: its own to choose in); test/preferences.test.ts
  // refuses the others with 404.
  'PUT /api/resident/preferences': {
    role: 'resident',
    own: (a) => [{ url: '/api/resident/preferences', json: { communityId: a.own.communityId, mode: 'collect' }, expect: 'own' }],
  },
  'GET /api/residents/{id}/preference-history': {
    role: 'staff',
    foreign: (s) => s.residents.map((r) => ({ url: `/api/residents/${r.id}/preference-history`, expect: 'refuse' })),
  },
  'GET /api/preferences/export': {
    role: 'staff',
    own: () => [{ url: '/api/preferences/export?from=2026-01-01&to=2026-01-31&format=csv', expect: 'own' }],
    foreign: (s) =>
      s.communities.map((c) => ({ url: `/api/preferences/export?from=2026-01-01&to=2026-01-31&communityId=${c.id}&format=csv`, expect: 'refuse' })),
  },
  'POST /api/parcels/{id}/door-delivery': {
    role: 'staff',
    foreign: (s) => s.parcels.map((p) => ({ url: `/api/parcels/${p.id}/door-delivery`, expect: 'refuse' })),
  },
  'GET /api/courier/preference': {
    role: 'courier',
    foreign: (s) =>
      s.communities.map((c) => ({ url: `/api/courier/preference?communityId=${c.id}&phone=${s.residentPhone}`, expect: 'refuse', refuseWith: [403] })),
  },
  // 数据看板: the caller's org (a clerk: their communities); another's community is 404.
  ...Object.fromEntries(
    ['summary', 'daily', 'by-courier', 'by-carrier', 'by-community'].map((call) => [
      `GET /api/stats/${call}`,
      {
        role: 'staff',
        own: () => [{ url: `/api/stats/${call}`, expect: 'own' }],
        foreign: (s: Slice) => s.communities.map((c) => ({ url: `/api/stats/${call}?communityId=${c.id}`, expect: 'refuse' })),
      } satisfies RouteSpec,
    ]),
  ),
  'GET /api/stats/daily/export': {
    role: 'staff',
    own: () => [{ url: '/api/stats/daily/export?format=csv', expect: 'own' }],
    foreign: (s) => s.communities.map((c) => ({ url: `/api/stats/daily/export?communityId=${c.id}&format=csv`, expect: 'refuse' })),
  },
  // 操作日志: an admin's own org's rows only, whatever record of the other side the filter names.
  'GET /api/audit': {
    role: 'admin',
    own: () => [{ url: '/api/audit?pageSize=200', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/audit',
        [...s.parcels.map((p) => `entity=parcel&entityId=${p.id}`), ...s.courierRecords.map((c) => `entity=courier&entityId=${c.id}`)],
        'list',
      ),
  },
  'GET /api/audit/export': {
    role: 'admin',
    own: () => [{ url: '/api/audit/export?format=csv', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/audit/export',
        s.parcels.map((p) => `entity=parcel&entityId=${p.id}&format=csv`),
        'export',
      ),
  },
  'GET /api/notifications': {
    role: 'admin',
    own: () => [
      { url: '/api/notifications?pageSize=200', expect: 'own' },
      { url: '/api/notifications?status=failed', expect: 'own' },
    ],
  },
  'POST /api/notifications/{id}/retry': {
    role: 'admin',
    foreign: (s) => s.outboxIds.map((id) => ({ url: `/api/notifications/${id}/retry`, expect: 'refuse' })),
  },
  // 开放接口: keys and webhooks are the admin's, of their own org.
  'POST /api/integrations/keys': {
    role: 'admin',
    own: () => [{ url: '/api/integrations/keys', json: { name: uniq('key'), scopes: ['parcels:read'] }, expect: 'own' }],
  },
  'GET /api/integrations/keys': { role: 'admin', own: () => [{ url: '/api/integrations/keys', expect: 'own' }] },
  'DELETE /api/integrations/keys/{id}': { role: 'admin', foreign: (s) => s.apiKeyIds.map((id) => ({ url: `/api/integrations/keys/${id}`, expect: 'refuse' })) },
  'POST /api/webhooks': {
    role: 'admin',
    own: () => [{ url: '/api/webhooks', json: { url: 'https://93.184.216.34/own', events: ['parcel.picked_up'] }, expect: 'own' }],
    // Their key for one's own webhook: not found (a validation error naming apiKeyId).
    foreign: (s) =>
      s.apiKeyIds.map((id) => ({
        url: '/api/webhooks',
        json: { url: 'https://93.184.216.34/x', events: ['parcel.received'], apiKeyId: id },
        expect: 'refuse',
        refuseWith: [400],
      })),
  },
  'GET /api/webhooks': { role: 'admin', own: () => [{ url: '/api/webhooks', expect: 'own' }] },
  'DELETE /api/webhooks/{id}': { role: 'admin', foreign: (s) => s.webhookIds.map((id) => ({ url: `/api/webhooks/${id}`, expect: 'refuse' })) },
  'GET /api/webhooks/{id}/deliveries': {
    role: 'admin',
    foreign: (s) => s.webhookIds.map((id) => ({ url: `/api/webhooks/${id}/deliveries`, expect: 'refuse' })),
  },
  'GET /api/webhooks/{id}/deliveries/{deliveryId}/attempts': {
    role: 'admin',
    foreign: (s) => s.deliveries.map((d) => ({ url: `/api/webhooks/${d.webhookId}/deliveries/${d.id}/attempts`, expect: 'refuse' })),
  },
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/resend': {
    role: 'admin',
    foreign: (s) => s.deliveries.map((d) => ({ url: `/api/webhooks/${d.webhookId}/deliveries/${d.id}/resend`, expect: 'refuse' })),
  },
  // The open API takes a key, never a session: every actor here is refused (test/open-api.test.ts checks the keys).
  'POST /api/open/v1/pre-advice': {
    role: 'api_key',
    foreign: (s) =>
      s.communities.map((c) => ({
        url: '/api/open/v1/pre-advice',
        json: { items: [{ communityId: c.id, trackingNo: trackingNo(), recipientPhone: randomMobile() }] },
        expect: 'refuse',
      })),
  },
  // A phone of the other side, hashed without a salt: the key's org has no such row.
  'GET /api/open/v1/preferences': {
    role: 'api_key',
    foreign: (s) => [{ url: `/api/open/v1/preferences?phoneHash=${createHash('sha256').update(s.residentPhone).digest('hex')}`, expect: 'list' }],
  },
  'GET /api/open/v1/parcels': {
    role: 'api_key',
    foreign: (s) => s.parcels.slice(0, 2).map((p) => ({ url: `/api/open/v1/parcels?trackingNo=${p.trackingNo}`, expect: 'refuse' })),
  },
  'GET /api/courier/pre-advice': {
    role: 'courier',
    foreign: (s) =>
      s.advisedTrackingNo
        ? s.communities.map((c) => ({
            url: `/api/courier/pre-advice?communityId=${c.id}&trackingNo=${s.advisedTrackingNo}`,
            expect: 'refuse',
            refuseWith: [403],
          }))
        : [],
  },
  'GET /api/wechat/authorize': { role: 'wechat', own: () => [{ url: '/api/wechat/authorize?next=%2Fresident%2F', expect: 'own' }] },
  'GET /api/wechat/callback': { role: 'wechat', own: () => [{ url: '/api/wechat/callback?state=abc&next=%2Fresident%2F', expect: 'own' }] },
  // The console provider's inbox: every SMS "sent" (sign-in codes, pickup codes, phones), to anyone,
  // by design, so that developers and tests can sign in. It exists only with SMS_PROVIDER=console
  // outside production (checked below); it is called here so that it is counted, not leak-checked.
  // 支付, 送货上门, 代寄 (SPEC §16): another's parcel, request, order or payment is not found.
  'POST /api/resident/parcels/{id}/pay-fee': {
    role: 'resident',
    foreign: (s) =>
      s.parcels
        .filter((p) => !p.recipientPhone.endsWith(s.residentPhone.slice(-4)))
        .map((p) => ({ url: `/api/resident/parcels/${p.id}/pay-fee`, expect: 'refuse' })),
  },
  'GET /api/resident/payments/{id}': {
    role: 'resident',
    foreign: (s) => s.paymentIds.map((id) => ({ url: `/api/resident/payments/${id}`, expect: 'refuse' })),
  },
  'POST /api/resident/deliveries': {
    role: 'resident',
    foreign: (s) =>
      s.parcels
        .filter((p) => !p.recipientPhone.endsWith(s.residentPhone.slice(-4)))
        .map((p) => ({ url: '/api/resident/deliveries', json: { parcelIds: [p.id] }, expect: 'refuse' })),
  },
  'GET /api/resident/communities': { role: 'resident', own: () => [{ url: '/api/resident/communities', expect: 'own' }] },
  'GET /api/resident/deliveries': { role: 'resident', own: () => [{ url: '/api/resident/deliveries', expect: 'own' }] },
  'POST /api/resident/deliveries/{id}/pay': {
    role: 'resident',
    foreign: (s) => s.homeDeliveryIds.map((id) => ({ url: `/api/resident/deliveries/${id}/pay`, expect: 'refuse' })),
  },
  'POST /api/resident/deliveries/{id}/cancel': {
    role: 'resident',
    foreign: (s) => s.homeDeliveryIds.map((id) => ({ url: `/api/resident/deliveries/${id}/cancel`, expect: 'refuse' })),
  },
  // A resident may send from any community's desk: only their own order is made.
  'POST /api/resident/shipments': {
    role: 'resident',
    own: (a) => [
      {
        url: '/api/resident/shipments',
        json: { communityId: a.own.communityId, receiver: { name: '王五', phone: randomMobile(), address: '广州市天河区1号' }, item: '衣服' },
        expect: 'own',
      },
    ],
  },
  'GET /api/resident/shipments': { role: 'resident', own: () => [{ url: '/api/resident/shipments', expect: 'own' }] },
  'POST /api/resident/shipments/{id}/pay': {
    role: 'resident',
    foreign: (s) => s.shipmentIds.map((id) => ({ url: `/api/resident/shipments/${id}/pay`, expect: 'refuse' })),
  },
  'POST /api/resident/shipments/{id}/cancel': {
    role: 'resident',
    foreign: (s) => s.shipmentIds.map((id) => ({ url: `/api/resident/shipments/${id}/cancel`, expect: 'refuse' })),
  },
  'GET /api/deliveries': {
    role: 'staff',
    own: () => [{ url: '/api/deliveries', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/deliveries',
        s.communities.map((c) => `communityId=${c.id}`),
        'list',
      ),
  },
  'POST /api/deliveries/{id}/dispatch': {
    role: 'staff',
    foreign: (s, a) => s.homeDeliveryIds.map((id) => ({ url: `/api/deliveries/${id}/dispatch`, json: { staffId: a.own.orgId }, expect: 'refuse' })),
  },
  'POST /api/deliveries/{id}/delivered': {
    role: 'staff',
    foreign: (s) => s.homeDeliveryIds.map((id) => ({ url: `/api/deliveries/${id}/delivered`, expect: 'refuse' })),
  },
  'GET /api/shipments': {
    role: 'staff',
    own: () => [{ url: '/api/shipments', expect: 'own' }],
    foreign: (s) =>
      listOf(
        '/api/shipments',
        s.communities.map((c) => `communityId=${c.id}`),
        'list',
      ),
  },
  'POST /api/shipments/{id}/quote': {
    role: 'staff',
    foreign: (s) => s.shipmentIds.map((id) => ({ url: `/api/shipments/${id}/quote`, json: { weightGrams: 100, priceFen: 1 }, expect: 'refuse' })),
  },
  'POST /api/shipments/{id}/handover': {
    role: 'staff',
    foreign: (s) => s.shipmentIds.map((id) => ({ url: `/api/shipments/${id}/handover`, json: { trackingNo: trackingNo() }, expect: 'refuse' })),
  },
  // WeChat Pay's notice: nothing without a signature that checks out (the console provider has none).
  'POST /api/payments/wechat/notify': {
    role: 'public',
    own: () => [{ url: '/api/payments/wechat/notify', json: { id: 'EV-1', event_type: 'TRANSACTION.SUCCESS' }, expect: 'refuse', refuseWith: [401] }],
  },
  // The console provider's 支付成功 (never in production, below): an order that does not exist.
  'POST /api/dev/payments/{id}/succeed': {
    role: 'dev',
    own: () => [{ url: '/api/dev/payments/987654321/succeed', expect: 'refuse', refuseWith: [404] }],
  },
  'GET /api/dev/messages': { role: 'dev', foreign: (s) => [{ url: `/api/dev/messages?to=${s.residentPhone}`, expect: 'dev' }] },
};

function parcelFilters(s: Slice): string[] {
  const awaiting = s.parcels.find((p) => p.status === 'awaiting_pickup');
  return [
    ...s.communities.map((c) => `communityId=${c.id}`),
    ...s.courierRecords.map((k) => `courierId=${k.id}`),
    `q=${s.parcels[0]!.trackingNo}`,
    `q=${s.residentPhone}`,
    `q=${encodeURIComponent(s.residents[0]!.name)}`,
    ...(awaiting?.pickupCode ? [`q=${awaiting.pickupCode}`] : []),
    `status=awaiting_pickup&communityId=${s.communities[0]!.id}`,
  ];
}

function hasRole(kind: Kind, role: Role): boolean {
  switch (role) {
    case 'public':
    case 'dev':
      return true;
    case 'session':
      return kind !== 'none';
    case 'staff':
      return kind === 'admin' || kind === 'clerk';
    case 'admin':
      return kind === 'admin';
    case 'courier':
      return kind === 'courier';
    case 'resident':
      return kind === 'resident';
    case 'operator':
    case 'wechat':
    case 'api_key':
      return false;
  }
}

/** The one status a plain call answers to an actor without the route's role. */
function refusalWithoutRole(kind: Kind, role: Role): number {
  // A courier or resident meets wechat_unavailable (the console provider has no WeChat); anyone else is not signed in as one.
  if (role === 'wechat') return kind === 'courier' || kind === 'resident' ? 404 : 401;
  if (role === 'admin' && kind === 'clerk') return 403;
  return 401;
}

// ---------------------------------------------------------------------------------------------
// Calling and checking
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  text: string;
  json: unknown;
}

/** A request as the client, keeping its session cookie up to date; a spreadsheet answer is read as text. */
async function send(
  c: Client,
  method: Method,
  url: string,
  v: { json?: Record<string, unknown>; csv?: string; fields?: Record<string, string>; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { ...(c.cookie ? { cookie: `sid=${c.cookie}` } : {}), ...v.headers };
  let payload: string | Buffer | undefined;
  if (v.csv !== undefined) {
    const boundary = `----matrix${randomBytes(8).toString('hex')}`;
    const parts = Object.entries(v.fields ?? {}).map(([k, val]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${val}\r\n`);
    payload = Buffer.concat([
      Buffer.from(parts.join('')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="matrix.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from(v.csv),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
  } else if (v.json !== undefined) {
    payload = JSON.stringify(v.json);
    headers['content-type'] = 'application/json';
  }
  const res = await t.app.inject({ method, url, remoteAddress: c.ip, headers, ...(payload !== undefined ? { payload } : {}) });
  const sid = res.cookies.find((k) => k.name === 'sid');
  if (sid) c.cookie = sid.value === '' ? undefined : sid.value;
  const type = String(res.headers['content-type'] ?? '');
  let text = res.body;
  if (type.includes('spreadsheetml') && res.statusCode === 200) {
    const wb = await loadXlsx(res.rawPayload);
    text = JSON.stringify(wb.worksheets.map((ws) => [ws.name, sheetRows(ws)]));
  }
  let json: unknown;
  if (type.includes('json') && res.body) json = JSON.parse(res.body);
  return { status: res.statusCode, text, json };
}

/**
 * The extra fields merged into every body (or query): the other side's org, a parcel status, a fee
 * and a role. The server's bodies and queries are strict objects, so today each is a 400 naming the
 * field; a looser schema would have to ignore them (the checks allow either).
 */
const extrasFor = (s: Slice | undefined, a: Actor) => ({ orgId: s?.orgId ?? a.own.orgId + 1_000, status: 'picked_up', feeFen: 0, role: 'admin' });

/** The matrix's tally, over all its tests. */
const tally = { requests: 0, covered: new Set<string>(), byStatus: new Map<number, number>() };
/**
 * Everything the matrix's callers sent so far: 操作日志 repeats what an org's own people typed (an
 * export's search text, masked digits aside), which is no leak of the other side.
 */
let sentSoFar = '';

/**
 * Calls every route as the actor: its own calls, then its calls naming each target's records, each
 * plainly and with the extra fields. Returns what went wrong, one line each.
 */
async function runMatrix(actor: Actor): Promise<string[]> {
  const failures: string[] = [];
  const routes = Object.entries(ROUTES);
  // Signing out ends the session: that route goes last.
  routes.sort(([a], [b]) => Number(a === 'POST /api/auth/logout') - Number(b === 'POST /api/auth/logout'));

  for (const [key, spec] of routes) {
    const method = key.split(' ')[0] as Method;
    const calls: { v: Variant; slice: Slice | undefined; once?: true }[] = [
      ...(spec.own?.(actor) ?? []).map((v) => ({ v, slice: undefined })),
      ...actor.targets.flatMap((slice) => (spec.foreign?.(slice, actor) ?? []).map((v) => ({ v, slice }))),
      ...(actor.uploads === false ? [] : (spec.combined?.(actor.targets) ?? [])).map((v) => ({ v, slice: actor.targets[0], once: true as const })),
    ];
    for (const { v, slice, once } of calls) {
      for (const withExtras of once ? [true] : [false, true]) {
        const extras = extrasFor(slice, actor);
        let url = v.url;
        let json = v.json;
        let fields: Record<string, string> | undefined;
        if (withExtras) {
          if (v.csv !== undefined) fields = Object.fromEntries(Object.entries(extras).map(([k, x]) => [k, String(x)]));
          else if (method === 'GET' || method === 'DELETE')
            url += `${url.includes('?') ? '&' : '?'}${new URLSearchParams(Object.entries(extras).map(([k, x]) => [k, String(x)]))}`;
          else json = { ...extras, ...v.json }; // a field the route takes keeps its value
        }
        // The sign-in codes are guessed fresh: each wrong try is a real wrong try.
        if (json && 'code' in json && json.code === '') json = { ...json, code: await wrongCode(String(json.phone)) };
        const who = v.expect === 'logout' ? actor.spare : actor.client;
        const r = await send(who, method, url, { json, csv: v.csv, fields, headers: v.headers });
        tally.requests++;
        sentSoFar += ` ${decodeURIComponent(url)} ${JSON.stringify(json ?? {})} ${v.csv ?? ''}`;
        tally.covered.add(key);
        tally.byStatus.set(r.status, (tally.byStatus.get(r.status) ?? 0) + 1);
        const label = `${actor.name}${slice ? ` → ${slice.label}` : ''}: ${method} ${url}${json ? ` ${JSON.stringify(json).slice(0, 160)}` : ''}${withExtras ? ' (+extras)' : ''} → ${r.status} ${r.text.slice(0, 200)}`;
        const problem = judge(actor, spec, v, r, withExtras);
        if (problem) failures.push(`${problem}: ${label}`);

        // Nothing of the other side in any answer (the dev inbox aside, see above). A refusal or an
        // import report may repeat what the caller sent; that is not a leak.
        if (v.expect !== 'dev') {
          const sent = `${decodeURIComponent(url)} ${JSON.stringify(json ?? {})} ${v.csv ?? ''}`;
          const echoOk = r.status >= 400 || v.expect === 'import';
          const trail = url.startsWith('/api/audit');
          for (const s of actor.secrets) {
            if (echoOk && found(s, sent)) continue;
            if (trail && found(s, sentSoFar)) continue;
            if (found(s, r.text)) failures.push(`leaked ${s.what} ${s.text}: ${label}`);
          }
        }
      }
    }
  }
  return failures;
}

/** Why an answer is wrong, or null. */
function judge(actor: Actor, spec: RouteSpec, v: Variant, r: Answer, withExtras: boolean): string | null {
  if (r.status >= 500) return 'server error';
  const ok2xx = r.status >= 200 && r.status < 300;
  if (!ok2xx && !REFUSALS.has(r.status)) return `unexpected status ${r.status}`;
  const body = r.json as Record<string, unknown> | undefined;

  if (v.expect === 'dev') return r.status === 200 || (withExtras && r.status === 400) ? null : 'the dev inbox should answer 200 in tests';
  if (v.expect === 'logout') return r.status === 204 ? null : 'sign-out should answer 204';
  if (v.expect === 'otp') {
    if (r.status === 204) return r.text === '' ? null : 'an sms code request answered a body';
    return r.status === 429 || (withExtras && r.status === 400) ? null : 'an sms code request gave neither 204 nor 429';
  }

  if (!hasRole(actor.kind, spec.role)) {
    if (ok2xx) return 'accepted without the role';
    if (!withExtras && r.status !== refusalWithoutRole(actor.kind, spec.role)) return `expected ${refusalWithoutRole(actor.kind, spec.role)} without the role`;
    return null;
  }

  if (v.expect === 'own') {
    // Signed-in staff stay in their org and role, whatever the query says (?orgId=…&role=admin).
    if (ok2xx && body && 'kind' in body && body.kind === 'staff') {
      const me = body as unknown as StaffMe;
      if (me.staff.orgId !== actor.own.orgId || me.staff.role !== actor.kind) return '/api/me shows another org or role';
    }
    if (withExtras) return ok2xx || r.status === 400 ? null : 'extra fields should be refused (400) or ignored';
    return ok2xx ? null : 'an own call should succeed';
  }

  if (v.expect === 'refuse') {
    if (ok2xx) return 'accepted on a record not theirs';
    if (!withExtras && !(v.refuseWith ?? [403, 404]).includes(r.status)) return `expected ${(v.refuseWith ?? [403, 404]).join('/')}`;
    return null;
  }

  // The routes that answer 200 with nothing (or 400 for the extra fields in a strict query).
  if (!ok2xx) return withExtras && r.status === 400 ? null : 'a filter, batch or upload about their records should answer 200 with nothing';
  switch (v.expect) {
    case 'list': {
      const page = body as unknown as Page<unknown>;
      return page.items.length === 0 && page.total === 0 ? null : 'a filter by their records found something';
    }
    case 'counts':
      return (body as { all: number }).all === 0 ? null : 'counts of their community are not zero';
    case 'batch': {
      const b = body as unknown as BatchResult;
      return b.done.length === 0 && b.failed.every((f) => f.error === 'not_found') ? null : 'a batch moved their parcels';
    }
    case 'import': {
      const b = body as { created: number; updated: number };
      return b.created === 0 && b.updated === 0 ? null : 'an upload wrote into their community';
    }
    case 'export':
      return null; // the leak check reads the whole file
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// What must not change
// ---------------------------------------------------------------------------------------------

/** Every row of an org (or of one community of it), as the database holds it. */
async function snapshot(orgId: number, communityId?: number) {
  const db = t.database.db;
  const inCommunity = communityId !== undefined;
  const cid = communityId ?? 0;
  const communities = await db
    .selectFrom('communities')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('id', '=', cid))
    .orderBy('id')
    .execute();
  const shelves = await db
    .selectFrom('shelves')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('community_id', '=', cid))
    .orderBy('id')
    .execute();
  const couriers = await db
    .selectFrom('couriers')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('community_id', '=', cid))
    .orderBy('id')
    .execute();
  const residents = await db
    .selectFrom('residents')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('community_id', '=', cid))
    .orderBy('id')
    .execute();
  const parcels = await db
    .selectFrom('parcels')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('community_id', '=', cid))
    .orderBy('id')
    .execute();
  const parcelIds = parcels.map((p) => p.id);
  const events = parcelIds.length ? await db.selectFrom('parcel_events').selectAll().where('parcel_id', 'in', parcelIds).orderBy('id').execute() : [];
  const outbox = await db
    .selectFrom('outbox')
    .selectAll()
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('parcel_id', 'in', parcelIds.length ? parcelIds : [-1]))
    .orderBy('id')
    .execute();
  const counts = await db
    .selectFrom('parcel_counts')
    .select(['community_id', 'status', sql<string>`cast(sum(n) as text)`.as('n')])
    .where('org_id', '=', orgId)
    .$if(inCommunity, (q) => q.where('community_id', '=', cid))
    .groupBy(['community_id', 'status'])
    .orderBy('community_id')
    .orderBy('status')
    .execute();
  const whole = inCommunity
    ? {}
    : {
        org: await db.selectFrom('orgs').selectAll().where('id', '=', orgId).execute(),
        staff: await db.selectFrom('staff').selectAll().where('org_id', '=', orgId).orderBy('id').execute(),
        staffCommunities: await db
          .selectFrom('staff_communities')
          .innerJoin('staff', 'staff.id', 'staff_communities.staff_id')
          .select(['staff_communities.staff_id', 'staff_communities.community_id'])
          .where('staff.org_id', '=', orgId)
          .orderBy('staff_communities.staff_id')
          .orderBy('staff_communities.community_id')
          .execute(),
      };
  const phones = [...couriers.map((c) => c.phone), ...residents.map((r) => r.phone)];
  const accounts = await db
    .selectFrom('courier_accounts')
    .selectAll()
    .where('phone', 'in', phones.length ? phones : ['-'])
    .orderBy('id')
    .execute();
  const wechat = await db
    .selectFrom('wechat_bindings')
    .selectAll()
    .where('phone', 'in', phones.length ? phones : ['-'])
    .orderBy('phone')
    .execute();
  return { ...whole, communities, shelves, couriers, residents, parcels, events, outbox, counts, accounts, wechat };
}

const orgCount = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('orgs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

let A: Org;
let B: Org;
/** The client of A's first courier and resident kept signed in through the matrix. */
let residentA: Client;
let residentB: Client;
/** Second sessions (signed out by the matrix). */
const spares = {} as Record<'aAdmin' | 'aClerk' | 'aCourier' | 'aResident' | 'bAdmin', Client>;

async function relogin(o: Org) {
  o.admin = await staffLogin(t.app, o.adminUsername, 'admin-pass-123');
  o.clerk1.client = await staffLogin(t.app, o.clerk1.username, 'clerk-pass-123');
  o.clerk2.client = await staffLogin(t.app, o.clerk2.username, 'clerk-pass-123');
}

async function signedIn(c: Client, who: string) {
  const r = await send(c, 'GET', '/api/me', {});
  if (r.status !== 200) throw new Error(`${who} was signed out: ${r.status} ${r.text}`);
}

describe('access matrix over every route of /openapi.json', () => {
  it('builds two orgs with parcels in every state', async () => {
    A = await buildOrg();
    B = await buildOrg();
    // Two days on: the parcels awaiting pickup owe a fee (a waiver or a 领取 at a price would change
    // something). Staff sessions last 12 hours, so staff sign in again; each phone's next sms code
    // waits a minute.
    t.clock.advance(2 * DAY + 60_000);
    await relogin(A);
    await relogin(B);
    spares.aAdmin = await staffLogin(t.app, A.adminUsername, 'admin-pass-123');
    spares.aClerk = await staffLogin(t.app, A.clerk2.username, 'clerk-pass-123');
    spares.bAdmin = await staffLogin(t.app, B.adminUsername, 'admin-pass-123');
    spares.aCourier = await courierLogin(t.app, A.k1.phone);
    residentA = await residentLogin(t.app, A.r1.phone);
    residentB = await residentLogin(t.app, B.r1.phone);
    t.clock.advance(61_000);
    spares.aResident = await residentLogin(t.app, A.r1.phone);
    const awaiting = expectStatus(await B.admin.get<ParcelDetail>(`/api/parcels/${B.parcels1.awaiting.id}`), 200);
    expect(awaiting.feeFen).toBeGreaterThan(0);
  });

  it("A's admin, A's clerk of the other community, A's courier and resident, and no session: nothing of B (nor of A's community 1 for the clerk) leaks or changes", async () => {
    const b = await wholeOrg(B);
    const a = await wholeOrg(A);
    const a1 = await oneCommunity(A, 1);
    const a2 = await oneCommunity(A, 2);
    const ownA1 = { orgId: A.org.id, communityId: A.c1.id, courierRecordId: A.rec1.id, residentId: A.r1.id };
    const actors: Actor[] = [
      { name: 'A admin', kind: 'admin', client: A.admin, spare: spares.aAdmin, targets: [b], secrets: b.secrets, own: ownA1 },
      {
        name: 'A clerk of community 2',
        kind: 'clerk',
        client: A.clerk2.client,
        spare: spares.aClerk,
        targets: [b, a1],
        secrets: [...b.secrets, ...a1.secrets],
        own: { orgId: A.org.id, communityId: A.c2.id, courierRecordId: A.rec2.id, residentId: A.r2.id },
      },
      // A's courier delivers to community 1 only: community 2 is as foreign to the courier app as B.
      { name: 'A courier', kind: 'courier', client: A.courier1, spare: spares.aCourier, targets: [b, a2], secrets: [...b.secrets, ...a2.secrets], own: ownA1 },
      { name: 'A resident', kind: 'resident', client: residentA, spare: spares.aResident, targets: [b, a], secrets: b.secrets, own: ownA1 },
      {
        name: 'no session',
        kind: 'none',
        client: new Client(t.app),
        spare: new Client(t.app),
        targets: [b, a],
        secrets: [...b.secrets, ...a.secrets],
        own: ownA1,
      },
    ];

    const before = { b: await snapshot(B.org.id), a1: await snapshot(A.org.id, A.c1.id), orgs: await orgCount() };
    const failures: string[] = [];
    for (const actor of actors) failures.push(...(await runMatrix(actor)));
    expect(failures).toEqual([]);
    expect(await snapshot(B.org.id)).toEqual(before.b);
    expect(await snapshot(A.org.id, A.c1.id)).toEqual(before.a1);
    expect(await orgCount()).toBe(before.orgs); // the operator route made no org

    // Each actor's sign-out ended its second session only; B's sessions all still work.
    for (const actor of actors.filter((x) => x.kind !== 'none')) {
      expect((await send(actor.spare, 'GET', '/api/me', {})).status).toBe(401);
      await signedIn(actor.client, actor.name);
    }
    for (const [c, who] of [
      [B.admin, 'B admin'],
      [B.clerk1.client, 'B clerk 1'],
      [B.clerk2.client, 'B clerk 2'],
      [B.courier1, 'B courier'],
      [residentB, 'B resident'],
    ] as const) {
      await signedIn(c, who);
    }
    // B's admin still signs in with the old password (no lockout from A's wrong tries, no new password).
    B.admin = await staffLogin(t.app, B.adminUsername, 'admin-pass-123');
  });

  it("B's admin: nothing of A leaks or changes", async () => {
    const a = await wholeOrg(A);
    const actor: Actor = {
      name: 'B admin',
      kind: 'admin',
      client: B.admin,
      spare: spares.bAdmin,
      targets: [a],
      secrets: a.secrets,
      own: { orgId: B.org.id, communityId: B.c1.id, courierRecordId: B.rec1.id, residentId: B.r1.id },
      // An upload naming A's communities takes the path A's admin's uploads naming B's took.
      uploads: false,
    };
    const before = await snapshot(A.org.id);
    expect(await runMatrix(actor)).toEqual([]);
    expect(await snapshot(A.org.id)).toEqual(before);
    await signedIn(A.admin, 'A admin');
    await signedIn(B.admin, 'B admin');
  });

  it('orgId, status, feeFen and role in a body are refused or ignored on one’s own records too', async () => {
    const db = t.database.db;
    const extras = { orgId: B.org.id, status: 'picked_up', feeFen: 0, role: 'admin' };
    const bBefore = await snapshot(B.org.id);
    /** 400 naming the unknown field, or accepted with the field without effect (checked by `ignored`). */
    const refusedOrIgnored = async (r: { status: number; body: unknown }, ignored: () => Promise<void>, unchanged: () => Promise<void>) => {
      tally.requests++;
      if (r.status === 400) {
        expect(r.body).toMatchObject({ error: 'validation_error' });
        expect(JSON.stringify(r.body)).toMatch(/orgId|status|feeFen|role/);
        await unchanged();
      } else {
        expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(200);
        expect(r.status).toBeLessThan(300);
        await ignored();
      }
    };
    const communityRow = (id: number) => db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    // The admin's community with B's orgId: not moved, fee untouched on a refusal.
    const c1 = await communityRow(A.c1.id);
    await refusedOrIgnored(
      await A.admin.patch(`/api/communities/${A.c1.id}`, { feeRateFen: 300, ...extras }),
      async () => expect((await communityRow(A.c1.id)).org_id).toBe(A.org.id),
      async () => expect(await communityRow(A.c1.id)).toEqual(c1),
    );
    expectStatus(await B.admin.get(`/api/communities/${A.c1.id}`), 404);

    // New records with B's orgId are made in A or not at all.
    const name = uniq('小区');
    await refusedOrIgnored(
      await A.admin.post('/api/communities', { name, ...extras }),
      async () => expect((await db.selectFrom('communities').select('org_id').where('name', '=', name).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => expect(await db.selectFrom('communities').select('id').where('name', '=', name).execute()).toEqual([]),
    );
    const phone = randomMobile();
    await refusedOrIgnored(
      await A.admin.post('/api/couriers', { communityId: A.c1.id, name: '新快递员', phone, carrier: '百世', ...extras }),
      async () => expect((await db.selectFrom('couriers').select('org_id').where('phone', '=', phone).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => expect(await db.selectFrom('couriers').select('id').where('phone', '=', phone).execute()).toEqual([]),
    );
    await refusedOrIgnored(
      await A.admin.post('/api/residents', { communityId: A.c1.id, name: '新住户', phone, building: '1', unit: '1', room: '1', ...extras }),
      async () => expect((await db.selectFrom('residents').select('org_id').where('phone', '=', phone).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => expect(await db.selectFrom('residents').select('id').where('phone', '=', phone).execute()).toEqual([]),
    );
    const rec = await db.selectFrom('couriers').selectAll().where('id', '=', A.rec1.id).executeTakeFirstOrThrow();
    await refusedOrIgnored(
      await A.admin.patch(`/api/couriers/${A.rec1.id}`, { name: '改名', ...extras }),
      async () => expect((await db.selectFrom('couriers').select('org_id').where('id', '=', A.rec1.id).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => expect(await db.selectFrom('couriers').selectAll().where('id', '=', A.rec1.id).executeTakeFirstOrThrow()).toEqual(rec),
    );
    const res = await db.selectFrom('residents').selectAll().where('id', '=', A.r1.id).executeTakeFirstOrThrow();
    await refusedOrIgnored(
      await A.admin.patch(`/api/residents/${A.r1.id}`, { name: '改名', ...extras }),
      async () => expect((await db.selectFrom('residents').select('org_id').where('id', '=', A.r1.id).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => expect(await db.selectFrom('residents').selectAll().where('id', '=', A.r1.id).executeTakeFirstOrThrow()).toEqual(res),
    );
    // Staff: a new clerk (role given as clerk, the extras add B's orgId) and an existing one.
    const username = uniq('clerk');
    await refusedOrIgnored(
      await A.admin.post('/api/staff', {
        username,
        password: 'clerk-pass-123',
        role: 'clerk',
        communityIds: [A.c2.id],
        orgId: B.org.id,
        status: 'picked_up',
        feeFen: 0,
      }),
      async () =>
        expect(await db.selectFrom('staff').select(['org_id', 'role']).where('username', '=', username).executeTakeFirstOrThrow()).toEqual({
          org_id: A.org.id,
          role: 'clerk',
        }),
      async () => expect(await db.selectFrom('staff').select('id').where('username', '=', username).execute()).toEqual([]),
    );
    const clerkRow = await db.selectFrom('staff').selectAll().where('id', '=', A.clerk2.staff.id).executeTakeFirstOrThrow();
    await refusedOrIgnored(
      await A.admin.patch(`/api/staff/${A.clerk2.staff.id}`, { communityIds: [A.c2.id], orgId: B.org.id, status: 'picked_up', feeFen: 0 }),
      async () => expect((await db.selectFrom('staff').select('org_id').where('id', '=', A.clerk2.staff.id).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => expect(await db.selectFrom('staff').selectAll().where('id', '=', A.clerk2.staff.id).executeTakeFirstOrThrow()).toEqual(clerkRow),
    );
    // The app switch with B's orgId: A's switch only, B's as it was.
    const bOrg = await db.selectFrom('orgs').selectAll().where('id', '=', B.org.id).executeTakeFirstOrThrow();
    await refusedOrIgnored(
      await A.admin.put('/api/app', { enabled: true, ...extras }),
      async () => expect(await db.selectFrom('orgs').selectAll().where('id', '=', B.org.id).executeTakeFirstOrThrow()).toEqual(bOrg),
      async () => expect(await db.selectFrom('orgs').selectAll().where('id', '=', B.org.id).executeTakeFirstOrThrow()).toEqual(bOrg),
    );

    // A clerk cannot make himself admin: not by the staff routes, not by a role field elsewhere.
    const clerk = A.clerk2.client;
    for (const r of [
      await clerk.patch(`/api/staff/${A.clerk2.staff.id}`, { role: 'admin' }),
      await clerk.post('/api/staff', { username: uniq('admin'), password: 'admin-pass-123', role: 'admin' }),
      await clerk.put('/api/app', { enabled: false }),
    ]) {
      tally.requests++;
      expect(r.status).toBe(403);
    }
    await refusedOrIgnored(
      await clerk.patch(`/api/residents/${A.r2.id}`, { name: '改名', role: 'admin', orgId: B.org.id }),
      async () => expect((await db.selectFrom('residents').select('org_id').where('id', '=', A.r2.id).executeTakeFirstOrThrow()).org_id).toBe(A.org.id),
      async () => {},
    );
    tally.requests++;
    const me = expectStatus(await clerk.get<StaffMe>('/api/me?role=admin'), 200);
    expect(me.staff).toMatchObject({ id: A.clerk2.staff.id, role: 'clerk', orgId: A.org.id });
    expect(me.communityIds).toEqual([A.c2.id]);
    expect(await db.selectFrom('staff').select(['role', 'org_id', 'disabled']).where('id', '=', A.clerk2.staff.id).executeTakeFirstOrThrow()).toEqual({
      role: 'clerk',
      org_id: A.org.id,
      disabled: 0,
    });
    tally.requests++;
    expectStatus(await clerk.get('/api/staff'), 403);

    // A parcel's status and fee follow the state machine, whatever the body says.
    const parcelRow = (id: number) => db.selectFrom('parcels').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const pending = await parcelRow(A.parcels2.pending.id);
    await refusedOrIgnored(
      await clerk.post(`/api/parcels/${A.parcels2.pending.id}/receive`, { damaged: false, ...extras }),
      async () => expect(await parcelRow(A.parcels2.pending.id)).toMatchObject({ status: 'awaiting_pickup', org_id: A.org.id, fee_charged_fen: null }),
      async () => expect(await parcelRow(A.parcels2.pending.id)).toEqual(pending),
    );
    await refusedOrIgnored(
      await clerk.post('/api/parcels/receive', { ids: [A.parcels2.pending.id], ...extras }),
      async () => expect((await parcelRow(A.parcels2.pending.id)).status).not.toBe('picked_up'),
      async () => expect((await parcelRow(A.parcels2.pending.id)).status).toBe(pending.status),
    );
    const awaiting = await parcelRow(A.parcels2.awaiting.id);
    const fee = expectStatus(await clerk.get<ParcelDetail>(`/api/parcels/${A.parcels2.awaiting.id}`), 200).feeFen;
    expect(fee).toBeGreaterThan(0);
    // 领取 at a fee of the clerk's choosing: refused with the fee as of now, nothing changes.
    tally.requests += 2;
    expect(expectStatus(await clerk.post(`/api/parcels/${A.parcels2.awaiting.id}/pickup`, { feeFen: 0 }), 409)).toMatchObject({
      error: 'fee_changed',
      feeFen: fee,
    });
    expect([400, 409]).toContain(
      (await clerk.post(`/api/parcels/${A.parcels2.awaiting.id}/pickup`, { feeFen: 0, status: 'picked_up', orgId: B.org.id })).status,
    );
    expect(await parcelRow(A.parcels2.awaiting.id)).toEqual(awaiting);

    // A courier's entry is pending receipt, without a code or a fee, in the courier's org.
    const tn = trackingNo();
    await refusedOrIgnored(
      await A.courier1.post(
        '/api/courier/parcels',
        {
          communityId: A.c1.id,
          trackingNo: tn,
          recipientPhone: A.r1.phone,
          recipientName: A.r1.name,
          status: 'awaiting_pickup',
          feeFen: 0,
          orgId: B.org.id,
          role: 'admin',
        },
        idem(),
      ),
      async () =>
        expect(
          await db
            .selectFrom('parcels')
            .select(['status', 'org_id', 'pickup_code', 'fee_rate_fen', 'fee_charged_fen'])
            .where('tracking_no', '=', tn)
            .executeTakeFirstOrThrow(),
        ).toEqual({
          status: 'pending_receipt',
          org_id: A.org.id,
          pickup_code: null,
          fee_rate_fen: null,
          fee_charged_fen: null,
        }),
      async () => expect(await db.selectFrom('parcels').select('id').where('tracking_no', '=', tn).execute()).toEqual([]),
    );
    // The apps' lists with B's orgId show only one's own parcels.
    const bSecrets = (await wholeOrg(B)).secrets;
    for (const [c, url] of [
      [A.courier1, '/api/courier/parcels'],
      [residentA, '/api/resident/parcels'],
    ] as const) {
      const r = await send(c, 'GET', `${url}?orgId=${B.org.id}&role=admin&status=picked_up&feeFen=0`, {});
      tally.requests++;
      expect([200, 400]).toContain(r.status);
      for (const s of bSecrets) expect(found(s, r.text), `${s.what} ${s.text} in ${url}`).toBe(false);
    }

    expect(await snapshot(B.org.id)).toEqual(bBefore);
  });

  it('every route of /openapi.json was tried; the operator route refuses everybody; the dev inbox is not there in production', async () => {
    // Left out: /openapi.json itself (hidden from the document, public by design) and the Swagger UI
    // under /docs (static pages, no data).
    const listed = (await openApiOperations(t.app))
      .filter((op) => !op.path.startsWith('/docs') && op.path !== '/openapi.json')
      .map((op) => `${op.method} ${op.path}`)
      .sort();
    expect(listed.length).toBeGreaterThan(50);
    // A new route fails here until the matrix has a row for it; a removed one, until its row goes.
    expect([...tally.covered].sort()).toEqual(listed);
    expect(Object.keys(ROUTES).sort()).toEqual(listed);

    // The operator's token is the only way in: with it the same body works (so the 401s above were
    // the token's), and an extra field is refused even from the operator.
    const operator = (payload: Record<string, unknown>) => {
      tally.requests++;
      return t.app.inject({ method: 'POST', url: '/api/operator/orgs', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, payload });
    };
    const body = { name: uniq('物业'), adminUsername: uniq('admin'), adminPassword: 'admin-pass-123' };
    expect((await operator({ ...body, orgId: B.org.id })).statusCode).toBe(400);
    expect((await operator(body)).statusCode).toBe(201);

    // The development inbox (every sms sent, to anyone) does not exist in production.
    const prod = await buildTestApp({ database: t.database, config: { env: 'production' } });
    try {
      const r = await prod.app.inject({ method: 'GET', url: `/api/dev/messages?to=${B.r1.phone}` });
      tally.requests++;
      expect(r.statusCode).toBe(404);
      expect(r.body).not.toContain(B.r1.phone);
      const prodDoc = JSON.parse((await prod.app.inject({ method: 'GET', url: '/openapi.json' })).body) as { paths: Record<string, unknown> };
      expect(Object.keys(prodDoc.paths)).not.toContain('/api/dev/messages');
      expect(Object.keys(prodDoc.paths)).not.toContain('/api/dev/payments/{id}/succeed');
    } finally {
      await prod.close();
    }

    expect(tally.requests).toBeGreaterThan(1500);
    process.stdout.write(`[access-matrix] requests tried: ${tally.requests}\n`);
    process.stdout.write(`[access-matrix] answers by status: ${JSON.stringify(Object.fromEntries([...tally.byStatus].sort(([x], [y]) => x - y)))}\n`);
  });
});
