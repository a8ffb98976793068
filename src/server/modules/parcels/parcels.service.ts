import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import { AppError, conflict, forbidden, notFound } from '../../errors.js';
import { mayCollect } from '../household/household.service.js';
import { maskPhone } from '../../../shared/phone.js';
import type { PickupRelation } from '../../db/types.js';
import type { CourierAuth, Scope, StaffAuth } from '../../actors.js';
import type { ParcelMove, ParcelStatus } from '../../../shared/parcel-status.js';
import { DAY_MS } from '../../../shared/constants.js';
import { boundInstant } from '../../../shared/time.js';
import { applyMove, type Actor, type MoveChange } from './parcels.moves.js';
import { randomPickupCode } from './pickup-code.js';
import { consentAt, effective, preferenceFor, preferencesNow } from '../preferences/preferences.service.js';
import * as repo from './parcels.repo.js';
import type { ParcelJoined } from './parcels.repo.js';
import { feeAsOf, presentEvent, presentParcel } from './parcels.present.js';
import type { ParcelListReq } from './parcels.schema.js';

type Staff = StaffAuth['staff'];

/** The list's query as the repository's filter (a day in `from`/`to` is a day in Shanghai). */
export async function parcelFilter(ctx: Ctx, scope: Scope, query: Omit<ParcelListReq, 'page' | 'pageSize'>): Promise<repo.ParcelFilter> {
  const { from, to, stale, ...rest } = query;
  const filter: repo.ParcelFilter = { ...rest, from: boundInstant(from, false), to: boundInstant(to, true) };
  if (stale) filter.staleBefore = await staleCutoffs(ctx, scope);
  return filter;
}

/** 滞留 is per community (its returnAfterDays): one cutoff each, of those that have one. */
async function staleCutoffs(ctx: Ctx, scope: Scope): Promise<{ communityId: number; before: string }[]> {
  const now = ctx.now().getTime();
  return (await repo.staleRules(ctx.db, scope)).map((c) => ({
    communityId: Number(c.id),
    before: new Date(now - c.return_after_days * DAY_MS).toISOString(),
  }));
}

/** 快递记录: the front-desk list with search and filters; fees as of now. */
export async function listParcels(ctx: Ctx, scope: Scope, query: ParcelListReq) {
  const { page, pageSize, ...filter } = query;
  const r = await repo.listParcels(ctx.db, scope, await parcelFilter(ctx, scope, filter), page, pageSize);
  const now = ctx.now();
  // The recipients' preferences, for the parcels held now: one query for the page's waiting ones.
  const waiting = r.items.filter((p) => p.status === 'awaiting_pickup');
  const prefs = await preferencesNow(
    ctx,
    scope.orgId,
    waiting.map((p) => ({ communityId: Number(p.community_id), phone: p.recipient_phone })),
  );
  const items = r.items.map((p) => {
    const pref = p.status === 'awaiting_pickup' ? prefs.get(`${Number(p.community_id)}:${p.recipient_phone}`) : undefined;
    return { ...presentParcel(p, now, 'staff'), ...(pref ? { preference: effective(pref, p.carrier) } : {}) };
  });
  return { items, total: r.total, ...(r.capped ? { totalCapped: true as const } : {}) };
}

/** 滞留 now: the parcels awaiting pickup past their community's returnAfterDays (of one community, or all of the scope's). */
export async function staleCount(ctx: Ctx, scope: Scope, communityId?: number): Promise<number> {
  const cutoffs = (await staleCutoffs(ctx, scope)).filter((c) => communityId === undefined || c.communityId === communityId);
  if (cutoffs.length === 0) return 0;
  // The kept waiting counts of these communities, less their parcels received since the cutoff.
  const [waiting, recent] = await Promise.all([
    repo.waitingIn(
      ctx.db,
      scope,
      cutoffs.map((c) => c.communityId),
    ),
    repo.awaitingSince(ctx.db, scope.orgId, cutoffs),
  ]);
  return waiting - recent.reduce((a, r) => a + Number(r.n), 0);
}

