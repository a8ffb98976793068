// 送货上门 (SPEC §16): the resident asks that waiting parcels be brought to the door, at the
// community's price per parcel, and pays; the desk dispatches the request to a runner (a staff
// member), who marks it delivered (with a photo as proof); its parcels end picked up, by delivery.
// A request cancelled before dispatch is refunded when it was paid.
import type { StaffAuth } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import type { DeliveryRow } from '../../db/types.js';
import { AppError, badRequest, conflict, notFound } from '../../errors.js';
import { feeAsOf } from '../parcels/parcels.present.js';
import { parcelInScope, parcelRows, pickupInTransaction } from '../parcels/parcels.service.js';
import { closeOpenOf, latestPaymentsOf, openPayment, refundPaidOf, type Payer } from '../payments/payments.service.js';
import { addProof } from '../proofs/proofs.service.js';
import { getStaff } from '../staff/staff.service.js';
import { preferenceFor } from '../preferences/preferences.service.js';
import { communityNamesOf } from '../communities/communities.service.js';
import * as repo from './deliveries.repo.js';
import type { DeliveryCreateReq } from './deliveries.schema.js';

const LIST_LIMIT = 200;

/** Requests as their views: their parcels, runner, community and latest payment, in a few queries for them all. */
async function present(ctx: Ctx, rows: DeliveryRow[]) {
  const ids = rows.map((r) => r.id);
  const orgs = [...new Set(rows.map((r) => r.org_id))];
  const [parcels, payments, communities, runners] = await Promise.all([
    repo.parcelsOf(ctx.db, orgs, ids),
    latestPaymentsOf(ctx, rows, 'door_delivery'),
    communityNamesOf(ctx, orgs, [...new Set(rows.map((r) => r.community_id))]),
    repo.staffNames(ctx.db, orgs, [...new Set(rows.map((r) => r.runner_id).filter((id): id is number => id !== null))]),
  ]);
  return rows.map((d) => {
    const own = parcels.filter((p) => Number(p.delivery_id) === d.id);
    const payment = payments.get(d.id);
    const runnerName = d.runner_id !== null ? runners.get(d.runner_id) : undefined;
    return {
      id: d.id,
      communityId: d.community_id,
      communityName: communities.get(d.community_id) ?? '',
      parcelIds: own.map((p) => Number(p.id)),
      parcels: own.map((p) => ({
        id: Number(p.id),
        carrier: p.carrier,
        trackingNo: p.tracking_no,
        shelfLabel: p.shelf_label,
        status: p.status,
        recipientName: p.recipient_name,
        address: p.address,
      })),
      status: d.status,
      priceFen: d.price_fen,
      amountFen: d.amount_fen,
      note: d.note,
      residentPhone: d.resident_phone,
      runner: d.runner_id !== null ? { id: d.runner_id, name: runnerName ?? '' } : null,
      createdAt: d.created_at,
      paidAt: d.paid_at,
      dispatchedAt: d.dispatched_at,
      deliveredAt: d.delivered_at,
      cancelledAt: d.cancelled_at,
      payment: payment ?? null,
    };
  });
}

async function presentOne(ctx: Ctx, row: DeliveryRow) {
  const [view] = await present(ctx, [row]);
  if (!view) throw notFound();
  return view;
}

async function ownDelivery(ctx: Ctx, phone: string, id: number): Promise<DeliveryRow> {
  const d = await repo.deliveryById(ctx.db, id);
  if (!d || d.resident_phone !== phone) throw notFound();
  return d;
}

async function deliveryInScope(ctx: Ctx, auth: StaffAuth, id: number): Promise<DeliveryRow> {
  const d = await repo.deliveryById(ctx.db, id);
  const ids = auth.scope.communityIds;
  if (!d || d.org_id !== auth.scope.orgId || (ids !== null && !ids.includes(d.community_id))) throw notFound();
  return d;
}

/** Opens the request's payment; a provider that is down leaves the request to be paid later (POST …/pay). */
async function openDeliveryPayment(ctx: Ctx, d: DeliveryRow, payer: Payer) {
  return openPayment(
    ctx,
    { orgId: d.org_id, communityId: d.community_id, purpose: 'door_delivery', refId: d.id, amountFen: d.amount_fen, description: `送货上门 ${d.id}号` },
    payer,
  );
}

