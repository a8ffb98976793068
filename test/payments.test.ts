// 支付, 送货上门 and 代寄 (SPEC §16, issue 21) on both databases, against a local fake of WeChat
// Pay API v3 (test/support/fake-wechatpay.ts) that verifies our request signatures with the
// merchant's public key and signs its answers and notices with its own platform key: happy paths,
// a forged notice, a replayed one, one for the wrong amount, a lost one recovered by the order
// query, a provider that is down, double cancels; and the console provider's flow.
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../src/shared/constants.js';
import type { Config } from '../src/server/config.js';
import { bindWechat } from '../src/server/modules/notifications/notifications.repo.js';
import { sweepPayments } from '../src/server/modules/payments/payments.service.js';
import type { PaymentView } from '../src/server/modules/payments/payments.service.js';
import type { Parcel } from './support/api.js';
import { useTestApp, type TestApp } from './support/app.js';
import { Client, createClerk, createWorld, enterParcel, expectError, expectStatus, randomMobile, residentLogin, type World } from './support/factories.js';
import { FAKE_PLATFORM_SERIAL, FakeWechatPay, fakeMerchant } from './support/fake-wechatpay.js';

type Delivery = {
  id: number;
  status: string;
  amountFen: number;
  parcelIds: number[];
  payment: PaymentView | null;
  runner: { id: number; name: string } | null;
};
type Shipment = { id: number; status: string; priceFen: number | null; trackingNo: string | null; payment: PaymentView | null };

const merchant = fakeMerchant();
const fake = new FakeWechatPay({
  mchid: merchant.mchid,
  appid: merchant.appid,
  merchantSerial: merchant.serial,
  merchantPublicKey: merchant.publicKey,
  apiV3Key: merchant.apiV3Key,
  noticeClock: () => wx.clock.now(),
});
let base = '';
beforeAll(async () => {
  base = await fake.start();
});
afterAll(() => fake.close());

const wechatPay = (): Config['pay'] => ({
  provider: 'wechat',
  mchId: merchant.mchid,
  appId: merchant.appid,
  serial: merchant.serial,
  privateKey: merchant.privateKeyPem,
  platformSerial: FAKE_PLATFORM_SERIAL,
  platformKey: fake.platformPublicKeyPem,
  apiV3Key: merchant.apiV3Key,
  notifyUrl: 'https://wuye.example.com/api/payments/wechat/notify',
  apiBase: base,
});

const consoleApp = useTestApp();
// The WeChat app's config reads the fake's address, known once it listens: built lazily.
let wxBuilt: TestApp | undefined;
const wx = {
  get app() {
    if (!wxBuilt) throw new Error('built in beforeAll');
    return wxBuilt.app;
  },
  get clock() {
    if (!wxBuilt) throw new Error('built in beforeAll');
    return wxBuilt.clock;
  },
  get database() {
    if (!wxBuilt) throw new Error('built in beforeAll');
    return wxBuilt.database;
  },
};
beforeAll(async () => {
  const { buildTestApp } = await import('./support/app.js');
  wxBuilt = await buildTestApp({ config: { pay: wechatPay() } });
});
afterAll(() => wxBuilt?.close());

const IN_WECHAT = { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 MicroMessenger/8.0.50' };

/** A parcel of the world's resident, received `days` ago (its fee running at 2元/天). */
async function waiting(t: Pick<TestApp, 'app' | 'clock' | 'database'>, w: World, days = 0) {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
  if (days === 0) return received;
  const at = new Date(t.clock.now().getTime() - days * DAY_MS - 60_000).toISOString();
  await t.database.db.updateTable('parcels').set({ received_at: at }).where('id', '=', p.id).execute();
  return expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200);
}

