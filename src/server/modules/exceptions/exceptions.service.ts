// 问题件, 退回 and 滞留 (SPEC §15): the desk flags a waiting parcel, resolves it back to waiting
// or returns it to its courier; the courier takes it back (confirmed in the app or by the desk);
// a parcel waiting past its community's returnAfterDays is stale: its resident is told once, and a
// day later its courier is told it is due back.
import type { CourierAuth, StaffAuth } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { notFound } from '../../errors.js';
import { DAY_MS } from '../../../shared/constants.js';
import { courierCommunities } from '../couriers/couriers.service.js';
import { enqueueOnce } from '../notifications/notifications.service.js';
import { presentParcel } from '../parcels/parcels.present.js';
import * as parcels from '../parcels/parcels.service.js';
import { refundPaidOf } from '../payments/payments.service.js';
import * as repo from './exceptions.repo.js';
import type { ExceptionReq } from './exceptions.schema.js';

/** A flagged or returned parcel leaves the shelf and its code: both are free for other parcels. */
const offTheShelf = { pickup_code: null, shelf_id: null, shelf_layer: null, shelf_label: null };

/** 问题件: a waiting parcel flagged (lost, damaged, wrong address, no recipient, other) with a note. */
export async function flagParcel(ctx: Ctx, auth: StaffAuth, id: number, body: ExceptionReq) {
  const moved = await inTransaction(ctx, async (ctx) => {
    const p = await parcels.parcelInScope(ctx, auth.scope, id);
    return parcels.applyStaffMove(ctx, 'flag', auth.staff, p, {
      set: { ...offTheShelf, exception_kind: body.kind, exception_note: body.note ?? null, exception_at: nowIso(ctx) },
      detail: { kind: body.kind, ...(body.note ? { note: body.note } : {}), ...(p.shelf_label ? { shelfLabel: p.shelf_label } : {}) },
    });
  });
  return presentParcel(moved, ctx.now(), 'staff');
}

/** 解决: back to waiting with a fresh pickup code, which the resident is sent (as at a receipt). */
export async function resolveParcel(ctx: Ctx, auth: StaffAuth, id: number) {
  const moved = await inTransaction(
    ctx,
    async (ctx) => {
      const p = await parcels.parcelInScope(ctx, auth.scope, id);
      return parcels.applyStaffMove(ctx, 'resolve', auth.staff, p, { set: { pickup_code: await parcels.freshPickupCode(ctx, p.community_id) } });
    },
    parcels.RECEIPT_RETRY,
  );
  return presentParcel(moved, ctx.now(), 'staff');
}

/** 退回: a waiting or flagged parcel given back to its courier, who is told to come for it. */
export async function returnParcel(ctx: Ctx, auth: StaffAuth, id: number, reason?: string) {
  const moved = await inTransaction(ctx, async (ctx) => {
    const p = await parcels.parcelInScope(ctx, auth.scope, id);
    return parcels.applyStaffMove(ctx, 'returnToCourier', auth.staff, p, {
      set: { ...offTheShelf, returned_at: nowIso(ctx), return_reason: reason ?? null },
      detail: { ...(reason ? { reason } : {}), ...(p.shelf_label ? { shelfLabel: p.shelf_label } : {}) },
    });
  });
  // A custody fee paid online for a parcel that goes back uncollected is refunded.
  if (moved.fee_paid_at !== null) await refundPaidOf(ctx, { org_id: moved.org_id, id: moved.id }, 'custody_fee', '包裹已退回快递员');
  return presentParcel(moved, ctx.now(), 'staff');
}

/** 已取回, recorded at the desk: the courier took the returned parcel. */
export async function handOver(ctx: Ctx, auth: StaffAuth, id: number) {
  const moved = await inTransaction(ctx, async (ctx) => {
    const p = await parcels.parcelInScope(ctx, auth.scope, id);
    return parcels.applyStaffMove(ctx, 'handOver', auth.staff, p, { set: { taken_back_at: nowIso(ctx) } });
  });
  return presentParcel(moved, ctx.now(), 'staff');
}