/**
 * 送货上门: the resident's own waiting parcels of one community that offers it, none with a fee
 * due (pay it first) nor in another request under way; the request and its payment.
 */
export async function requestDelivery(ctx: Ctx, payer: Payer, body: DeliveryCreateReq) {
  const ids = [...new Set(body.parcelIds)];
  const parcels = await parcelRows(ctx, ids);
  if (parcels.length !== ids.length || parcels.some((p) => p.recipient_phone !== payer.phone)) throw notFound();
  if (parcels.some((p) => p.status !== 'awaiting_pickup')) throw conflict('invalid_state');
  const [first] = parcels;
  if (!first) throw notFound();
  if (parcels.some((p) => p.community_id !== first.community_id)) {
    const message = '一次只能选择同一小区的快递';
    throw badRequest('validation_error', message, { issues: [{ path: 'body/parcelIds', code: 'same_community', message }] });
  }
  const community = await repo.deliveryTerms(ctx.db, first.org_id, first.community_id);
  if (!community || community.door_delivery_fen <= 0) throw conflict('not_offered');
  const now = ctx.now();
  if (parcels.some((p) => feeAsOf(p, now) > 0)) throw conflict('fee_due');
  const id = await inTransaction(ctx, async (u) => {
    if ((await repo.parcelsInOpenDeliveries(u.db, first.org_id, ids)).length > 0) throw conflict('already_requested');
    const amount = community.door_delivery_fen * ids.length;
    const id = await repo.insertDelivery(
      u.db,
      {
        org_id: first.org_id,
        community_id: first.community_id,
        resident_phone: payer.phone,
        note: body.note ?? null,
        status: 'requested',
        price_fen: community.door_delivery_fen,
        amount_fen: amount,
        created_at: nowIso(u),
      },
      ids,
    );
    u.audit({
      action: 'delivery.request',
      entity: 'delivery',
      entityId: id,
      orgId: first.org_id,
      changes: { parcelIds: ids, amountFen: amount, note: body.note },
    });
    return id;
  });
  const d = await repo.deliveryById(ctx.db, id);
  if (!d) throw notFound();
  await openDeliveryPayment(ctx, d, payer).catch((err: unknown) => {
    if (!(err instanceof AppError && err.code === 'payment_unavailable')) throw err;
  });
  return presentOne(ctx, d);
}

/** 去支付: (re)opens the payment of a request not yet paid. */
export async function payDelivery(ctx: Ctx, payer: Payer, id: number) {
  const d = await ownDelivery(ctx, payer.phone, id);
  if (d.status !== 'requested') throw conflict(d.status === 'cancelled' ? 'invalid_state' : 'already_paid');
  return openDeliveryPayment(ctx, d, payer);
}

export async function residentDeliveries(ctx: Ctx, phone: string) {
  const items = await present(ctx, await repo.deliveriesOfResident(ctx.db, phone, LIST_LIMIT));
  return { items, total: items.length };
}

/** 取消: before dispatch only; a paid request is refunded in full, an open payment closed. */
export async function cancelDelivery(ctx: Ctx, phone: string, id: number) {
  const d = await ownDelivery(ctx, phone, id);
  await inTransaction(ctx, async (u) => {
    if (!(await repo.updateDeliveryIf(u.db, d.org_id, id, ['requested', 'paid'], { status: 'cancelled', cancelled_at: nowIso(u) })))
      throw conflict('invalid_state');
    u.audit({ action: 'delivery.cancel', entity: 'delivery', entityId: id, orgId: d.org_id, changes: { status: [d.status, 'cancelled'] } });
  });
  // Both, whatever the state was as read: a payment that came in meanwhile is refunded too.
  await closeOpenOf(ctx, { org_id: d.org_id, id }, 'door_delivery');
  await refundPaidOf(ctx, { org_id: d.org_id, id }, 'door_delivery', '送货上门已取消');
  return presentOne(ctx, await ownDelivery(ctx, phone, id));
}

/**
 * 转送货上门: a waiting parcel whose recipient asked for the door (收件偏好, SPEC §19) is turned by
 * the desk into a door delivery of its own, free (the desk should not have held it): paid at once,
 * to be dispatched as any other. 409 when the recipient's preference now is not 送货上门.
 */
