// Who is told by which channel, the SMS caps and the daily overdue reminder (催取), with
// in-process providers that record what they were given (the real providers have their own
// tests against fake Tencent and WeChat servers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleMessaging, type Messaging } from '../src/server/modules/notifications/messaging.js';
import { ProviderError, type MessageProvider, type OutgoingMessage } from '../src/server/modules/notifications/provider.js';
import { leaseDue } from '../src/server/modules/notifications/notifications.repo.js';
import { queueReminders } from '../src/server/modules/notifications/reminders.js';
import type { Community, Notification, Page, Parcel } from './support/api.js';
import { buildTestApp, testDatabase, type TestApp } from './support/app.js';
import { createWorld, enterParcel, expectStatus, staffLogin } from './support/factories.js';

/** Records every message (and files it in the dev inbox, where sign-in codes are read); throws `failWith` while it is set. */
class Recorder implements MessageProvider {
  sent: OutgoingMessage[] = [];
  failWith: Error | null = null;
  inner: MessageProvider | null = null;
  constructor(readonly name: string) {}
  async send(msg: OutgoingMessage, now: Date): Promise<void> {
    if (this.failWith) throw this.failWith;
    await this.inner?.send(msg, now);
    this.sent.push(msg);
  }
  to(who: string) {
    return this.sent.filter((m) => m.to === who || m.phone === who);
  }
}

const sms = new Recorder('sms');
const wechat = new Recorder('wechat');
let t: TestApp;
beforeAll(async () => {
  const database = await testDatabase();
  const console = consoleMessaging(database.db);
  sms.inner = console.sms;
  const messaging: Messaging = { ...console, sms, wechat, smsCaps: { perHour: 3, perDay: 5 } };
  t = await buildTestApp({ database, messaging });
});
afterAll(async () => {
  await t.close();
  await t.database.close();
});

const HOUR = 3_600_000;
const openid = (tag: string) => `o${tag.padEnd(27, 'x')}`;
const bind = (phone: string, id: string) =>
  t.database.db.insertInto('wechat_bindings').values({ phone, openid: id, bound_at: t.clock.now().toISOString() }).execute();
const rowsOf = (parcelId: number) => t.database.db.selectFrom('outbox').selectAll().where('parcel_id', '=', parcelId).orderBy('id').execute();

async function receivedParcel(w: Awaited<ReturnType<typeof createWorld>>, admin = w.admin): Promise<Parcel> {
  const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
  return expectStatus(await admin.post<Parcel>(`/api/parcels/${p.id}/receive`, {}), 200);
}

