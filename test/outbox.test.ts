import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../src/server/modules/notifications/delivery.js';
import { consoleProvider, type MessageProvider, type OutgoingMessage } from '../src/server/modules/notifications/provider.js';
import type { Notification, Page } from './support/api.js';
import { buildTestApp, testDatabase, type TestApp } from './support/app.js';
import { Client, createWorld, enterParcel, expectStatus, randomMobile, staffLogin } from './support/factories.js';

/** The console provider, failing while `down` is set; records what it delivered. */
class FlakyProvider implements MessageProvider {
  readonly name = 'flaky';
  down = false;
  delivered: OutgoingMessage[] = [];
  constructor(private readonly inner: MessageProvider) {}
  async send(msg: OutgoingMessage, now: Date): Promise<void> {
    if (this.down) throw new Error('provider answered 500');
    await this.inner.send(msg, now);
    this.delivered.push(msg);
  }
}

let provider: FlakyProvider;
let t: TestApp;
beforeAll(async () => {
  const database = await testDatabase();
  provider = new FlakyProvider(consoleProvider(database.db));
  t = await buildTestApp({ provider, database });
});
afterAll(async () => {
  await t.close();
  await t.database.close();
});

async function outboxOf(parcelId: number) {
  return t.database.db.selectFrom('outbox').selectAll().where('parcel_id', '=', parcelId).executeTakeFirstOrThrow();
}

describe('the outbox', () => {
  it('is written with the state change, retried with backoff on failure, then sent once', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    provider.down = true;
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200); // the answer does not wait for sending
    expect(await outboxOf(p.id)).toMatchObject({ status: 'queued', attempts: 0, kind: 'parcel_received', recipient: w.residentPhone });

    expect(await t.app.outbox.runOnce()).toBe(0);
    const failedOnce = await outboxOf(p.id);
    expect(failedOnce).toMatchObject({ status: 'queued', attempts: 1, last_error: 'provider answered 500' });
    expect(Date.parse(failedOnce.next_attempt_at)).toBeGreaterThan(t.clock.now().getTime());
    // Not due yet: nothing is tried.
    expect(await t.app.outbox.runOnce()).toBe(0);
    expect((await outboxOf(p.id)).attempts).toBe(1);

    provider.down = false;
    t.clock.set(failedOnce.next_attempt_at);
    expect(await t.app.outbox.runOnce()).toBe(1);
    expect(await outboxOf(p.id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null, sent_at: t.clock.now().toISOString() });
    expect(provider.delivered.filter((m) => m.to === w.residentPhone)).toHaveLength(1);
    expect(await t.app.outbox.runOnce()).toBe(0);
  });

  it('gives up after the maximum of attempts as failed with the last error; staff can retry it', async () => {
    const w = await createWorld(t.app);
    const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post(`/api/parcels/${p.id}/reject`, { reason: '破损' }), 200);
    provider.down = true;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await t.app.outbox.runOnce();
      const row = await outboxOf(p.id);
      if (row.status === 'queued') t.clock.set(row.next_attempt_at);
    }
    const failed = await outboxOf(p.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'provider answered 500', recipient: w.courierPhone });

    const admin = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const list = expectStatus(await admin.get<Page<Notification>>('/api/notifications?status=failed'), 200);
    expect(list.items.map((n: { id: number }) => n.id)).toContain(failed.id);
    expect(list.items[0]?.text).toContain('拒收');

    provider.down = false;
    const retried = expectStatus(await admin.post<Notification>(`/api/notifications/${failed.id}/retry`), 200);
    expect(retried).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await admin.post(`/api/notifications/${failed.id}/retry`)).status).toBe(409);
    expect(await t.app.outbox.runOnce()).toBe(1);
    expect((await outboxOf(p.id)).status).toBe('sent');
  });

  it('answers 503 when a sign-in code cannot be sent', async () => {
    provider.down = true;
    try {
      const r = await new Client(t.app).post('/api/auth/otp', { phone: randomMobile(), purpose: 'resident' });
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ error: 'unavailable', message: '短信发送失败，请稍后再试' });
    } finally {
      provider.down = false;
    }
  });

  it('delivers on its own timer in a running server', async () => {
    const running = await buildTestApp({ provider, database: t.database, clock: t.clock, config: { backgroundJobs: true } });
    try {
      const w = await createWorld(running.app);
      const p = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
      expectStatus(await w.admin.post(`/api/parcels/${p.id}/receive`, {}), 200);
      await expect.poll(async () => (await outboxOf(p.id)).status, { timeout: 5000 }).toBe('sent');
    } finally {
      await running.close();
    }
  });
});
