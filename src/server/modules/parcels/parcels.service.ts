import type { Transaction } from 'kysely';
import { canMove, PARCEL_MOVES, type ParcelMove } from '../../../shared/parcel-status.js';
import { inTransaction, type Ctx } from '../../context.js';
import { isUniqueViolation } from '../../db/dialect.js';
import type { DB, ParcelUpdate } from '../../db/types.js';
import { AppError, conflict, notFound } from '../../errors.js';
import type { Scope, StaffAuth } from '../../actors.js';
import { enqueueNotification } from '../notifications/notifications.service.js';
import { randomPickupCode } from './pickup-code.js';
import * as repo from './parcels.repo.js';
import type { ParcelJoined } from './parcels.repo.js';
import { feeAsOf, presentEvent, presentParcel } from './parcels.present.js';
import type { ParcelListReq } from './parcels.schema.js';

type Staff = StaffAuth['staff'];
type Trx = Transaction<DB>;

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
  const r = await repo.listParcels(ctx.db, ctx.dialect === 'postgres', scope, parcelFilter(filter), page, pageSize);
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

async function parcelInScope(db: Ctx['db'] | Trx, scope: Scope, id: number): Promise<ParcelJoined> {
  const p = await repo.findParcelInScope(db, scope, id);
  if (!p) throw notFound();
  return p;
}

/** A parcel with its history (the drawer). */
export async function getParcel(ctx: Ctx, scope: Scope, id: number) {
  const p = await parcelInScope(ctx.db, scope, id);
  const events = await repo.eventsOf(ctx.db, id);
  return { ...presentParcel(p, ctx.now(), 'staff'), events: events.map(presentEvent) };
}

/**
 * One move of the state machine, in one transaction: the conditional update (the row must still
 * be in the move's `from` state, so of two clerks exactly one wins), the event and the outbox rows.
 */
async function move(
  ctx: Ctx,
  trx: Trx,
  p: ParcelJoined,
  staff: Staff,
  m: ParcelMove,
  set: ParcelUpdate,
  detail: Record<string, unknown> | null,
  expectWaived?: 0 | 1,
): Promise<number> {
  const { from, to } = PARCEL_MOVES[m];
  if (!canMove(p.status, m) || !(await repo.updateParcelIf(trx, p.id, from, { ...set, status: to }, expectWaived))) {
    throw conflict('invalid_state');
  }
  const { id } = await repo.insertEvent(trx, {
    parcel_id: p.id,
    org_id: p.org_id,
    at: ctx.now().toISOString(),
    actor_kind: 'staff',
    actor_id: staff.id,
    actor_name: staff.username,
    from_status: from,
    to_status: to,
    detail: detail ? JSON.stringify(detail) : null,
  });
  return id;
}

/** A pickup code not in use among the community's parcels awaiting pickup. */
async function freshPickupCode(trx: Trx, communityId: number): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const code = randomPickupCode();
    if (!(await repo.pickupCodeInUse(trx, communityId, code))) return code;
  }
  throw new AppError(503, 'unavailable', '领取码已用尽，请稍后再试');
}

/**
 * 接收: issues a pickup code, fixes the fee rate as of now, starts the fee clock and tells the
 * resident. Two receipts drawing the same code at once: the unique index refuses one, which is retried.
 */
export async function receiveParcel(ctx: Ctx, auth: StaffAuth, id: number, damaged = false) {
  const result = await inTransaction(
    ctx,
    async (trx) => {
      const p = await parcelInScope(trx, auth.scope, id);
      if (p.status !== 'pending_receipt') throw conflict('invalid_state');
      const code = await freshPickupCode(trx, p.community_id);
      const now = ctx.now().toISOString();
      const eventId = await move(ctx, trx, p, auth.staff, 'receive', {
        received_at: now,
        received_by: auth.staff.id,
        pickup_code: code,
        fee_rate_fen: p.community_fee_rate_fen,
        damaged: damaged ? 1 : 0,
      }, { damaged });
      await enqueueNotification(ctx, trx, {
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
          pickupCode: code,
          feeRateFen: p.community_fee_rate_fen,
        },
      });
      return repo.getParcel(trx, id);
    },
    { attempts: 10, retryIf: (err) => isUniqueViolation(err, 'pickup_code') },
  );
  ctx.outboxKick();
  return presentParcel(result, ctx.now(), 'staff');
}

/** 拒收: with an optional reason; the courier is told. */
export async function rejectParcel(ctx: Ctx, auth: StaffAuth, id: number, reason?: string) {
  const result = await inTransaction(ctx, async (trx) => {
    const p = await parcelInScope(trx, auth.scope, id);
    const eventId = await move(ctx, trx, p, auth.staff, 'reject', {
      rejected_at: ctx.now().toISOString(),
      rejected_by: auth.staff.id,
      reject_reason: reason ?? null,
    }, reason ? { reason } : null);
    await enqueueNotification(ctx, trx, {
      orgId: p.org_id,
      parcelId: p.id,
      eventId,
      kind: 'parcel_rejected',
      recipient: p.courier_phone,
      params: { community: p.community_name, trackingNo: p.tracking_no, reason: reason ?? null, recipientPhone: p.recipient_phone },
    });
    return repo.getParcel(trx, id);
  });
  ctx.outboxKick();
  return presentParcel(result, ctx.now(), 'staff');
}

/**
 * 领取: the clerk confirms the fee they showed the resident; when it no longer matches (a day
 * turned, a waiver) the answer is 409 `fee_changed` with the fee as of now, and nothing changes.
 */
export async function pickupParcel(ctx: Ctx, auth: StaffAuth, id: number, confirmedFeeFen: number) {
  const result = await inTransaction(ctx, async (trx) => {
    const p = await parcelInScope(trx, auth.scope, id);
    if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
    const now = ctx.now();
    const fee = feeAsOf(p, now);
    if (fee !== confirmedFeeFen) throw conflict('fee_changed', undefined, { feeFen: fee });
    await move(ctx, trx, p, auth.staff, 'pickup', {
      picked_up_at: now.toISOString(),
      picked_up_by: auth.staff.id,
      fee_charged_fen: fee,
    }, { feeFen: fee }, p.fee_waived);
    return repo.getParcel(trx, id);
  });
  return presentParcel(result, ctx.now(), 'staff');
}

/** 撤销: waives the fee of a parcel awaiting pickup whose fee is above zero; who and when are kept. */
export async function waiveFee(ctx: Ctx, auth: StaffAuth, id: number) {
  const result = await inTransaction(ctx, async (trx) => {
    const p = await parcelInScope(trx, auth.scope, id);
    if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
    const now = ctx.now();
    const fee = feeAsOf(p, now);
    if (fee === 0) throw conflict('nothing_to_waive');
    const changed = await repo.updateParcelIf(
      trx,
      id,
      'awaiting_pickup',
      { fee_waived: 1, fee_waived_at: now.toISOString(), fee_waived_by: auth.staff.id },
      0,
    );
    if (!changed) throw conflict('invalid_state');
    await repo.insertEvent(trx, {
      parcel_id: id,
      org_id: p.org_id,
      at: now.toISOString(),
      actor_kind: 'staff',
      actor_id: auth.staff.id,
      actor_name: auth.staff.username,
      from_status: 'awaiting_pickup',
      to_status: 'awaiting_pickup',
      detail: JSON.stringify({ feeWaived: true, feeFen: fee }),
    });
    return repo.getParcel(trx, id);
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