/** Counts for the tabs 待接收, 待领取, 问题件 and 全部. */
export async function parcelCounts(ctx: Ctx, scope: Scope, communityId?: number) {
  const rows = await repo.countByStatus(ctx.db, scope, communityId);
  const counts: Record<ParcelStatus, number> = { pending_receipt: 0, awaiting_pickup: 0, picked_up: 0, rejected: 0, exception: 0, returned: 0 };
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
  const [events, consent, now] = await Promise.all([
    repo.eventsOf(ctx.db, id),
    consentAt(ctx, p),
    p.status === 'awaiting_pickup' ? preferenceFor(ctx, p.org_id, p.community_id, p.recipient_phone, p.carrier) : null,
  ]);
  return { ...presentParcel(p, ctx.now(), 'staff'), events: events.map(presentEvent), consent, ...(now ? { preference: now } : {}) };
}

/** A staff member as the actor of a move. */
export const actorOf = (staff: Staff): Actor => ({ kind: 'staff', id: staff.id, name: staff.username });

/** A desk move of the state table on a parcel already read, in the caller's unit of work. */
export function applyStaffMove(ctx: Ctx, move: ParcelMove, staff: Staff, p: ParcelJoined, change: MoveChange = {}) {
  return applyMove(ctx, move, actorOf(staff), { parcel: p }, change);
}

/** A courier's move of the state table (by the courier account), in the caller's unit of work. */
export function applyCourierMove(ctx: Ctx, move: ParcelMove, auth: CourierAuth, p: ParcelJoined, change: MoveChange = {}) {
  return applyMove(ctx, move, { kind: 'courier', id: auth.account.id, name: auth.account.name }, { parcel: p }, change);
}

/** The parcels of these ids that exist, with their community, newest first (the caller checks who may see them). */
export function parcelRows(ctx: Ctx, ids: number[]) {
  return repo.parcelsByIds(ctx.db, ids);
}