/** A parcel returned to this courier (by phone, in one of their communities) and not taken yet, or 404. */
async function courierReturn(ctx: Ctx, auth: CourierAuth, id: number) {
  const [p] = await parcels.parcelRows(ctx, [id]);
  const communities = new Set((await courierCommunities(ctx, auth.account.phone)).map((c) => c.communityId));
  if (!p || p.courier_phone !== auth.account.phone || !communities.has(p.community_id)) throw notFound();
  return p;
}

/** 待取回 in the courier app: what the desks of the courier's communities have returned to them. */
export async function courierReturns(ctx: Ctx, auth: CourierAuth) {
  const communities = (await courierCommunities(ctx, auth.account.phone)).map((c) => c.communityId);
  const ids = (await repo.returnsFor(ctx.db, communities, auth.account.phone)).map((r) => Number(r.id));
  const rows = await parcels.parcelRows(ctx, ids);
  const now = ctx.now();
  return { items: rows.map((p) => presentParcel(p, now, 'courier')), total: rows.length };
}

/** 确认取回 in the courier app. */
export async function courierTakeBack(ctx: Ctx, auth: CourierAuth, id: number) {
  const moved = await inTransaction(ctx, async (ctx) => {
    const p = await courierReturn(ctx, auth, id);
    return parcels.applyCourierMove(ctx, 'takeBack', auth, p, { set: { taken_back_at: nowIso(ctx) } });
  });
  return presentParcel(moved, ctx.now(), 'courier');
}

/**
 * 滞留: for each community with returnAfterDays, the waiting parcels past it whose resident has
 * not been told yet are told once (a 滞留提醒), and a day later their courier is told they are
 * due back (待取回). Each parcel's note and message are one unit, the note conditional: of two
 * processes sweeping at once, one sends. Answers how many messages were queued.
 */
export async function queueStaleNotices(ctx: Ctx): Promise<number> {
  const now = ctx.now();
  let queued = 0;
  /** The parcel's note, then (only if this process made it) its message, in one unit. */
  const once = (orgId: number, parcelId: number, column: 'stale_notified_at' | 'due_back_notified_at', queue: (u: Ctx) => Promise<number>) =>
    inTransaction(ctx, async (u) => ((await repo.markNotified(u.db, orgId, parcelId, column, nowIso(u))) ? queue(u) : 0));
  for (const c of await repo.staleCommunities(ctx.db)) {
    const orgId = Number(c.org_id);
    const cutoff = (extraDays: number) => new Date(now.getTime() - (c.return_after_days + extraDays) * DAY_MS).toISOString();
    const place = { community: c.name, collectionPoint: c.collection_point_name, days: c.return_after_days };
    for (const p of await repo.newlyStale(ctx.db, orgId, Number(c.id), cutoff(0))) {
      const params = { ...place, trackingTail: p.tracking_no.slice(-4), pickupCode: p.pickup_code ?? '' };
      queued += await once(orgId, Number(p.id), 'stale_notified_at', (u) =>
        enqueueOnce(u, { orgId, parcelId: Number(p.id), kind: 'parcel_stale', recipient: p.recipient_phone, dedupeKey: `stale:${p.id}`, params }),
      );
    }
    for (const p of await repo.newlyDueBack(ctx.db, orgId, Number(c.id), cutoff(1))) {
      const params = { ...place, trackingNo: p.tracking_no };
      queued += await once(orgId, Number(p.id), 'due_back_notified_at', async (u) =>
        p.courier_phone
          ? enqueueOnce(u, { orgId, parcelId: Number(p.id), kind: 'parcel_due_back', recipient: p.courier_phone, dedupeKey: `dueback:${p.id}`, params })
          : 0,
      );
    }
  }
  return queued;
}
