import { canMove, PARCEL_MOVES, type ParcelMove, type ParcelStatus } from '../../../shared/parcel-status.js';
import { inTransaction, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import type { ParcelUpdate } from '../../db/types.js';
import { AppError, conflict, notFound } from '../../errors.js';
import type { Scope, StaffAuth } from '../../actors.js';
import { enqueueNotification } from '../notifications/notifications.service.js';
import { randomPickupCode } from './pickup-code.js';
import * as repo from './parcels.repo.js';
import type { ParcelJoined } from './parcels.repo.js';
import { feeAsOf, presentEvent, presentParcel } from './parcels.present.js';
import type { ParcelListReq } from './parcels.schema.js';

type Staff = StaffAuth['staff'];

/** Shanghai has no daylight saving: a day there starts at 16:00 UTC the day before. */
function shanghaiDayStart(day: string, plusDays = 0): string {
  const t = Date.parse(`${day}T00:00:00+08:00`) + plusDays * 86_400_000;
  return new Date(t).toISOString();
}

function instant(v: string | undefined, endOfDay: boolean): string | undefined {
  if (v === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return shanghaiDayStart(v, endOfDay ? 1 : 0);
  return new Date(v).toISOString();
}

/** The list's query as the repository's filter (a day in `from`/`to` is a day in Shanghai). */
export function parcelFilter(query: Omit<ParcelListReq, 'page' | 'pageSize'>): repo.ParcelFilter {
  const { from, to, ...rest } = query;
  return { ...rest, from: instant(from, false), to: instant(to, true) };
}

/** 快递记录: the front-desk list with search and filters; fees as of now. */
export async function listParcels(ctx: Ctx, scope: Scope, query: ParcelListReq) {
  const { page, pageSize, ...filter } = query;
  const r = await repo.listParcels(ctx.db, scope, parcelFilter(filter), page, pageSize);
  const now = ctx.now();
  return { items: r.items.map((p) => presentParcel(p, now, 'staff')), total: r.total, ...(r.capped ? { totalCapped: true as const } : {}) };
}

/** Counts for the tabs 待接收, 待领取 and 全部. */
export async function parcelCounts(ctx: Ctx, scope: Scope, communityId?: number) {
  const rows = await repo.countByStatus(ctx.db, scope, communityId);
  const counts = { pending_receipt: 0, awaiting_pickup: 0, picked_up: 0, rejected: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return { ...counts, all: Object.values(counts).reduce((a, b) => a + b, 0) };
}

/** A parcel the staff member may see, or 404. */
export async function parcelInScope(ctx: Ctx, scope: Scope, id: number): Promise<ParcelJoined> {
  const p = await repo.findParcelInScope(ctx.db, scope, id);
  if (!p) throw notFound();
  return p;
}

/** A parcel with its history (the drawer). */
export async function getParcel(ctx: Ctx, scope: Scope, id: number) {
  const p = await parcelInScope(ctx, scope, id);
  const events = await repo.eventsOf(ctx.db, id);
  return { ...presentParcel(p, ctx.now(), 'staff'), events: events.map(presentEvent) };
}

/** The event of a staff member's change to a parcel: who, when, from and to which state, and the details. */
function staffEvent(
  ctx: Ctx,
  p: { id: number; org_id: number },
  staff: Staff,
  at: string,
  [from, to]: [ParcelStatus | null, ParcelStatus],
  detail: Record<string, unknown> | null,
) {
  return repo.insertEvent(ctx.db, {
    parcel_id: p.id,
    org_id: p.org_id,
    at,
    actor_kind: 'staff',
    actor_id: staff.id,
    actor_name: staff.username,
    from_status: from,
    to_status: to,
    detail: detail ? JSON.stringify(detail) : null,
  });
}

/**
 * One move of the state machine, in one transaction: the conditional update (the row must still
 * be in the move's `from` state, so of two clerks exactly one wins), the event and the outbox rows.
 */
async function move(
  ctx: Ctx,
  p: ParcelJoined,
  staff: Staff,
  m: ParcelMove,
  set: ParcelUpdate,
  detail: Record<string, unknown> | null,
  expectWaived?: 0 | 1,
): Promise<number> {
  const { from, to } = PARCEL_MOVES[m];
  if (!canMove(p.status, m) || !(await repo.updateParcelIf(ctx.db, p.id, from, { ...set, status: to }, expectWaived))) {
    throw conflict('invalid_state');
  }
  const { id } = await staffEvent(ctx, p, staff, ctx.now().toISOString(), [from, to], detail);
  return id;
}

/** A pickup code not in use among the community's parcels awaiting pickup. */
async function freshPickupCode(ctx: Ctx, communityId: number): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const code = randomPickupCode();
    if (!(await repo.pickupCodeInUse(ctx.db, communityId, code))) return code;
  }
  throw new AppError(503, 'unavailable', '领取码已用尽，请稍后再试');
}

/** A parcel's place on a shelf (station mode), chosen by the shelves service. */
export interface ShelfPlace {
  shelfId: number;
  layer: number;
  label: string;
}

const shelfColumns = (place: ShelfPlace | null) => (place ? { shelf_id: place.shelfId, shelf_layer: place.layer, shelf_label: place.label } : {});

/** 到件通知 in the receipt's transaction: where, the code (and the shelf label), the fee rule. */
async function notifyReceived(ctx: Ctx, p: ParcelJoined, eventId: number) {
  await enqueueNotification(ctx, {
    orgId: p.org_id,
    parcelId: p.id,
    eventId,
    kind: 'parcel_received',
    recipient: p.recipient_phone,
    params: {
      community: p.community_name,
      carrier: p.carrier,
      trackingTail: p.tracking_no.slice(-4),
      collectionPoint: p.collection_point_name,
      pickupCode: p.pickup_code ?? '',
      feeRateFen: p.fee_rate_fen ?? 0,
      shelfLabel: p.shelf_label,
    },
  });
}

/**
 * 接收 inside a transaction: issues a pickup code, fixes the fee rate as of now, starts the fee
 * clock, puts the parcel on its shelf place (station mode) and queues the resident's notice.
 * Two receipts drawing the same code (or label) at once: the unique index refuses one; run it in
 * `inTransaction` with RECEIPT_RETRY so that it is tried again.
 */
export async function receiveInTransaction(ctx: Ctx, p: ParcelJoined, staff: Staff, opts: { damaged: boolean; place: ShelfPlace | null }) {
  if (p.status !== 'pending_receipt') throw conflict('invalid_state');
  const code = await freshPickupCode(ctx, p.community_id);
  const now = ctx.now().toISOString();
  const eventId = await move(
    ctx,
    p,
    staff,
    'receive',
    {
      received_at: now,
      received_by: staff.id,
      pickup_code: code,
      fee_rate_fen: p.community_fee_rate_fen,
      damaged: opts.damaged ? 1 : 0,
      ...shelfColumns(opts.place),
    },
    { damaged: opts.damaged, ...(opts.place ? { shelfLabel: opts.place.label } : {}) },
  );
  const received = await repo.getParcel(ctx.db, p.id);
  await notifyReceived(ctx, received, eventId);
  return received;
}

/** What a desk intake knows of a parcel the courier never entered. */
export interface DeskParcel {
  orgId: number;
  communityId: number;
  feeRateFen: number;
  carrier: string;
  trackingNo: string;
  courier: { id: number; name: string; phone: string } | null;
  recipientName: string;
  recipientPhone: string;
  resident: { id: number; address: string } | null;
  damaged: boolean;
}

/**
 * 入库 at the desk inside a transaction: the parcel is entered already awaiting pickup (no 待接收
 * step), with its code, its shelf place and the resident's notice; its one event comes from
 * nothing to 待领取. Run it with RECEIPT_RETRY as a receipt.
 */
export async function enterAtDeskInTransaction(ctx: Ctx, staff: Staff, d: DeskParcel, place: ShelfPlace | null) {
  const now = ctx.now().toISOString();
  const { id } = await repo.insertParcel(ctx.db, {
    org_id: d.orgId,
    community_id: d.communityId,
    carrier: d.carrier,
    tracking_no: d.trackingNo,
    courier_id: d.courier?.id ?? null,
    courier_account_id: null,
    courier_name: d.courier?.name ?? '',
    courier_phone: d.courier?.phone ?? '',
    recipient_name: d.recipientName,
    recipient_phone: d.recipientPhone,
    resident_id: d.resident?.id ?? null,
    address: d.resident?.address ?? null,
    status: 'awaiting_pickup',
    damaged: d.damaged ? 1 : 0,
    entered_at: now,
    received_at: now,
    received_by: staff.id,
    pickup_code: await freshPickupCode(ctx, d.communityId),
    fee_rate_fen: d.feeRateFen,
    fee_waived: 0,
    source: 'desk',
    ...shelfColumns(place),
  });
  const { id: eventId } = await staffEvent(ctx, { id, org_id: d.orgId }, staff, now, [null, 'awaiting_pickup'], {
    source: 'desk',
    damaged: d.damaged,
    ...(place ? { shelfLabel: place.label } : {}),
  });
  const entered = await repo.getParcel(ctx.db, id);
  await notifyReceived(ctx, entered, eventId);
  return entered;
}

/** Retry a receipt whose drawn pickup code or shelf label another receipt took at the same instant. */
export const RECEIPT_RETRY = { attempts: 10, retryIf: (err: unknown) => isTaken(err, 'pickup_code', 'shelf_label') };

/** 接收: see receiveInTransaction; the 快递记录 receipt puts no parcel on a shelf. */
export async function receiveParcel(ctx: Ctx, auth: StaffAuth, id: number, damaged = false) {
  const result = await inTransaction(
    ctx,
    async (ctx) => receiveInTransaction(ctx, await parcelInScope(ctx, auth.scope, id), auth.staff, { damaged, place: null }),
    RECEIPT_RETRY,
  );
  return presentParcel(result, ctx.now(), 'staff');
}

/** 拒收: with an optional reason; the courier is told. */
export async function rejectParcel(ctx: Ctx, auth: StaffAuth, id: number, reason?: string) {
  const result = await inTransaction(ctx, async (ctx) => {
    const p = await parcelInScope(ctx, auth.scope, id);
    const eventId = await move(
      ctx,
      p,
      auth.staff,
      'reject',
      {
        rejected_at: ctx.now().toISOString(),
        rejected_by: auth.staff.id,
        reject_reason: reason ?? null,
      },
      reason ? { reason } : null,
    );
    await enqueueNotification(ctx, {
      orgId: p.org_id,
      parcelId: p.id,
      eventId,
      kind: 'parcel_rejected',
      recipient: p.courier_phone,
      params: { community: p.community_name, trackingNo: p.tracking_no, reason: reason ?? null, recipientPhone: p.recipient_phone },
    });
    return repo.getParcel(ctx.db, id);
  });
  return presentParcel(result, ctx.now(), 'staff');
}

/**
 * 领取: the clerk confirms the fee they showed the resident; when it no longer matches (a day
 * turned, a waiver) the answer is 409 `fee_changed` with the fee as of now, and nothing changes.
 */
export async function pickupParcel(ctx: Ctx, auth: StaffAuth, id: number, confirmedFeeFen: number) {
  const result = await inTransaction(ctx, async (ctx) => {
    const p = await parcelInScope(ctx, auth.scope, id);
    if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
    const fee = feeAsOf(p, ctx.now());
    if (fee !== confirmedFeeFen) throw conflict('fee_changed', undefined, { feeFen: fee });
    await pickupInTransaction(ctx, p, auth.staff, fee);
    return repo.getParcel(ctx.db, id);
  });
  return presentParcel(result, ctx.now(), 'staff');
}

/**
 * 领取 inside a transaction, at the fee the clerk confirmed (`feeFen`, already checked against
 * feeAsOf): the move is conditional on the state and on the waiver as read.
 */
export async function pickupInTransaction(ctx: Ctx, p: ParcelJoined, staff: Staff, feeFen: number): Promise<void> {
  await move(
    ctx,
    p,
    staff,
    'pickup',
    {
      picked_up_at: ctx.now().toISOString(),
      picked_up_by: staff.id,
      fee_charged_fen: feeFen,
    },
    { feeFen },
    p.fee_waived,
  );
}

/** 撤销: waives the fee of a parcel awaiting pickup whose fee is above zero; who and when are kept. */
export async function waiveFee(ctx: Ctx, auth: StaffAuth, id: number) {
  const result = await inTransaction(ctx, async (ctx) => {
    const p = await parcelInScope(ctx, auth.scope, id);
    if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
    const now = ctx.now();
    const fee = feeAsOf(p, now);
    if (fee === 0) throw conflict('nothing_to_waive');
    const changed = await repo.updateParcelIf(
      ctx.db,
      id,
      'awaiting_pickup',
      { fee_waived: 1, fee_waived_at: now.toISOString(), fee_waived_by: auth.staff.id },
      0,
    );
    if (!changed) throw conflict('invalid_state');
    await staffEvent(ctx, p, auth.staff, now.toISOString(), ['awaiting_pickup', 'awaiting_pickup'], { feeWaived: true, feeFen: fee });
    return repo.getParcel(ctx.db, id);
  });
  return presentParcel(result, ctx.now(), 'staff');
}

/** Batch 接收 / 拒收: each parcel its own transaction; what could not be done is reported by id. */
export async function batch(ids: number[], one: (id: number) => Promise<unknown>) {
  const done: number[] = [];
  const failed: { id: number; error: string; message: string }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await one(id);
      done.push(id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failed.push({ id, error: err.code, message: err.message });
    }
  }
  return { done, failed };
}