/** A pickup code not in use among the community's parcels awaiting pickup. */
export async function freshPickupCode(ctx: Ctx, communityId: number): Promise<string> {
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

/**
 * 接收 in the caller's unit of work: issues a pickup code, fixes the fee rate as of now, starts the fee
 * clock, puts the parcel on its shelf place (station mode) and queues the resident's notice.
 * Two receipts drawing the same code (or label) at once: the unique index refuses one; run it in
 * `inTransaction` with RECEIPT_RETRY so that it is tried again.
 */
export async function receiveInTransaction(ctx: Ctx, p: ParcelJoined, staff: Staff, opts: { damaged: boolean; place: ShelfPlace | null }) {
  const now = nowIso(ctx);
  return applyMove(
    ctx,
    'receive',
    actorOf(staff),
    { parcel: p },
    {
      set: {
        received_at: now,
        received_by: staff.id,
        pickup_code: p.status === 'pending_receipt' ? await freshPickupCode(ctx, p.community_id) : null,
        fee_rate_fen: p.community_fee_rate_fen,
        damaged: opts.damaged ? 1 : 0,
        ...shelfColumns(opts.place),
      },
      detail: { damaged: opts.damaged, ...(opts.place ? { shelfLabel: opts.place.label } : {}) },
    },
  );
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
 * 入库 at the desk in the caller's unit of work: the parcel is entered already awaiting pickup (no 待接收
 * step), with its code, its shelf place and the resident's notice; its one event comes from
 * nothing to 待领取. Run it with RECEIPT_RETRY as a receipt.
 */
export async function enterAtDeskInTransaction(ctx: Ctx, staff: Staff, d: DeskParcel, place: ShelfPlace | null) {
  const now = nowIso(ctx);
  return applyMove(
    ctx,
    'enterAtDesk',
    actorOf(staff),
    {
      insert: {
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
        damaged: d.damaged ? 1 : 0,
        entered_at: now,
        received_at: now,
        received_by: staff.id,
        pickup_code: await freshPickupCode(ctx, d.communityId),
        fee_rate_fen: d.feeRateFen,
        fee_waived: 0,
        source: 'desk',
        ...shelfColumns(place),
      },
    },
    { detail: { source: 'desk', damaged: d.damaged, ...(place ? { shelfLabel: place.label } : {}) } },
  );
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
  const result = await inTransaction(ctx, async (ctx) =>
    applyMove(
      ctx,
      'reject',
      actorOf(auth.staff),
      { parcel: await parcelInScope(ctx, auth.scope, id) },
      { set: { rejected_at: nowIso(ctx), rejected_by: auth.staff.id, reject_reason: reason ?? null }, detail: reason ? { reason } : null },
    ),
  );
  return presentParcel(result, ctx.now(), 'staff');
}

/**
 * 领取: the clerk confirms the fee they showed the resident; when it no longer matches (a day
 * turned, a waiver) the answer is 409 `fee_changed` with the fee as of now, and nothing changes.
 */
export async function pickupParcel(ctx: Ctx, auth: StaffAuth, id: number, confirmedFeeFen: number, collectorPhone?: string) {
  const result = await inTransaction(ctx, async (ctx) => {
    const p = await parcelInScope(ctx, auth.scope, id);
    if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
    const fee = feeAsOf(p, ctx.now());
    if (fee !== confirmedFeeFen) throw conflict('fee_changed', undefined, { feeFen: fee });
    if (p.proof_required === 1 && p.has_proof !== 1) throw conflict('proof_required');
    const proxy = collectorPhone !== undefined && collectorPhone !== p.recipient_phone;
    if (proxy && !(await mayCollect(ctx, p.recipient_phone, collectorPhone))) throw forbidden('not_authorized');
    return pickupInTransaction(ctx, p, auth.staff, fee, proxy ? { relation: 'proxy', phone: collectorPhone } : undefined);
  });
  return presentParcel(result, ctx.now(), 'staff');
}

/**
 * 领取 in the caller's unit of work, at the fee the clerk confirmed (`feeFen`, already checked against
 * feeAsOf): the move is conditional on the state and on the waiver as read.
 */
export async function pickupInTransaction(ctx: Ctx, p: ParcelJoined, staff: Staff, feeFen: number, by?: { relation: PickupRelation; phone: string }) {
  const who = by ?? { relation: 'self' as const, phone: p.recipient_phone };
  // Paid for 送货上门: the runner brings it (cancel the request first to collect it here).
  if (who.relation !== 'delivery' && (await repo.inPaidDelivery(ctx.db, p.org_id, p.id))) throw conflict('in_delivery');
  return applyMove(
    ctx,
    'pickup',
    actorOf(staff),
    { parcel: p },
    {
      // What the parcel earned: paid at the desk now, and online before (支付保管费).
      set: {
        picked_up_at: nowIso(ctx),
        picked_up_by: staff.id,
        fee_charged_fen: feeFen + (p.fee_paid_fen ?? 0),
        picked_up_relation: who.relation,
        picked_up_phone: who.phone,
      },
      detail: {
        feeFen,
        ...(p.fee_paid_fen !== null ? { feePaidOnlineFen: p.fee_paid_fen } : {}),
        ...(who.relation !== 'self' ? { collectedBy: who.relation, collectorPhone: maskPhone(who.phone) } : {}),
      },
      expectWaived: p.fee_waived,
    },
  );
}

/** 撤销: waives the fee of a parcel awaiting pickup whose fee is above zero; who and when are kept. */
export async function waiveFee(ctx: Ctx, auth: StaffAuth, id: number) {
  const result = await inTransaction(ctx, async (ctx) => {
    const p = await parcelInScope(ctx, auth.scope, id);
    const fee = feeAsOf(p, ctx.now());
    return applyMove(
      ctx,
      'waive',
      actorOf(auth.staff),
      { parcel: p },
      { set: { fee_waived: 1, fee_waived_at: nowIso(ctx), fee_waived_by: auth.staff.id }, detail: { feeWaived: true, feeFen: fee }, expectWaived: 0 },
    );
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
export function moveToShelfInTransaction(ctx: Ctx, p: ParcelJoined, staff: Staff, place: ShelfPlace) {
  return applyMove(
    ctx,
    'moveShelf',
    actorOf(staff),
    { parcel: p },
    { set: shelfColumns(place), detail: { shelfLabel: place.label, fromShelfLabel: p.shelf_label } },
  );
}
