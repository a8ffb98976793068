// The real providers inside the outbox, against local fakes of Tencent Cloud SMS (which checks
// TC3 signatures) and the WeChat API: a resident binds WeChat through the web authorization, the
// received notice arrives by both channels; 500s, a hang and an expired token end in delivery
// after retries; a WeChat failure for good falls back to SMS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/server/config.js';
import { MAX_ATTEMPTS } from '../src/server/modules/notifications/delivery.js';
import { consoleMessaging, type Messaging } from '../src/server/modules/notifications/messaging.js';
import type { MessageProvider } from '../src/server/modules/notifications/provider.js';
import { tencentSmsProvider } from '../src/server/modules/notifications/tencent-sms.js';
import { wechatMpProvider } from '../src/server/modules/notifications/wechat-mp.js';
import type { CourierMe, Parcel } from './support/api.js';
import { buildTestApp, testDatabase, type TestApp } from './support/app.js';
import { Client, createWorld, enterParcel, expectStatus, residentLogin } from './support/factories.js';
import { FAKE_TENCENT_ACCOUNT, startFakeTencentSms, type FakeTencentSms } from './support/fake-tencent-sms.js';
import { fakeOpenid, startFakeWechat, type FakeWechat } from './support/fake-wechat.js';

const TENCENT = FAKE_TENCENT_ACCOUNT;
const WECHAT = {
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  templates: { parcel_received: 'TPL_RECEIVED', parcel_rejected: 'TPL_REJECTED', pickup_reminder: 'TPL_REMINDER' },
};

let tencent: FakeTencentSms;
let wechat: FakeWechat;
let t: TestApp;

beforeAll(async () => {
  tencent = await startFakeTencentSms(TENCENT);
  wechat = await startFakeWechat({
    ...WECHAT,
    templates: {
      TPL_RECEIVED: ['keyword1', 'keyword2', 'keyword3', 'keyword4', 'keyword5', 'keyword6'],
      TPL_REJECTED: ['keyword1', 'keyword2', 'keyword3', 'keyword4'],
      TPL_REMINDER: ['keyword1', 'keyword2', 'keyword3', 'keyword4', 'keyword5'],
    },
  });
  const database = await testDatabase();
  const wechatConfig: Config['wechat'] = { provider: 'mp', ...WECHAT, apiBase: wechat.apiBase, oauthBase: 'https://open.weixin.qq.com', keys: {} };
  // Timeouts with room for a loaded machine: an attempt that times out by accident would be counted.
  const tencentSms = tencentSmsProvider({ ...TENCENT, endpoint: tencent.endpoint, protocol: 'http:', agent: tencent.agent, timeoutMs: 1500 });
  // Sign-in codes stay with the console provider, where the test helpers read them.
  const console = consoleMessaging(database.db);
  const sms: MessageProvider = { name: 'tencent-or-console', send: (msg, now) => (msg.kind === 'otp' ? console.sms : tencentSms).send(msg, now) };
  const messaging: Messaging = { ...console, sms, wechat: wechatMpProvider({ ...wechatConfig, timeoutMs: 3000 }) };
  t = await buildTestApp({ database, messaging, config: { wechat: wechatConfig } });
});
afterAll(async () => {
  await t?.close();
  await t?.database.close();
  await tencent?.close();
  await wechat?.close();
});

const rowsOf = (parcelId: number) => t.database.db.selectFrom('outbox').selectAll().where('parcel_id', '=', parcelId).orderBy('id').execute();

/** Runs the worker until nothing is queued, moving the clock to each retry. */
async function drain(parcelId: number): Promise<void> {
  for (let i = 0; i < MAX_ATTEMPTS * 3; i++) {
    await t.app.outbox.runOnce();
    const queued = (await rowsOf(parcelId)).filter((r) => r.status === 'queued');
    if (queued.length === 0) return;
    t.clock.set(queued.map((r) => r.next_attempt_at).sort()[0] ?? t.clock.now());
  }
}

