import { describe, expect, it } from 'vitest';
import type { ApiError, DevInbox, Page, Parcel, ParcelDetail } from './support/api.js';
import { useTestApp } from './support/app.js';
import { Client, createWorld, enterParcel, expectStatus, residentLogin } from './support/factories.js';

const t = useTestApp();

describe("the guide's parcel flow", () => {
  it('courier enters, front desk receives with a code, resident is told and collects paying the fee', async () => {
    const w = await createWorld(t.app);
    t.clock.set('2025-12-21T02:48:00.000Z'); // 12-21 10:48 in Shanghai
    const entered = expectStatus(
      await enterParcel(w.courier, { communityId: w.community.id, trackingNo: '1061583803517', recipientPhone: w.residentPhone, recipientName: '兰兰啊' }),
      201,
    );
    expect(entered).toMatchObject({ status: 'pending_receipt', carrier: '百世', trackingNo: '1061583803517', address: null, pickupCode: null });

    const pending = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?status=pending_receipt`), 200);
    expect(pending.total).toBe(1);
    expect(pending.items[0]).toMatchObject({
      id: entered.id,
      address: '1/1/101',
      recipientPhone: w.residentPhone,
      courier: { name: w.courierName, phone: w.courierPhone },
    });

    const received = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${entered.id}/receive`, { damaged: true }), 200);
    expect(received).toMatchObject({ status: 'awaiting_pickup', damaged: true, feeFen: 0, feeRateFen: 200 });
    expect(received.pickupCode).toMatch(/^\d{6}$/);

    // The resident's SMS names the community, carrier, tracking tail, collection point, code and fee rule.
    expect(await t.app.outbox.runOnce()).toBe(1);
    const inbox = expectStatus(await new Client(t.app).get<DevInbox>(`/api/dev/messages?to=${w.residentPhone}`), 200);
    const notice = inbox.items[0]?.text;
    for (const part of [w.community.name, '百世', '3517', w.community.collectionPointName, received.pickupCode, '24小时内免费', '2元/天']) {
      expect(notice).toContain(part);
    }

    // 01-08 15:30: 18 full days later → ¥36.00.
    t.clock.set('2026-01-08T07:30:00.000Z');
    const found = expectStatus(await w.admin.get<Page<Parcel>>(`/api/parcels?status=awaiting_pickup&q=${received.pickupCode}`), 200);
    expect(found.total).toBe(1);
    expect(found.items[0]?.feeFen).toBe(3600);

    const resident = await residentLogin(t.app, w.residentPhone);
    const mine = expectStatus(await resident.get<Page<Parcel>>('/api/resident/parcels?status=awaiting_pickup'), 200);
    expect(mine.items[0]).toMatchObject({ pickupCode: received.pickupCode, feeFen: 3600, collectionPointName: w.community.collectionPointName });
    // The resident sees nobody else's phone or name: the courier's are masked.
    expect(mine.items[0]?.courier).toEqual({
      id: null,
      name: `${w.courierName[0]}${'*'.repeat(w.courierName.length - 1)}`,
      phone: `*******${w.courierPhone.slice(-4)}`,
    });

    const wrongFee = await w.admin.post(`/api/parcels/${entered.id}/pickup`, { feeFen: 0 });
    expect(wrongFee.status).toBe(409);
    expect(wrongFee.body).toMatchObject({ error: 'fee_changed', feeFen: 3600 });

    const picked = expectStatus(await w.admin.post<Parcel>(`/api/parcels/${entered.id}/pickup`, { feeFen: 3600 }), 200);
    expect(picked).toMatchObject({ status: 'picked_up', feeChargedFen: 3600, feeFen: 3600, pickupCode: null });

    const again = await w.admin.post<ApiError>(`/api/parcels/${entered.id}/pickup`, { feeFen: 3600 });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('invalid_state');

    const detail = expectStatus(await w.admin.get<ParcelDetail>(`/api/parcels/${entered.id}`), 200);
    expect(detail.events.map((e: { from: string | null; to: string }) => `${e.from}->${e.to}`)).toEqual([
      'null->pending_receipt',
      'pending_receipt->awaiting_pickup',
      'awaiting_pickup->picked_up',
    ]);
    expect(detail.events[2]?.detail).toEqual({ feeFen: 3600 });
  });
});