/** A payment's state as stored (asking through the API would query the provider). */
async function stored(t: Pick<TestApp, 'database'>, id: number) {
  return (await t.database.db.selectFrom('payments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
}

function notify(app: TestApp['app'], n: { headers: Record<string, string>; body: string }) {
  return app.inject({ method: 'POST', url: '/api/payments/wechat/notify', headers: n.headers, payload: n.body });
}

async function paymentLines(admin: Client, id: number) {
  const r = expectStatus(await admin.get<{ items: { action: string }[] }>(`/api/audit?entity=payment&entityId=${id}`), 200);
  return r.items.map((i) => i.action).sort();
}

describe('支付保管费 with the console provider', () => {
  const t = consoleApp;
  it('pays the fee as of now; the desk sees 已支付 and ¥0.00 due; the fee stops there and counts as income at pickup', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(t, w, 2);
    const resident = await residentLogin(t.app, w.residentPhone);
    const pay = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201);
    expect(pay).toMatchObject({ purpose: 'custody_fee', amountFen: 400, status: 'created', channel: 'console', payParams: {} });
    // Asked again before paying: the same open order, not a second one.
    expect(expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201).id).toBe(pay.id);
    const paid = expectStatus(await new Client(t.app).post<PaymentView>(`/api/dev/payments/${pay.id}/succeed`), 200);
    expect(paid).toMatchObject({ status: 'paid', payParams: null });
    expectError(await new Client(t.app).post(`/api/dev/payments/${pay.id}/succeed`), 409, 'invalid_state');
    expectError(await resident.post(`/api/resident/parcels/${p.id}/pay-fee`), 409, 'already_paid');

    // Three days later the fee would be 10元: it stopped at the payment.
    t.clock.advance(3 * DAY_MS);
    const admin = await (await import('./support/factories.js')).staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    w.admin.cookie = admin.cookie;
    const atDesk = expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200);
    expect(atDesk).toMatchObject({ feeFen: 0, feePaidFen: 400 });
    expect(atDesk.actions).not.toContain('waive');
    expectError(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 400 }), 409, 'fee_changed');
    const done = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);
    expect(done).toMatchObject({ status: 'picked_up', feeChargedFen: 400, feeFen: 400 });
    expect(await paymentLines(w.admin, pay.id)).toEqual(['payment.create', 'payment.paid']);

    // Nothing to pay: a parcel within its free day; another resident's parcel is not found.
    const fresh = await waiting(t, w);
    expectError(await resident.post(`/api/resident/parcels/${fresh.id}/pay-fee`), 409, 'nothing_to_pay');
    const stranger = await residentLogin(t.app, randomMobile());
    expectError(await stranger.post(`/api/resident/parcels/${fresh.id}/pay-fee`), 404, 'not_found');
    expectError(await stranger.get(`/api/resident/payments/${pay.id}`), 404, 'not_found');
  });

  it('refunds a payment that arrives after the parcel was collected at the desk', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(t, w, 1);
    const resident = await residentLogin(t.app, w.residentPhone);
    const pay = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 200 }), 200);
    const late = expectStatus(await new Client(t.app).post<PaymentView>(`/api/dev/payments/${pay.id}/succeed`), 200);
    expect(late).toMatchObject({ status: 'refunded', refundStatus: 'success' });
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).feeChargedFen).toBe(200);

    // Paid online, then given back to its courier uncollected: the fee is refunded.
    const back = await waiting(t, w, 1);
    const fee = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${back.id}/pay-fee`), 201);
    expectStatus(await new Client(t.app).post(`/api/dev/payments/${fee.id}/succeed`), 200);
    expectStatus(await w.admin.post(`/api/parcels/${back.id}/return`, { reason: '超期未取' }), 200);
    expect(expectStatus(await resident.get<PaymentView>(`/api/resident/payments/${fee.id}`), 200).status).toBe('refunded');
  });
});

describe('WeChat Pay v3 against the fake', () => {
  const t = wx;

  it('opens a JSAPI order inside WeChat (signed pay parameters) and an H5 order outside it', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(t, w, 1);
    await bindWechat(t.database.db, w.residentPhone, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', t.clock.now().toISOString());
    const resident = await residentLogin(t.app, w.residentPhone);
    const js = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`, undefined, IN_WECHAT), 201);
    expect(js.channel).toBe('jsapi');
    const pp = js.payParams ?? {};
    const order = [...fake.orders.values()].find((o) => pp.package === `prepay_id=${o.prepayId}`);
    expect(order).toMatchObject({
      kind: 'jsapi',
      amountFen: 200,
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      notifyUrl: 'https://wuye.example.com/api/payments/wechat/notify',
    });
    expect(order?.timeExpire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const message = `${pp.appId}\n${pp.timeStamp}\n${pp.nonceStr}\n${pp.package}\n`;
    expect(pp.signType).toBe('RSA');
    expect(
      createVerify('RSA-SHA256')
        .update(message)
        .verify(merchant.publicKey, pp.paySign ?? '', 'base64'),
    ).toBe(true);

    // Outside WeChat's browser: a new order for H5, the JSAPI one closed at WeChat Pay first.
    const other = await waiting(t, w, 1);
    const h5 = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${other.id}/pay-fee`), 201);
    expect(h5.channel).toBe('h5');
    expect(h5.payParams?.h5Url).toMatch(/^https:\/\/wx\.tenpay\.com\//);
    expect([...fake.orders.values()].at(-1)).toMatchObject({ kind: 'h5', amountFen: 200, payerIp: '127.0.0.1' });
    // Every request the fake saw was signed right.
    expect(fake.requests.filter((r) => r.refused)).toEqual([]);
  });

  it('applies a genuine notice once; a forged, tampered, stale or replayed one changes nothing', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(t, w, 1);
    const resident = await residentLogin(t.app, w.residentPhone);
    const pay = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201);
    const outTradeNo = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    const genuine = fake.pay(outTradeNo);

    // Forged: the same content signed with a key that is not the platform's.
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const order = fake.orders.get(outTradeNo);
    const tx = {
      mchid: merchant.mchid,
      appid: merchant.appid,
      out_trade_no: outTradeNo,
      transaction_id: order?.transactionId,
      trade_state: 'SUCCESS',
      amount: { total: 200 },
    };
    expect((await notify(t.app, fake.notice('TRANSACTION.SUCCESS', 'transaction', tx, { signer: stranger }))).statusCode).toBe(401);
    // Tampered: a genuine notice's body changed after signing.
    expect((await notify(t.app, { headers: genuine.headers, body: genuine.body.replace('"event_type"', '"event_type" ') })).statusCode).toBe(401);
    // Encrypted with another APIv3 key.
    expect((await notify(t.app, fake.notice('TRANSACTION.SUCCESS', 'transaction', tx, { apiV3Key: 'x'.repeat(32) }))).statusCode).toBe(401);
    // Another serial, and a notice captured ten minutes ago.
    expect((await notify(t.app, { headers: { ...genuine.headers, 'wechatpay-serial': 'PUB_KEY_ID_OTHER' }, body: genuine.body })).statusCode).toBe(401);
    const stale = fake.notice('TRANSACTION.SUCCESS', 'transaction', tx, { at: new Date(t.clock.now().getTime() - 10 * 60_000) });
    expect((await notify(t.app, stale)).statusCode).toBe(401);
    expect(await stored(t, pay.id)).toBe('created');
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200).feePaidFen).toBeNull();

    // The genuine one, then the same again (WeChat Pay repeats notices until answered): paid once.
    expect((await notify(t.app, genuine)).statusCode).toBe(204);
    expect((await notify(t.app, genuine)).statusCode).toBe(204);
    expect(expectStatus(await resident.get<PaymentView>(`/api/resident/payments/${pay.id}`), 200).status).toBe('paid');
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200)).toMatchObject({ feePaidFen: 200, feeFen: 0 });
    expect(await paymentLines(w.admin, pay.id)).toEqual(['payment.create', 'payment.paid']);
  });

  it('does not apply a notice for another amount', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(t, w, 2);
    const resident = await residentLogin(t.app, w.residentPhone);
    const pay = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201);
    const outTradeNo = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    const tx = {
      mchid: merchant.mchid,
      appid: merchant.appid,
      out_trade_no: outTradeNo,
      transaction_id: '4200000000000001',
      trade_state: 'SUCCESS',
      amount: { total: 1 },
    };
    expect((await notify(t.app, fake.notice('TRANSACTION.SUCCESS', 'transaction', tx))).statusCode).toBe(204);
    expect(await stored(t, pay.id)).toBe('created');
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${p.id}`), 200)).toMatchObject({ feePaidFen: null, feeFen: 400 });
  });

  it('recovers a lost notice by the order query: when the resident looks, and in the sweep', async () => {
    const w = await createWorld(t.app);
    const [a, b] = [await waiting(t, w, 1), await waiting(t, w, 1)];
    const resident = await residentLogin(t.app, w.residentPhone);
    const payA = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${a.id}/pay-fee`), 201);
    fake.pay([...fake.orders.values()].at(-1)?.outTradeNo ?? '');
    expect(expectStatus(await resident.get<PaymentView>(`/api/resident/payments/${payA.id}`), 200).status).toBe('paid');
    const payB = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${b.id}/pay-fee`), 201);
    fake.pay([...fake.orders.values()].at(-1)?.outTradeNo ?? '');
    t.clock.advance(2 * 60_000);
    await sweepPayments(t.app.ctx);
    expect(expectStatus(await w.admin.get<Parcel>(`/api/parcels/${b.id}`), 200).feePaidFen).toBe(payB.amountFen);
    expect(await paymentLines(w.admin, payB.id)).toEqual(['payment.create', 'payment.paid']);
  });

  it('closes an order left unpaid past its expiry; a provider that is down is 502 and leaves nothing open', async () => {
    const w = await createWorld(t.app);
    const p = await waiting(t, w, 1);
    const resident = await residentLogin(t.app, w.residentPhone);
    const pay = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201);
    const outTradeNo = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    t.clock.advance(31 * 60_000);
    await sweepPayments(t.app.ctx);
    expect(fake.orders.get(outTradeNo)?.state).toBe('CLOSED');
    expect(expectStatus(await resident.get<PaymentView>(`/api/resident/payments/${pay.id}`), 200).status).toBe('closed');

    fake.failWith = 500;
    try {
      expectError(await resident.post(`/api/resident/parcels/${p.id}/pay-fee`), 502, 'payment_unavailable');
    } finally {
      fake.failWith = null;
    }
    const again = expectStatus(await resident.post<PaymentView>(`/api/resident/parcels/${p.id}/pay-fee`), 201);
    expect(again.status).toBe('created');
  });
});