/** A signed-in client binds WeChat as the app does: authorize, WeChat's redirect, the callback. */
async function bindWechat(client: Client, openid: string): Promise<void> {
  const cookie = `sid=${client.cookie}`;
  const go = await t.app.inject({ method: 'GET', url: '/api/wechat/authorize?next=/resident/', headers: { cookie } });
  expect(go.statusCode).toBe(302);
  const location = new URL(go.headers.location as string);
  expect(`${location.origin}${location.pathname}`).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
  expect(location.searchParams.get('appid')).toBe(WECHAT.appId);
  expect(location.searchParams.get('scope')).toBe('snsapi_base');
  expect(location.hash).toBe('#wechat_redirect');
  const state = location.searchParams.get('state') ?? '';
  const stateCookie = go.cookies.find((c) => c.name === 'wx_state');
  expect(stateCookie).toMatchObject({ value: state, httpOnly: true });
  const back = new URL(location.searchParams.get('redirect_uri') ?? '');
  expect(back.pathname).toBe('/api/wechat/callback');

  // A forged callback (another state) binds nothing.
  const forged = await t.app.inject({
    method: 'GET',
    url: `${back.pathname}?code=${wechat.issueCode(fakeOpenid())}&state=abc&next=/resident/`,
    headers: { cookie: `${cookie}; wx_state=${state}` },
  });
  expect(forged.statusCode).toBe(400);

  const code = wechat.issueCode(openid);
  const done = await t.app.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}&code=${code}&state=${state}`,
    headers: { cookie: `${cookie}; wx_state=${state}` },
  });
  expect(done.statusCode).toBe(302);
  expect(done.headers.location).toBe('/resident/');
}

describe('delivery through Tencent SMS and WeChat (fakes)', () => {
  it('binds a resident’s WeChat, then received notices arrive by SMS and by WeChat, through 500s, a hang and an expired token', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    expect(expectStatus(await resident.get<{ wechat: { enabled: boolean; bound: boolean } }>('/api/me'), 200).wechat).toEqual({ enabled: true, bound: false });
    const openid = fakeOpenid();
    await bindWechat(resident, openid);
    expect(expectStatus(await resident.get<{ wechat: { bound: boolean } }>('/api/me'), 200).wechat.bound).toBe(true);

    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    tencent.failNext(2, { kind: 'http', status: 500 });
    tencent.failNext(1, { kind: 'hang', ms: 4000 });
    wechat.failNext(1, 'http500');
    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
    await drain(p.id);

    const rows = await rowsOf(p.id);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([
      ['sms', 'sent'],
      ['wechat', 'sent'],
    ]);
    expect(rows[0]?.attempts).toBe(4); // two 500s and a timeout, then sent
    const smsSent = tencent.sent.filter((m) => m.phone === `+86${w.residentPhone}`);
    expect(smsSent).toHaveLength(1);
    expect(smsSent[0]).toMatchObject({ templateId: TENCENT.templates.parcel_received, signName: TENCENT.signName });
    expect(smsSent[0]?.params).toEqual([
      w.community.name,
      w.community.collectionPointName,
      '百世',
      p.trackingNo.slice(-4),
      received.pickupCode,
      '24小时内免费保管，超时按2元/天收取保管费',
    ]);
    const wx = wechat.sent.filter((m) => m.touser === openid);
    expect(wx).toHaveLength(1);
    expect(wx[0]).toMatchObject({ template_id: 'TPL_RECEIVED', data: { keyword5: { value: received.pickupCode } } });

    // WeChat ends the token early: the next notice gets a new token and is delivered.
    const tokens = wechat.tokensIssued.length;
    wechat.expireTokens();
    const next = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${next.id}/receive`, {}), 200);
    await drain(next.id);
    expect((await rowsOf(next.id)).map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['sms', 'sent', 1],
      ['wechat', 'sent', 1],
    ]);
    expect(wechat.tokensIssued.length).toBe(tokens + 1);
    expect(wechat.sent.filter((m) => m.touser === openid)).toHaveLength(2);
  });

  it('a rejection for a courier who unfollowed the account fails for good on WeChat and goes by SMS instead', async () => {
    const w = await createWorld(t.app);
    const openid = fakeOpenid();
    await t.database.db.insertInto('wechat_bindings').values({ phone: w.courierPhone, openid, bound_at: t.clock.now().toISOString() }).execute();
    wechat.unsubscribe(openid);
    expect(expectStatus(await w.courier.get<CourierMe>('/api/me'), 200).wechat).toEqual({ enabled: true, bound: true });
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/reject`, { reason: '地址不详' }), 200);
    await drain(p.id);
    const rows = await rowsOf(p.id);
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['wechat', 'failed', 1],
      ['sms', 'sent', 1],
    ]);
    expect(rows[0]?.last_error).toContain('43004');
    const sms = tencent.sent.filter((m) => m.phone === `+86${w.courierPhone}` && m.templateId === TENCENT.templates.parcel_rejected);
    expect(sms).toHaveLength(1);
    expect(sms[0]?.params).toEqual([w.community.name, p.trackingNo, `*******${w.residentPhone.slice(-4)}`, '地址不详']);
  });

  it('ends in failed after the maximum of attempts when Tencent keeps failing, with its last error', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    tencent.failNext(MAX_ATTEMPTS, { kind: 'error', code: 'InternalError.Timeout', message: 'backend timeout' });
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
    await drain(p.id);
    const [row] = await rowsOf(p.id);
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(row?.last_error).toContain('InternalError.Timeout');
    expect(tencent.pendingFailures).toBe(0);
  });
});
