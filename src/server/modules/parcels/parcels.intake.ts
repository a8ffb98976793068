import { inTransaction, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import type { ParcelStatus } from '../../db/types.js';
import { conflict, forbidden } from '../../errors.js';
import { keysExpireBefore, requestHash, storedAnswer } from '../../idempotency.js';
import type { CourierAuth } from '../../actors.js';
import { DAY_MS, RECIPIENT_LOOKUP_LIMITS } from '../../../shared/constants.js';
import { hitLimits } from '../auth/rate-limit.js';
import { courierRecordIn } from '../couriers/couriers.service.js';
import { residentForParcel } from '../residents/residents.service.js';
import { applyMove } from './parcels.moves.js';
import * as repo from './parcels.repo.js';
import { presentParcel } from './parcels.present.js';
import type { CourierEntryReq, ParcelViewT } from './parcels.schema.js';

/** The request's fingerprint: the same key with another body is refused. */
function fingerprint(body: CourierEntryReq): string {
  return requestHash([body.communityId, body.trackingNo, body.recipientPhone, body.recipientName]);
}

async function replay(ctx: Ctx, accountId: number, key: string, hash: string): Promise<ParcelViewT | undefined> {
  return storedAnswer<ParcelViewT>(await repo.findIdempotent(ctx.db, accountId, key), hash);
}

/**
 * 派送快递: a courier enters a parcel for a community they deliver to. The carrier is the courier's
 * for that community; a recipient phone of a resident there links the parcel to the resident.
 * The same Idempotency-Key with the same body answers the first result again and creates nothing.
 */
export async function enterParcel(ctx: Ctx, auth: CourierAuth, body: CourierEntryReq, key: string): Promise<ParcelViewT> {
  const account = auth.account;
  const hash = fingerprint(body);
  const earlier = await replay(ctx, account.id, key, hash);
  if (earlier) return earlier;

  const record = await courierRecordIn(ctx, account.phone, body.communityId);
  if (!record) throw forbidden('not_your_community');
  if (record.app_enabled !== 1) throw forbidden('app_closed');
  const resident = await residentForParcel(ctx, body.communityId, body.recipientPhone);

  try {
    const parcel = await inTransaction(ctx, async (ctx) => {
      const now = ctx.now().toISOString();
      const entered = await applyMove(
        ctx,
        'enter',
        { kind: 'courier', id: account.id, name: record.name },
        {
          insert: {
            org_id: record.org_id,
            community_id: record.community_id,
            carrier: record.carrier,
            tracking_no: body.trackingNo,
            courier_id: record.id,
            courier_account_id: account.id,
            courier_name: record.name,
            courier_phone: record.phone,
            recipient_name: body.recipientName,
            recipient_phone: body.recipientPhone,
            resident_id: resident?.id ?? null,
            address: resident?.address ?? null,
            damaged: 0,
            entered_at: now,
            fee_waived: 0,
          },
        },
      );
      const view = presentParcel(entered, ctx.now(), 'courier');
      await repo.insertIdempotent(ctx.db, {
        courier_account_id: account.id,
        key,
        request_hash: hash,
        status_code: 201,
        response: JSON.stringify(view),
        created_at: now,
      });
      return view;
    });
    return parcel;
  } catch (err) {
    if (isTaken(err, 'tracking_no', 'entry_key')) {
      // The same key raced in on another connection (its parcel or its key row won): answer what it stored.
      const stored = await replay(ctx, account.id, key, hash);
      if (stored) return stored;
    }
    if (isTaken(err, 'tracking_no')) throw conflict('duplicate_tracking_no');
    throw err;
  }
}

/**
 * The resident a courier is about to deliver to, by the phone typed, so the courier can confirm
 * name and address before 提交: only within a community the courier delivers to, and at a
 * courier's pace (RECIPIENT_LOOKUP_LIMITS), so that it cannot serve to walk through phones.
 */
/** Drops the courier entries' stored answers older than 48 hours (housekeeping). */
export async function pruneEntryKeys(ctx: Ctx): Promise<void> {
  await repo.deleteIdempotentBefore(ctx.db, keysExpireBefore(ctx.now()));
}

export async function recipientFor(ctx: Ctx, auth: CourierAuth, communityId: number, phone: string) {
  const record = await courierRecordIn(ctx, auth.account.phone, communityId);
  if (!record) throw forbidden('not_your_community');
  const key = `recipient:courier:${auth.account.id}`;
  await hitLimits(ctx, [
    { key: `${key}:h`, windowMs: 3_600_000, limit: RECIPIENT_LOOKUP_LIMITS.perHour },
    { key: `${key}:d`, windowMs: DAY_MS, limit: RECIPIENT_LOOKUP_LIMITS.perDay },
  ]);
  const resident = await residentForParcel(ctx, communityId, phone);
  return { recipient: resident ? { name: resident.name, address: resident.address } : null };
}

/** 派送记录: the courier's own parcels, newest first (others' phones masked, no pickup codes). */
export async function courierParcels(ctx: Ctx, auth: CourierAuth, status: ParcelStatus | undefined, page: number, pageSize: number) {
  const r = await repo.listOwnParcels(ctx.db, { courierAccountId: auth.account.id }, status, page, pageSize);
  const now = ctx.now();
  return { items: r.items.map((p) => presentParcel(p, now, 'courier')), total: r.total };
}

/** The resident's parcels: those addressed to the signed-in phone, newest first. */
export async function residentParcels(ctx: Ctx, phone: string, status: ParcelStatus | undefined, page: number, pageSize: number) {
  const r = await repo.listOwnParcels(ctx.db, { recipientPhone: phone }, status, page, pageSize);
  const now = ctx.now();
  return { items: r.items.map((p) => presentParcel(p, now, 'resident')), total: r.total };
}