describe('channels', () => {
  it('sends the received notice by SMS to everyone and by WeChat too to a bound resident', async () => {
    const w = await createWorld(t.app);
    const plain = await receivedParcel(w);
    expect((await rowsOf(plain.id)).map((r) => r.channel)).toEqual(['sms']);

    await bind(w.residentPhone, openid('resident'));
    const both = await receivedParcel(w);
    expect((await rowsOf(both.id)).map((r) => r.channel)).toEqual(['sms', 'wechat']);
    await t.app.outbox.runOnce();
    expect(sms.to(w.residentPhone).map((m) => m.params.pickupCode)).toEqual([plain.pickupCode, both.pickupCode]);
    const [byWechat] = wechat.to(openid('resident'));
    expect(byWechat).toMatchObject({ channel: 'wechat', kind: 'parcel_received', phone: w.residentPhone, params: { pickupCode: both.pickupCode } });
    // Where, how long it is free and the fee: in the SMS and the WeChat message alike.
    for (const m of [sms.to(w.residentPhone)[1], byWechat]) expect(m?.text).toMatch(/已到.+管理处，领取码\d{6}。24小时内免费保管，超时按2元\/天收取保管费/);
  });

  it('tells a bound courier of a rejection by WeChat, and by SMS when WeChat cannot deliver; phones masked', async () => {
    const w = await createWorld(t.app);
    await bind(w.courierPhone, openid('courier'));
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/reject`, { reason: '破损' }), 200);
    expect((await rowsOf(p.id)).map((r) => r.channel)).toEqual(['wechat']);

    wechat.failWith = new ProviderError('43004 user unsubscribed', false, '43004');
    try {
      await t.app.outbox.runOnce();
    } finally {
      wechat.failWith = null;
    }
    const [failed, fallback] = await rowsOf(p.id);
    expect(failed).toMatchObject({ channel: 'wechat', status: 'failed', attempts: 1, last_error: '43004 user unsubscribed' });
    expect(fallback).toMatchObject({ channel: 'sms', status: 'sent', recipient: w.courierPhone });
    const [text] = sms
      .to(w.courierPhone)
      .filter((m) => m.kind === 'parcel_rejected')
      .map((m) => m.text);
    expect(text).toContain(`*******${w.residentPhone.slice(-4)}`);
    expect(text).not.toContain(w.residentPhone);
    expect(text).toContain('破损');
  });
});

describe('SMS caps', () => {
  it('caps SMS to one phone per hour; the capped message shows in 通知记录 and can be sent later', async () => {
    const w = await createWorld(t.app);
    const parcels = [];
    for (let i = 0; i < 4; i++) parcels.push(await receivedParcel(w));
    await t.app.outbox.runOnce();
    const statuses = await Promise.all(parcels.map(async (p) => (await rowsOf(p.id))[0]?.status));
    expect(statuses).toEqual(['sent', 'sent', 'sent', 'capped']);
    const list = expectStatus(await w.admin.get<Page<Notification> & { smsCaps: unknown }>('/api/notifications?status=capped'), 200);
    expect(list.items).toHaveLength(1);
    expect(list.smsCaps).toEqual({ perHour: 3, perDay: 5 });
    expect(list.items[0]).toMatchObject({ status: 'capped', lastError: '已达短信上限：每小时3条' });

    t.clock.advance(HOUR + 60_000);
    expectStatus(await w.admin.post(`/api/notifications/${list.items[0]?.id}/retry`), 200);
    await t.app.outbox.runOnce();
    expect((await rowsOf(parcels[3]?.id ?? 0))[0]?.status).toBe('sent');
    // The daily cap (5) still holds after the hour.
    for (let i = 0; i < 2; i++) await receivedParcel(w);
    await t.app.outbox.runOnce();
    const capped = await t.database.db
      .selectFrom('outbox')
      .select('last_error')
      .where('recipient', '=', w.residentPhone)
      .where('status', '=', 'capped')
      .execute();
    expect(capped.map((r) => r.last_error)).toEqual(['已达短信上限：每天5条']);
  });
});

describe('催取: the daily overdue reminder', () => {
  it('reminds each resident once a day from the hour, of parcels waiting over 24 hours, where switched on', async () => {
    t.clock.set('2026-03-01T00:00:00.000Z'); // 08:00 in Shanghai
    const w = await createWorld(t.app);
    const old1 = await receivedParcel(w);
    const old2 = await receivedParcel(w);
    await t.app.outbox.runOnce(); // their notices go now (this file's caps are 3 an hour)
    t.clock.set('2026-03-02T01:30:00.000Z'); // the next day, 09:30: before the hour
    const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123'); // a new working day
    const fresh = await receivedParcel(w, admin);
    expect(await queueReminders(t.app.ctx, 10)).toBe(0);

    t.clock.set('2026-03-02T02:30:00.000Z'); // 10:30
    const reminders = () =>
      t.database.db.selectFrom('outbox').selectAll().where('kind', '=', 'pickup_reminder').where('recipient', '=', w.residentPhone).orderBy('id').execute();
    // Several processes at once, and again later: one reminder for the day.
    const allReminders = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('kind', '=', 'pickup_reminder')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await allReminders();
    const queued = await Promise.all([queueReminders(t.app.ctx, 10), queueReminders(t.app.ctx, 10), queueReminders(t.app.ctx, 10)]);
    // (Other tests' residents here are overdue too: the three runs share their rows between them.)
    expect(queued.reduce((a, n) => a + n, 0)).toBe((await allReminders()) - before);
    expect(await queueReminders(t.app.ctx, 10)).toBe(0);
    expect(await reminders()).toHaveLength(1);
    const [first] = await reminders();
    expect(JSON.parse(first?.params ?? '{}')).toMatchObject({ pickupCodes: [old1.pickupCode, old2.pickupCode] });
    expect(first?.dedupe_key).toBe(`remind:${w.community.id}:${w.residentPhone}:2026-03-02`);
    await t.app.outbox.runOnce();
    const text =
      sms
        .to(w.residentPhone)
        .filter((m) => m.kind === 'pickup_reminder')
        .at(-1)?.text ?? '';
    expect(text).toContain(`催取提醒：您有2件快递在${w.community.name}`);
    expect(text).not.toContain(fresh.pickupCode ?? 'none');

    // The next day at 21:30, too late: none; at 10:05 the day after, one, now with all three.
    t.clock.set('2026-03-03T13:30:00.000Z');
    expect(await queueReminders(t.app.ctx, 10)).toBe(0);
    t.clock.set('2026-03-04T02:05:00.000Z');
    expect(await queueReminders(t.app.ctx, 10)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse((await reminders()).at(-1)?.params ?? '{}').pickupCodes).toHaveLength(3);

    // Switched off for the community: none.
    const later = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const off = expectStatus(await later.patch<Community>(`/api/communities/${w.community.id}`, { remindersEnabled: false }), 200);
    expect(off.remindersEnabled).toBe(false);
    t.clock.set('2026-03-05T02:05:00.000Z');
    await queueReminders(t.app.ctx, 10);
    expect(await reminders()).toHaveLength(2);
  });
});

describe('leases', () => {
  it('lease at most a batch, and two leases never share a message', async () => {
    const w = await createWorld(t.app);
    const now = t.clock.now().toISOString();
    const later = new Date(t.clock.now().getTime() + 60_000).toISOString();
    await t.database.db
      .insertInto('outbox')
      .values(
        Array.from({ length: 100 }, (_, i) => ({
          org_id: w.org.id,
          parcel_id: null,
          event_id: null,
          kind: 'pickup_reminder' as const,
          channel: 'sms' as const,
          recipient: `1390000${String(i).padStart(4, '0')}`,
          params: '{}',
          status: 'queued' as const,
          attempts: 0,
          // Due before every other test's messages, so these are the ones leased.
          next_attempt_at: '2000-01-01T00:00:00.000Z',
          created_at: now,
          dedupe_key: `lease-test:${w.org.id}:${i}`,
        })),
      )
      .execute();
    const [a, b] = await Promise.all([
      t.database.db.transaction().execute((trx) => leaseDue(trx, now, later, 20)),
      t.database.db.transaction().execute((trx) => leaseDue(trx, now, later, 20)),
    ]);
    expect(a).toHaveLength(20);
    expect(b).toHaveLength(20);
    const ids = new Set([...a, ...b].map((r) => r.id));
    expect(ids.size).toBe(40);
    await t.database.db.deleteFrom('outbox').where('org_id', '=', w.org.id).where('kind', '=', 'pickup_reminder').execute();
  });
});
