// The open API and webhooks (SPEC §17, API.md "Open API and webhooks", issue 18) on both
// databases: API keys, carriers' pre-advice and what desk intake makes of it, parcels read by
// key, signed webhooks retried until a receiver takes them, and the refusals of private addresses.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Parcel } from './support/api.js';
import { buildTestApp, useTestApp, type TestApp } from './support/app.js';
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
  type World,
} from './support/factories.js';
import { housekeep } from '../src/server/housekeeping.js';
import { isPublicAddress, type Resolver } from '../src/server/modules/webhooks/address-guard.js';
import type { App } from '../src/server/http.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Key {
  id: number;
  name: string;
  scopes: string[];
  prefix: string;
  key: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
interface Webhook {
  id: number;
  url: string;
  events: string[];
  secret: string;
  apiKeyId: number | null;
}
interface Delivery {
  id: number;
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}
interface PreAdviceReply {
  accepted: number;
  failed: { index: number; error: string; message: string }[];
}

/** Names the tests resolve: `public.example` to a public address, `localhost.example` to loopback; anything else fails. */
const names: Record<string, string[]> = {};
const resolver: Resolver = async (host) => {
  const list = names[host];
  if (!list || list.length === 0) throw new Error(`ENOTFOUND ${host}`);
  const address = list.length > 1 ? (list.shift() ?? '') : (list[0] ?? '');
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

const t = useTestApp({ config: { webhooks: { allowPrivate: true, timeoutMs: 2_000 } }, resolver });

let seq = 0;
const trackingNo = () => `OA${randomBytes(5).toString('hex').toUpperCase()}${++seq}`;

/** A client of the open API: a bearer key, no cookie. */
function keyCall<T>(app: App, method: 'GET' | 'POST', url: string, key: string, payload?: object) {
  return app
    .inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) })
    .then((r) => ({ status: r.statusCode, body: (r.body ? JSON.parse(r.body) : undefined) as T }));
}

async function newKey(admin: Client, scopes = ['pre_advice:write', 'parcels:read'], name = '中通对接') {
  return expectStatus(await admin.post<Key>('/api/integrations/keys', { name, scopes }), 201);
}