async function deliveryWorld(t: { app: TestApp['app']; clock: TestApp['clock'] }) {
  const w = await createWorld(t.app);
  expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { doorDeliveryFen: 300, doorDeliveryHours: '18:00-21:00' }), 200);
  const resident = await residentLogin(t.app, w.residentPhone);
  return { w, resident };
}

describe('送货上门', () => {
  const t = wx;
  it('requested, paid by notice, dispatched to a runner, delivered with a photo: the parcels end picked up by delivery', async () => {
    const { w, resident } = await deliveryWorld(t);
    const [a, b] = [await waiting(t, w), await waiting(t, w)];
    const d = expectStatus(await resident.post<Delivery>('/api/resident/deliveries', { parcelIds: [a.id, b.id], note: '放门口' }), 201);
    expect(d).toMatchObject({ status: 'requested', amountFen: 600, parcelIds: [a.id, b.id].sort((x, y) => x - y) });
    expect(d.payment).toMatchObject({ purpose: 'door_delivery', amountFen: 600, status: 'created', channel: 'h5' });
    expectError(await resident.post('/api/resident/deliveries', { parcelIds: [a.id] }), 409, 'already_requested');
    expectError(await w.admin.post(`/api/deliveries/${d.id}/dispatch`, { staffId: w.adminId }), 409, 'invalid_state');

    const outTradeNo = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    expect((await notify(t.app, fake.pay(outTradeNo))).statusCode).toBe(204);
    const list = expectStatus(await w.admin.get<{ items: Delivery[] }>('/api/deliveries?status=paid'), 200).items;
    expect(list.map((x) => x.id)).toContain(d.id);

    const runner = await createClerk(t.app, w.admin, [w.community.id]);
    const outsider = await createClerk(t.app, w.admin, []);
    expect((await w.admin.post(`/api/deliveries/${d.id}/dispatch`, { staffId: outsider.staff.id })).status).toBe(400);
    const sent = expectStatus(await w.admin.post<Delivery>(`/api/deliveries/${d.id}/dispatch`, { staffId: runner.staff.id }), 200);
    expect(sent).toMatchObject({ status: 'dispatched', runner: { id: runner.staff.id } });
    expectError(await resident.post(`/api/resident/deliveries/${d.id}/cancel`), 409, 'invalid_state');

    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const boundary = 'XdeliveryX';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="door.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/deliveries/${d.id}/delivered`,
      headers: { cookie: `sid=${runner.client.cookie}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(done.statusCode).toBe(200);
    for (const id of [a.id, b.id]) {
      const p = expectStatus(await w.admin.get<Parcel>(`/api/parcels/${id}`), 200);
      expect(p).toMatchObject({ status: 'picked_up', hasProof: true, pickedUpBy: { relation: 'delivery' } });
    }
    const mine = expectStatus(await resident.get<{ items: Delivery[] }>('/api/resident/deliveries'), 200).items;
    expect(mine.find((x) => x.id === d.id)?.status).toBe('delivered');
  });

  it('the resident sees the terms first; a parcel paid for delivery is not handed out at the desk; one collected before payment has the payment refunded', async () => {
    const { w, resident } = await deliveryWorld(t);
    const terms = expectStatus(
      await resident.get<{ items: { id: number; doorDeliveryFen: number; doorDeliveryHours: string }[] }>('/api/resident/communities'),
      200,
    );
    expect(terms.items).toEqual([expect.objectContaining({ id: w.community.id, doorDeliveryFen: 300, doorDeliveryHours: '18:00-21:00' })]);

    const p = await waiting(t, w);
    const d = expectStatus(await resident.post<Delivery>('/api/resident/deliveries', { parcelIds: [p.id] }), 201);
    expect((await notify(t.app, fake.pay([...fake.orders.values()].at(-1)?.outTradeNo ?? ''))).statusCode).toBe(204);
    expectError(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 409, 'in_delivery');
    expectStatus(await resident.post(`/api/resident/deliveries/${d.id}/cancel`), 200);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/pickup`, { feeFen: 0 }), 200);

    // Asked for, collected at the desk before paying, then paid: refunded, the request stays unpaid.
    const q = await waiting(t, w);
    const d2 = expectStatus(await resident.post<Delivery>('/api/resident/deliveries', { parcelIds: [q.id] }), 201);
    const no2 = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    expectStatus(await w.admin.post(`/api/parcels/${q.id}/pickup`, { feeFen: 0 }), 200);
    expect((await notify(t.app, fake.pay(no2))).statusCode).toBe(204);
    expect(fake.refunds.filter((r) => r.outTradeNo === no2)).toHaveLength(1);
    const after = expectStatus(await resident.get<{ items: Delivery[] }>('/api/resident/deliveries'), 200).items.find((x) => x.id === d2.id);
    expect(after).toMatchObject({ status: 'requested', payment: { status: 'refunded' } });
  });

  it('refuses what it cannot do: not offered, a fee due, another’s parcel', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const p = await waiting(t, w);
    expectError(await resident.post('/api/resident/deliveries', { parcelIds: [p.id] }), 409, 'not_offered');
    expectStatus(await w.admin.patch(`/api/communities/${w.community.id}`, { doorDeliveryFen: 300 }), 200);
    expect((await w.admin.patch(`/api/communities/${w.community.id}`, { doorDeliveryHours: '21:00-18:00' })).status).toBe(400);
    const old = await waiting(t, w, 2);
    expectError(await resident.post('/api/resident/deliveries', { parcelIds: [old.id] }), 409, 'fee_due');
    const stranger = await residentLogin(t.app, randomMobile());
    expectError(await stranger.post('/api/resident/deliveries', { parcelIds: [p.id] }), 404, 'not_found');
    expect((await resident.post('/api/resident/deliveries', { parcelIds: [] })).status).toBe(400);
  });

  it('a paid request cancelled before dispatch is refunded once; a second cancel is refused; a payment after a cancel is refunded', async () => {
    const { w, resident } = await deliveryWorld(t);
    const p = await waiting(t, w);
    const d = expectStatus(await resident.post<Delivery>('/api/resident/deliveries', { parcelIds: [p.id] }), 201);
    const outTradeNo = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    expect((await notify(t.app, fake.pay(outTradeNo))).statusCode).toBe(204);
    const cancelled = expectStatus(await resident.post<Delivery>(`/api/resident/deliveries/${d.id}/cancel`), 200);
    expect(cancelled).toMatchObject({ status: 'cancelled', payment: { status: 'refunded', refundStatus: 'processing' } });
    expectError(await resident.post(`/api/resident/deliveries/${d.id}/cancel`), 409, 'invalid_state');
    expect(fake.refunds.filter((r) => r.outTradeNo === outTradeNo)).toHaveLength(1);
    // WeChat Pay's notice that the refund went through.
    const refund = fake.refunds.find((r) => r.outTradeNo === outTradeNo);
    expect((await notify(t.app, fake.refundNotice(refund?.outRefundNo ?? ''))).statusCode).toBe(204);
    const after = expectStatus(await resident.get<{ items: Delivery[] }>('/api/resident/deliveries'), 200).items.find((x) => x.id === d.id);
    expect(after?.payment).toMatchObject({ status: 'refunded', refundStatus: 'success' });

    // Cancelled while its order was open, paid at WeChat a moment later: the notice is refunded.
    const q = await waiting(t, w);
    const d2 = expectStatus(await resident.post<Delivery>('/api/resident/deliveries', { parcelIds: [q.id] }), 201);
    const no2 = [...fake.orders.values()].at(-1)?.outTradeNo ?? '';
    const notice = fake.pay(no2);
    expectStatus(await resident.post(`/api/resident/deliveries/${d2.id}/cancel`), 200);
    expect((await notify(t.app, notice)).statusCode).toBe(204);
    expect(fake.refunds.filter((r) => r.outTradeNo === no2)).toHaveLength(1);
  });
});