export async function deskDoorDelivery(ctx: Ctx, auth: StaffAuth, parcelId: number) {
  const p = await parcelInScope(ctx, auth.scope, parcelId);
  if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
  const preference = await preferenceFor(ctx, p.org_id, p.community_id, p.recipient_phone, p.carrier);
  if (preference?.mode !== 'door') throw conflict('invalid_state', '收件人没有要求送货上门');
  const id = await inTransaction(ctx, async (u) => {
    if ((await repo.parcelsInOpenDeliveries(u.db, p.org_id, [p.id])).length > 0) throw conflict('already_requested');
    const now = nowIso(u);
    const row = { org_id: p.org_id, community_id: p.community_id, resident_phone: p.recipient_phone, note: '收件偏好：送货上门（前台转送，免费）' };
    const id = await repo.insertDelivery(u.db, { ...row, status: 'paid', price_fen: 0, amount_fen: 0, created_at: now, paid_at: now }, [p.id]);
    u.audit({ action: 'delivery.from_preference', entity: 'delivery', entityId: id, orgId: p.org_id, changes: { parcelIds: [p.id], amountFen: 0 } });
    return id;
  });
  return presentOne(ctx, await deliveryInScope(ctx, auth, id));
}

/** 送货上门 at the desk. */
export async function listDeliveries(ctx: Ctx, auth: StaffAuth, f: { status?: DeliveryRow['status']; communityId?: number }) {
  const items = await present(ctx, await repo.deliveriesInScope(ctx.db, auth.scope, f, LIST_LIMIT));
  return { items, total: items.length };
}

/** 派送: a paid request to a runner, a staff member (not disabled) who may see its community. */
export async function dispatchDelivery(ctx: Ctx, auth: StaffAuth, id: number, staffId: number) {
  const d = await deliveryInScope(ctx, auth, id);
  const runner = await getStaff(ctx, auth.scope.orgId, staffId).catch(() => null);
  if (!runner || runner.disabled || (runner.role !== 'admin' && !runner.communityIds.includes(d.community_id))) {
    const message = '该人员不能负责此小区的送货';
    throw badRequest('validation_error', message, { issues: [{ path: 'body/staffId', code: 'not_a_runner', message }] });
  }
  await inTransaction(ctx, async (u) => {
    const set = { status: 'dispatched' as const, runner_id: runner.id, dispatched_at: nowIso(u), dispatched_by: auth.staff.id };
    if (!(await repo.updateDeliveryIf(u.db, d.org_id, id, ['paid'], set))) throw conflict('invalid_state');
    u.audit({
      action: 'delivery.dispatch',
      entity: 'delivery',
      entityId: id,
      orgId: d.org_id,
      changes: { status: [d.status, 'dispatched'], runner: runner.username },
    });
  });
  return presentOne(ctx, await deliveryInScope(ctx, auth, id));
}

/**
 * 已送达: the runner (or the desk) marks a dispatched request delivered, with a photo kept as each
 * parcel's proof; its parcels still waiting end picked up by `delivery` (nothing due: their fees
 * were settled before the request). A community that requires proof requires the photo.
 */
export async function markDelivered(ctx: Ctx, auth: StaffAuth, id: number, photo: Buffer | null) {
  const d = await deliveryInScope(ctx, auth, id);
  if (d.status !== 'dispatched') throw conflict('invalid_state');
  const waiting = await repo.waitingParcelIds(ctx.db, d.org_id, id);
  if (photo) for (const parcelId of waiting) await addProof(ctx, auth, parcelId, 'photo', photo);
  await inTransaction(ctx, async (u) => {
    if (!(await repo.updateDeliveryIf(u.db, d.org_id, id, ['dispatched'], { status: 'delivered', delivered_at: nowIso(u), delivered_by: auth.staff.id }))) {
      throw conflict('invalid_state');
    }
    for (const parcelId of waiting) {
      const p = await parcelInScope(u, auth.scope, parcelId);
      if (p.status !== 'awaiting_pickup') continue;
      if (p.proof_required === 1 && p.has_proof !== 1) throw conflict('proof_required');
      await pickupInTransaction(u, p, auth.staff, 0, { relation: 'delivery', phone: d.resident_phone });
    }
    u.audit({
      action: 'delivery.delivered',
      entity: 'delivery',
      entityId: id,
      orgId: d.org_id,
      changes: { status: ['dispatched', 'delivered'], parcelIds: waiting },
    });
  });
  return presentOne(ctx, await deliveryInScope(ctx, auth, id));
}