/** A receiver on 127.0.0.1 that checks every signature with the secret it is given, answering what `answer` says. */
async function receiver(answer: (n: number) => number | Promise<number>) {
  const got: { id: string; type: string; body: Record<string, unknown>; signed: boolean; eventHeader: string }[] = [];
  let secret = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const sig = String(req.headers['x-kuaidi-signature'] ?? '');
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
      const signed = m !== null && createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2];
      const parsed = JSON.parse(body) as Record<string, unknown> & { id: string; type: string };
      got.push({
        id: parsed.id,
        type: parsed.type,
        body: parsed,
        signed,
        eventHeader: String(req.headers['x-kuaidi-event']),
      });
      void Promise.resolve(answer(got.length)).then((status) => {
        res.statusCode = status;
        res.end('ok');
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/kuaidi`,
    port,
    got,
    setSecret: (s: string) => void (secret = s),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function subscribe(admin: Client, url: string, events = ['parcel.received', 'parcel.picked_up', 'parcel.rejected'], apiKeyId?: number) {
  return expectStatus(await admin.post<Webhook>('/api/webhooks', { url, events, ...(apiKeyId ? { apiKeyId } : {}) }), 201);
}

async function deliveries(admin: Client, hookId: number) {
  return expectStatus(await admin.get<{ items: Delivery[]; total: number }>(`/api/webhooks/${hookId}/deliveries`), 200).items;
}

/** A parcel received at the desk (one parcel.received event). */
async function received(w: World): Promise<Parcel> {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo: trackingNo() }), 201);
  return expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
}

describe('API keys (开放接口)', () => {
  it('are shown once, kept hashed, listed, limited to their scopes, and refused at once when revoked', async () => {
    const w = await createWorld(t.app);
    const k = await newKey(w.admin);
    expect(k.key).toMatch(/^kd_[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(k.key.startsWith(k.prefix)).toBe(true);
    const list = expectStatus(await w.admin.get<{ items: Key[] }>('/api/integrations/keys'), 200);
    expect(list.items.map((i) => i.id)).toContain(k.id);
    expect(JSON.stringify(list)).not.toContain(k.key);
    const stored = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(k.key.slice(k.prefix.length));

    const ok = await keyCall<{ items: unknown[] }>(t.app, 'GET', `/api/open/v1/parcels?trackingNo=${trackingNo()}`, k.key);
    expect(ok.status).toBe(200);
    // A wrong key, a staff session's cookie, no key: 401, before the body or query is looked at.
    expect((await keyCall<ApiError>(t.app, 'GET', '/api/open/v1/parcels?trackingNo=AB', `${k.key}x`)).status).toBe(401);
    expect((await keyCall<ApiError>(t.app, 'POST', '/api/open/v1/pre-advice', 'kd_nope', { bad: true })).status).toBe(401);
    expect((await w.admin.get<ApiError>(`/api/open/v1/parcels?trackingNo=${trackingNo()}`)).status).toBe(401);
    // A key on a console route is nobody.
    expect((await keyCall<ApiError>(t.app, 'GET', '/api/integrations/keys', k.key)).status).toBe(401);

    const readOnly = await newKey(w.admin, ['parcels:read'], '只读');
    const refused = await keyCall<ApiError>(t.app, 'POST', '/api/open/v1/pre-advice', readOnly.key, { items: [] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');

    // A clerk cannot manage keys; another org's admin does not find this one.
    const clerk = await createClerk(t.app, w.admin, [w.community.id]);
    expect((await clerk.client.post<ApiError>('/api/integrations/keys', { name: 'x', scopes: ['parcels:read'] })).status).toBe(403);
    const other = await createOrg(t.app);
    expectError(await other.admin.delete(`/api/integrations/keys/${k.id}`), 404, 'not_found');
    expect(expectStatus(await other.admin.get<{ items: Key[] }>('/api/integrations/keys'), 200).items).toEqual([]);

    expectStatus(await w.admin.delete(`/api/integrations/keys/${k.id}`), 204);
    expect((await keyCall<ApiError>(t.app, 'GET', `/api/open/v1/parcels?trackingNo=${trackingNo()}`, k.key)).status).toBe(401);
    const after = expectStatus(await w.admin.get<{ items: Key[] }>('/api/integrations/keys'), 200).items.find((i) => i.id === k.id);
    expect(after?.revokedAt).not.toBeNull();
    expect(after?.lastUsedAt).not.toBeNull();
    // Bad input: no scopes, an unknown scope, an unknown field.
    for (const body of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: ['parcels:read'], orgId: 1 },
    ]) {
      expect((await w.admin.post('/api/integrations/keys', body)).status).toBe(400);
    }
  });

  it('are the security scheme of every open API call in /openapi.json', async () => {
    const doc = JSON.parse((await t.app.inject({ method: 'GET', url: '/openapi.json' })).body) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const open = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/open/'));
    expect(open.length).toBe(3);
    for (const [, ops] of open) for (const op of Object.values(ops)) expect(op.security).toEqual([{ apiKey: [] }]);
  });

  it('are rate-limited per key, counted in the database', async () => {
    const app = await buildTestApp({ config: { openApi: { perMinute: 3 } } });
    try {
      const org = await createOrg(app.app);
      const a = await newKey(org.admin);
      const b = await newKey(org.admin);
      const call = (k: Key) => keyCall(app.app, 'GET', '/api/open/v1/parcels?trackingNo=ABC123', k.key).then((r) => r.status);
      expect([await call(a), await call(a), await call(a), await call(a)]).toEqual([200, 200, 200, 429]);
      expect(await call(b)).toBe(200);
      app.clock.advance(61_000);
      expect(await call(a)).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('pre-advice (预报)', () => {
  it('checks each item on its own, upserts by community and tracking number, and desk intake takes the phone from it', async () => {
    const w = await createWorld(t.app);
    const k = await newKey(w.admin);
    const other = await createOrg(t.app);
    const theirs = await createCommunity(other.admin);
    const phone = randomMobile();
    const tn = trackingNo();
    const reply = await keyCall<PreAdviceReply>(t.app, 'POST', '/api/open/v1/pre-advice', k.key, {
      items: [
        { communityId: w.community.id, trackingNo: tn, recipientPhone: '13800000000', recipientName: '王五', carrier: '中通' },
        { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: '12345' },
        { communityId: theirs.id, trackingNo: trackingNo(), recipientPhone: randomMobile() },
        { communityId: w.community.id, trackingNo: '!!', recipientPhone: randomMobile() },
        'not an object',
        { communityId: w.community.id, trackingNo: tn.toLowerCase(), recipientPhone: phone, recipientName: '王五', carrier: 'zto' },
        { communityId: w.community.id, trackingNo: trackingNo(), recipientPhone: randomMobile(), extra: 1 },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.accepted).toBe(2);
    expect(reply.body.failed.map((f) => [f.index, f.error])).toEqual([
      [1, 'validation_error'],
      [2, 'not_found'],
      [3, 'validation_error'],
      [4, 'validation_error'],
      [6, 'validation_error'],
    ]);
    expect(reply.body.failed[0]?.message).toContain('手机号');
    // Nothing of the other org's community was written; the later item of the same parcel won.
    expect(await t.database.db.selectFrom('pre_advice').select('id').where('community_id', '=', theirs.id).execute()).toEqual([]);
    const rows = await t.database.db.selectFrom('pre_advice').selectAll().where('tracking_no', '=', tn).execute();
    expect(rows.map((r) => [r.recipient_phone, r.carrier])).toEqual([[phone, '中通快递']]);

    // 扫描单号直接显示手机号: the lookup answers the pre-advice, and desk intake needs no phone.
    const lookup = expectStatus(
      await w.admin.get<{ recipientPhone: string; source: string }>(`/api/parcels/lookup?communityId=${w.community.id}&trackingNo=${tn}`),
      200,
    );
    expect(lookup).toMatchObject({ recipientPhone: phone, recipientName: '王五', carrier: '中通快递', source: 'pre_advice' });
    const desk = expectStatus(
      await w.admin.post<Parcel>('/api/parcels/desk-intake', { communityId: w.community.id, trackingNo: tn }, { 'idempotency-key': `oa-${tn}` }),
      201,
    );
    expect(desk).toMatchObject({ recipientPhone: phone, recipientName: '王五', carrier: '中通快递', status: 'awaiting_pickup' });
    // The courier app's scan fills it too; a courier of another community is refused.
    const tn2 = trackingNo();
    await keyCall(t.app, 'POST', '/api/open/v1/pre-advice', k.key, { items: [{ communityId: w.community.id, trackingNo: tn2, recipientPhone: phone }] });
    const forCourier = await w.courier.get<{ recipientPhone: string }>(`/api/courier/pre-advice?communityId=${w.community.id}&trackingNo=${tn2}`);
    expect(expectStatus(forCourier, 200).recipientPhone).toBe(phone);
    expectError(await w.courier.get(`/api/courier/pre-advice?communityId=${w.community.id}&trackingNo=${trackingNo()}`), 404, 'not_found');
    expectError(await w.courier.get(`/api/courier/pre-advice?communityId=${theirs.id}&trackingNo=${tn2}`), 403, 'not_your_community');

    // The key reads states and places, never phones; another org's key sees nothing of them.
    const read = await keyCall<{ items: Record<string, unknown>[] }>(t.app, 'GET', `/api/open/v1/parcels?trackingNo=${tn}`, k.key);
    expect(read.body.items).toHaveLength(1);
    expect(read.body.items[0]).toMatchObject({ id: desk.id, status: 'awaiting_pickup', shelfLabel: null, communityId: w.community.id });
    expect(JSON.stringify(read.body)).not.toContain(phone);
    const theirKey = await newKey(other.admin);
    expect((await keyCall<{ items: unknown[] }>(t.app, 'GET', `/api/open/v1/parcels?trackingNo=${tn}`, theirKey.key)).body.items).toEqual([]);

    // Older than 30 days: purged by the housekeeping.
    t.clock.advance(31 * DAY);
    await housekeep(t.app.ctx);
    expect(await t.database.db.selectFrom('pre_advice').select('id').where('tracking_no', 'in', [tn, tn2]).execute()).toEqual([]);
  });

  it('refuses a batch of more than 1,000 items (400) or a body too large (413), writing nothing', async () => {
    const w = await createWorld(t.app);
    const k = await newKey(w.admin);
    const item = (i: number) => ({ communityId: w.community.id, trackingNo: `BIG${i}X${seq}`, recipientPhone: randomMobile() });
    const tooMany = await keyCall<ApiError>(t.app, 'POST', '/api/open/v1/pre-advice', k.key, { items: Array.from({ length: 1001 }, (_, i) => item(i)) });
    expect(tooMany.status).toBe(400);
    const huge = await keyCall<ApiError>(t.app, 'POST', '/api/open/v1/pre-advice', k.key, {
      items: Array.from({ length: 900 }, (_, i) => ({ ...item(i), recipientName: '名'.repeat(50), pad: 'x'.repeat(1200) })),
    });
    expect(huge.status).toBe(413);
    expect(await t.database.db.selectFrom('pre_advice').select('id').where('community_id', '=', w.community.id).execute()).toEqual([]);
    const full = await keyCall<PreAdviceReply>(t.app, 'POST', '/api/open/v1/pre-advice', k.key, { items: Array.from({ length: 1000 }, (_, i) => item(i)) });
    expect(full.body).toEqual({ accepted: 1000, failed: [] });
  });
});

describe('webhooks', () => {
  const open: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const r of open) await r.close();
  });

  it('signs every delivery, retries a failing receiver with backoff and the same event id, and is delivered exactly once', async () => {
    const w = await createWorld(t.app);
    const r = await receiver((n) => (n <= 2 ? 500 : 200));
    open.push(r);
    const hook = await subscribe(w.admin, r.url);
    expect(hook.secret).toMatch(/^whsec_/);
    r.setSecret(hook.secret);
    expect(JSON.stringify(expectStatus(await w.admin.get('/api/webhooks'), 200))).not.toContain(hook.secret);

    const p = await received(w);
    expect(await t.app.webhooks.runOnce()).toBe(1);
    let [d] = await deliveries(w.admin, hook.id);
    expect(d).toMatchObject({ type: 'parcel.received', status: 'queued', attempts: 1, lastStatusCode: 500 });
    // Not due again before its backoff.
    expect(await t.app.webhooks.runOnce()).toBe(0);
    t.clock.advance(HOUR);
    await t.app.webhooks.runOnce();
    t.clock.advance(HOUR);
    await t.app.webhooks.runOnce();
    t.clock.advance(HOUR);
    expect(await t.app.webhooks.runOnce()).toBe(0);
    [d] = await deliveries(w.admin, hook.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, eventId: r.got[0]?.id });

    expect(r.got).toHaveLength(3);
    expect(r.got.every((g) => g.signed)).toBe(true);
    expect(new Set(r.got.map((g) => g.id)).size).toBe(1);
    expect(r.got[0]?.eventHeader).toBe('parcel.received');
    const parcel = (r.got[0]?.body.data as { parcel: Record<string, unknown> }).parcel;
    expect(parcel).toMatchObject({ id: p.id, trackingNo: p.trackingNo, status: 'awaiting_pickup' });
    // No key with parcels:read: the phone is masked, the name left out, the code never there.
    expect(parcel.recipientPhone).toBe(`*******${w.residentPhone.slice(-4)}`);
    expect(JSON.stringify(r.got)).not.toContain(w.residentPhone);
    expect(JSON.stringify(r.got)).not.toContain(p.pickupCode ?? 'none');

    const attempts = expectStatus(await w.admin.get<{ items: { statusCode: number }[] }>(`/api/webhooks/${hook.id}/deliveries/${d?.id}/attempts`), 200);
    expect(attempts.items.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    // 重发: the same event again, signed afresh.
    expectStatus(await w.admin.post(`/api/webhooks/${hook.id}/deliveries/${d?.id}/resend`), 204);
    await t.app.webhooks.runOnce();
    expect(r.got).toHaveLength(4);
    expect(r.got[3]).toMatchObject({ id: r.got[0]?.id, signed: true });

    // Another org's admin finds none of it.
    const other = await createOrg(t.app);
    expectError(await other.admin.get(`/api/webhooks/${hook.id}/deliveries`), 404, 'not_found');
    expectError(await other.admin.post(`/api/webhooks/${hook.id}/deliveries/${d?.id}/resend`), 404, 'not_found');
    expectError(await other.admin.delete(`/api/webhooks/${hook.id}`), 404, 'not_found');
    expectStatus(await w.admin.delete(`/api/webhooks/${hook.id}`), 204);
    expect(await t.database.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', hook.id).execute()).toEqual([]);
  });

  it('puts phones in full only for a key holding parcels:read, and nothing for a revoked key', async () => {
    const w = await createWorld(t.app);
    const reader = await newKey(w.admin, ['parcels:read']);
    const writer = await newKey(w.admin, ['pre_advice:write']);
    const [a, b] = [await receiver(() => 200), await receiver(() => 200)];
    open.push(a, b);
    const ha = await subscribe(w.admin, a.url, ['parcel.received'], reader.id);
    const hb = await subscribe(w.admin, b.url, ['parcel.received'], writer.id);
    a.setSecret(ha.secret);
    b.setSecret(hb.secret);
    await received(w);
    await t.app.webhooks.runOnce();
    expect((a.got[0]?.body.data as { parcel: { recipientPhone: string } }).parcel.recipientPhone).toBe(w.residentPhone);
    expect(JSON.stringify(b.got)).not.toContain(w.residentPhone);
    expect(b.got).toHaveLength(1);

    expectStatus(await w.admin.delete(`/api/integrations/keys/${reader.id}`), 204);
    await received(w);
    await t.app.webhooks.runOnce();
    expect(a.got).toHaveLength(1);
    expect(b.got).toHaveLength(2);
  });

  it('runs one lane per receiver: a slow one does not hold up another, and a dead one is tried once a round', async () => {
    const w = await createWorld(t.app);
    let fastSeen!: () => void;
    const fastArrived = new Promise<void>((r) => (fastSeen = r));
    // The slow receiver answers only once the fast one has its event: one after the other, it would time out.
    const slow = await receiver(async () => {
      await fastArrived;
      return 200;
    });
    const fast = await receiver(() => {
      fastSeen();
      return 200;
    });
    const dead = await receiver(() => 503);
    open.push(slow, fast, dead);
    for (const r of [slow, fast, dead]) r.setSecret((await subscribe(w.admin, r.url, ['parcel.received'])).secret);
    await received(w);
    await received(w);
    await received(w);
    await t.app.webhooks.runOnce();
    expect(slow.got).toHaveLength(3);
    expect(fast.got).toHaveLength(3);
    expect([...slow.got, ...fast.got, ...dead.got].every((g) => g.signed)).toBe(true);
    // The dead receiver was tried once; its other deliveries wait for the same retry, unattempted.
    expect(dead.got).toHaveLength(1);
    const hooks = expectStatus(await w.admin.get<{ items: { id: number; url: string }[] }>('/api/webhooks'), 200).items;
    const deadHook = hooks.find((h) => h.url === dead.url);
    const ds = await deliveries(w.admin, deadHook?.id ?? 0);
    expect(ds.map((d) => d.attempts).sort()).toEqual([0, 0, 1]);
    expect(ds.every((d) => d.status === 'queued')).toBe(true);

    // After 24 hours of failures a delivery is given up (read from the database: the session has expired by then).
    for (let i = 0; i < 30; i++) {
      t.clock.advance(HOUR);
      await t.app.webhooks.runOnce();
    }
    const given = await t.database.db
      .selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('webhook_id', '=', deadHook?.id ?? 0)
      .execute();
    expect(given.map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
    expect(dead.got.length).toBeLessThan(3 * 30);
  });

  it('writes the event in the unit of the move: a move that fails queues nothing', async () => {
    const w = await createWorld(t.app);
    const r = await receiver(() => 200);
    open.push(r);
    const hook = await subscribe(w.admin, r.url, ['parcel.rejected', 'parcel.picked_up']);
    const p = await received(w);
    // Received is not subscribed to; a second receipt is refused and writes nothing.
    expect((await w.admin.post(`/api/parcels/${p.id}/receive`, {})).status).toBe(409);
    expect(await deliveries(w.admin, hook.id)).toEqual([]);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);
    expect((await deliveries(w.admin, hook.id)).map((d) => d.type)).toEqual(['parcel.picked_up']);
  });
});

describe('webhook addresses (SSRF)', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await buildTestApp({ resolver });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('knows public addresses from private, loopback, link-local and metadata ones', () => {
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '224.0.0.1',
      '255.255.255.255',
      'not an address',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('refuses private addresses and plain http at subscription', async () => {
    names['localhost.example'] = ['127.0.0.1'];
    names['public.example'] = ['93.184.216.34'];
    const org = await createOrg(strict.app);
    for (const url of [
      'http://public.example/hook',
      'https://127.0.0.1/hook',
      'https://10.0.0.8/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://localhost.example/hook',
      'https://unknown.example/hook',
      'https://user:pass@public.example/hook',
      'ftp://public.example/hook',
      'not a url',
    ]) {
      const r = await org.admin.post<ApiError>('/api/webhooks', { url, events: ['parcel.received'] });
      expect(r.status, url).toBe(400);
      expect(r.body.error, url).toBe('url_refused');
    }
    expect(await strict.database.db.selectFrom('webhooks').select('id').where('org_id', '=', org.org.id).execute()).toEqual([]);
    expectStatus(await org.admin.post('/api/webhooks', { url: 'https://public.example/hook', events: ['parcel.received'] }), 201);
  });

  it('checks the address again at delivery (DNS rebinding) and connects to nothing private', async () => {
    const r = await receiver(() => 200);
    try {
      // Public when subscribed, loopback (where the receiver listens) when delivered.
      names['rebind.example'] = ['93.184.216.34', '127.0.0.1'];
      const w = await createWorld(strict.app);
      await subscribe(w.admin, `https://rebind.example:${r.port}/hooks`, ['parcel.received']);
      const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone, trackingNo: trackingNo() }), 201);
      expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
      expect(await strict.app.webhooks.runOnce()).toBe(1);
      const [d] = await strict.database.db.selectFrom('webhook_deliveries').selectAll().where('org_id', '=', w.org.id).execute();
      expect(d).toMatchObject({ status: 'queued', attempts: 1, last_status_code: null });
      expect(d?.last_error).toContain('127.0.0.1');
      expect(r.got).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