describe('代寄', () => {
  const t = consoleApp;
  it('requested, quoted (SMS), paid, handed over (SMS); service income on the dashboard', async () => {
    const w = await createWorld(t.app);
    const resident = await residentLogin(t.app, w.residentPhone);
    const receiver = { name: '李四', phone: randomMobile(), address: '北京市朝阳区建国路1号' };
    expect(
      (await resident.post('/api/resident/shipments', { communityId: w.community.id, receiver: { ...receiver, phone: '12345678901' }, item: '文件' })).status,
    ).toBe(400);
    // Only from a desk of one's own communities (where one has parcels or a home).
    const elsewhere = await createWorld(t.app);
    expectError(await resident.post('/api/resident/shipments', { communityId: elsewhere.community.id, receiver, item: '文件' }), 404, 'not_found');
    const s = expectStatus(
      await resident.post<Shipment>('/api/resident/shipments', { communityId: w.community.id, receiver, item: '文件', carrier: '顺丰' }),
      201,
    );
    expect(s.status).toBe('requested');
    expectError(await resident.post(`/api/resident/shipments/${s.id}/pay`), 409, 'invalid_state');
    expect((await w.admin.post(`/api/shipments/${s.id}/quote`, { weightGrams: 0, priceFen: 1200 })).status).toBe(400);
    const quoted = expectStatus(await w.admin.post<Shipment>(`/api/shipments/${s.id}/quote`, { weightGrams: 1500, priceFen: 1200 }), 200);
    expect(quoted).toMatchObject({ status: 'quoted', priceFen: 1200 });
    const inbox = () => new Client(t.app).get<{ items: { text: string }[] }>(`/api/dev/messages?to=${w.residentPhone}`);
    expect(expectStatus(await inbox(), 200).items[0]?.text).toContain('1.5kg');
    expectError(await w.admin.post(`/api/shipments/${s.id}/handover`, { trackingNo: 'SF1234567890' }), 409, 'invalid_state');
    const pay = expectStatus(await resident.post<PaymentView>(`/api/resident/shipments/${s.id}/pay`), 201);
    expect(pay).toMatchObject({ purpose: 'shipment', amountFen: 1200 });
    expectStatus(await new Client(t.app).post(`/api/dev/payments/${pay.id}/succeed`), 200);
    const handed = expectStatus(await w.admin.post<Shipment>(`/api/shipments/${s.id}/handover`, { trackingNo: 'sf1234567890' }), 200);
    expect(handed).toMatchObject({ status: 'handed_over', trackingNo: 'SF1234567890' });
    expect(expectStatus(await inbox(), 200).items[0]?.text).toContain('SF1234567890');
    expectError(await resident.post(`/api/resident/shipments/${s.id}/cancel`), 409, 'invalid_state');

    const summary = expectStatus(await w.admin.get<{ serviceIncomeFen: number }>(`/api/stats/summary?communityId=${w.community.id}`), 200);
    expect(summary.serviceIncomeFen).toBe(1200);
    // A clerk of another community sees none of it.
    const other = expectStatus(await w.admin.post<{ id: number }>('/api/communities', { name: `别的小区${Date.now()}` }), 201);
    const clerk = await createClerk(t.app, w.admin, [other.id]);
    expectError(await clerk.client.get(`/api/stats/summary?communityId=${w.community.id}`), 404, 'not_found');
    expect(expectStatus(await clerk.client.get<{ items: Shipment[] }>('/api/shipments'), 200).items).toEqual([]);
    expectError(await clerk.client.post(`/api/shipments/${s.id}/quote`, { weightGrams: 1, priceFen: 1 }), 404, 'not_found');
  });
});