// Station mode (SPEC §14): the parcel queries and moves that desk intake and checkout need.

/** Who the community's latest parcel with this tracking number was for (scan → phone, 'history'). */
export function recipientFromHistory(ctx: Ctx, communityId: number, trackingNo: string) {
  return repo.latestRecipientByTracking(ctx.db, communityId, trackingNo);
}

/**
 * The latest parcel of a community with this tracking number, in any state. An open one (pending
 * or awaiting) is always the latest: the unique index admits one open parcel per number, and a
 * later entry could only come once it had closed.
 */
export function latestParcelByTracking(ctx: Ctx, communityId: number, trackingNo: string) {
  return repo.findLatestByTracking(ctx.db, communityId, trackingNo);
}

/** The open (pending or awaiting) parcel of a community with this tracking number. */
export function openParcelByTracking(ctx: Ctx, communityId: number, trackingNo: string) {
  return repo.findOpenByTracking(ctx.db, communityId, trackingNo);
}

/** A community's parcels awaiting pickup by code, shelf label, phone or phone tail. */
export function awaitingParcels(ctx: Ctx, communityId: number, key: repo.AwaitingKey) {
  return repo.awaitingBy(ctx.db, communityId, key);
}

/** The parcels of these ids that the staff member may see. */
export function parcelsInScope(ctx: Ctx, scope: Scope, ids: number[]) {
  return repo.findParcelsInScope(ctx.db, scope, ids);
}

/** 移库: puts a waiting parcel on another shelf place, with an event (待领取 → 待领取) naming both labels. */
export async function moveToShelfInTransaction(ctx: Ctx, p: ParcelJoined, staff: Staff, place: ShelfPlace) {
  if (
    p.status !== 'awaiting_pickup' ||
    !(await repo.setShelfIfAwaiting(ctx.db, p.id, { shelf_id: place.shelfId, shelf_layer: place.layer, shelf_label: place.label }))
  ) {
    throw conflict('invalid_state');
  }
  await staffEvent(ctx, p, staff, ctx.now().toISOString(), ['awaiting_pickup', 'awaiting_pickup'], { shelfLabel: place.label, fromShelfLabel: p.shelf_label });
  return repo.getParcel(ctx.db, p.id);
}
