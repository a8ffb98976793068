// 代寄 (SPEC §16): a resident files a sending order (receiver, item, carrier wish) with a
// community's desk; the desk weighs and quotes it (SMS), the resident pays, the desk hands it to a
// courier and records the tracking number (SMS). States requested → quoted → paid → handed_over,
// or cancelled before the hand-over (a paid one refunded).
import type { StaffAuth } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import type { ShipmentRow } from '../../db/types.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { sendDirect } from '../notifications/notifications.service.js';
import { shipmentHandedOverMessage, shipmentQuotedMessage } from '../notifications/templates.js';
import { closeOpenOf, latestPaymentsOf, openPayment, refundPaidOf, type Payer } from '../payments/payments.service.js';
import { communityNamesOf } from '../communities/communities.service.js';
import * as repo from './shipments.repo.js';
import type { ShipmentCreateReq } from './shipments.schema.js';

const LIST_LIMIT = 200;

async function present(ctx: Ctx, rows: ShipmentRow[]) {
  const orgs = [...new Set(rows.map((r) => r.org_id))];
  const [payments, communities, couriers] = await Promise.all([
    latestPaymentsOf(ctx, rows, 'shipment'),
    communityNamesOf(ctx, orgs, [...new Set(rows.map((r) => r.community_id))]),
    repo.couriersByIds(ctx.db, orgs, [...new Set(rows.map((r) => r.courier_id).filter((id): id is number => id !== null))]),
  ]);
  return rows.map((s) => {
    const courier = s.courier_id !== null ? couriers.get(s.courier_id) : undefined;
    return {
      id: s.id,
      communityId: s.community_id,
      communityName: communities.get(s.community_id) ?? '',
      senderPhone: s.sender_phone,
      receiver: { name: s.receiver_name, phone: s.receiver_phone, address: s.receiver_address },
      item: s.item,
      carrier: s.carrier_wish,
      status: s.status,
      weightGrams: s.weight_grams,
      priceFen: s.price_fen,
      trackingNo: s.tracking_no,
      courier: courier ?? null,
      createdAt: s.created_at,
      quotedAt: s.quoted_at,
      paidAt: s.paid_at,
      handedOverAt: s.handed_over_at,
      cancelledAt: s.cancelled_at,
      payment: payments.get(s.id) ?? null,
    };
  });
}

async function presentOne(ctx: Ctx, row: ShipmentRow) {
  const [view] = await present(ctx, [row]);
  if (!view) throw notFound();
  return view;
}

async function ownShipment(ctx: Ctx, phone: string, id: number): Promise<ShipmentRow> {
  const s = await repo.shipmentById(ctx.db, id);
  if (!s || s.sender_phone !== phone) throw notFound();
  return s;
}

async function shipmentInScope(ctx: Ctx, auth: StaffAuth, id: number): Promise<ShipmentRow> {
  const s = await repo.shipmentById(ctx.db, id);
  const ids = auth.scope.communityIds;
  if (!s || s.org_id !== auth.scope.orgId || (ids !== null && !ids.includes(s.community_id))) throw notFound();
  return s;
}

/** The SMS is a courtesy: the order stands if it cannot go now. */
function tell(ctx: Ctx, phone: string, kind: 'shipment_quoted' | 'shipment_handed_over', rendered: { params: Record<string, string>; text: string }) {
  return sendDirect(ctx, { channel: 'sms', to: phone, phone, kind, ...rendered }).catch((err: unknown) => ctx.log.warn({ err, kind }, 'shipment SMS not sent'));
}

/** 代寄下单: the resident's sending order at the desk of one of their communities (where they have parcels or a home). */
export async function requestShipment(ctx: Ctx, phone: string, body: ShipmentCreateReq) {
  const community = await repo.communityOf(ctx.db, body.communityId);
  if (!community || !(await repo.isResidentOf(ctx.db, community.org_id, community.id, phone))) throw notFound();
  const id = await inTransaction(ctx, async (u) => {
    const id = await repo.insertShipment(u.db, {
      org_id: community.org_id,
      community_id: community.id,
      sender_phone: phone,
      receiver_name: body.receiver.name,
      receiver_phone: body.receiver.phone,
      receiver_address: body.receiver.address,
      item: body.item,
      carrier_wish: body.carrier ?? null,
      status: 'requested',
      created_at: nowIso(u),
    });
    u.audit({
      action: 'shipment.request',
      entity: 'shipment',
      entityId: id,
      orgId: community.org_id,
      changes: { receiverName: body.receiver.name, receiverPhone: body.receiver.phone, item: body.item, carrier: body.carrier },
    });
    return id;
  });
  return presentOne(ctx, await ownShipment(ctx, phone, id));
}

export async function residentShipments(ctx: Ctx, phone: string) {
  const items = await present(ctx, await repo.shipmentsOfSender(ctx.db, phone, LIST_LIMIT));
  return { items, total: items.length };
}

/** 去支付: a quoted order's payment, at the quoted price. */
export async function payShipment(ctx: Ctx, payer: Payer, id: number) {
  const s = await ownShipment(ctx, payer.phone, id);
  if (s.status !== 'quoted' || s.price_fen === null) throw conflict(s.status === 'paid' || s.status === 'handed_over' ? 'already_paid' : 'invalid_state');
  return openPayment(
    ctx,
    { orgId: s.org_id, communityId: s.community_id, purpose: 'shipment', refId: s.id, amountFen: s.price_fen, description: `代寄运费 ${s.item}` },
    payer,
  );
}

/** 取消: before the hand-over; a paid order is refunded in full. */
export async function cancelShipment(ctx: Ctx, phone: string, id: number) {
  const s = await ownShipment(ctx, phone, id);
  await inTransaction(ctx, async (u) => {
    if (!(await repo.updateShipmentIf(u.db, s.org_id, id, ['requested', 'quoted', 'paid'], { status: 'cancelled', cancelled_at: nowIso(u) })))
      throw conflict('invalid_state');
    u.audit({ action: 'shipment.cancel', entity: 'shipment', entityId: id, orgId: s.org_id, changes: { status: [s.status, 'cancelled'] } });
  });
  await closeOpenOf(ctx, { org_id: s.org_id, id }, 'shipment');
  await refundPaidOf(ctx, { org_id: s.org_id, id }, 'shipment', '代寄已取消');
  return presentOne(ctx, await ownShipment(ctx, phone, id));
}

export async function listShipments(ctx: Ctx, auth: StaffAuth, f: { status?: ShipmentRow['status']; communityId?: number }) {
  const items = await present(ctx, await repo.shipmentsInScope(ctx.db, auth.scope, f, LIST_LIMIT));
  return { items, total: items.length };
}

/** 称重报价: the desk's weight and price (again, while not paid: an open payment at the old price is closed); the sender gets an SMS. */
export async function quoteShipment(ctx: Ctx, auth: StaffAuth, id: number, q: { weightGrams: number; priceFen: number }) {
  const s = await shipmentInScope(ctx, auth, id);
  await inTransaction(ctx, async (u) => {
    const set = { status: 'quoted' as const, weight_grams: q.weightGrams, price_fen: q.priceFen, quoted_at: nowIso(u), quoted_by: auth.staff.id };
    if (!(await repo.updateShipmentIf(u.db, s.org_id, id, ['requested', 'quoted'], set))) throw conflict('invalid_state');
    u.audit({
      action: 'shipment.quote',
      entity: 'shipment',
      entityId: id,
      orgId: s.org_id,
      changes: { status: [s.status, 'quoted'], weightGrams: [s.weight_grams, q.weightGrams], priceFen: [s.price_fen, q.priceFen] },
    });
  });
  if (s.status === 'quoted') await closeOpenOf(ctx, { org_id: s.org_id, id }, 'shipment');
  const community = await repo.communityOf(ctx.db, s.community_id);
  await tell(ctx, s.sender_phone, 'shipment_quoted', shipmentQuotedMessage({ community: community?.name ?? '', item: s.item, ...q }));
  return presentOne(ctx, await shipmentInScope(ctx, auth, id));
}

/** 交寄: a paid order handed to a courier, with the tracking number; the sender gets an SMS. */
export async function handOverShipment(ctx: Ctx, auth: StaffAuth, id: number, h: { trackingNo: string; courierId?: number; carrier?: string }) {
  const s = await shipmentInScope(ctx, auth, id);
  const courier = h.courierId !== undefined ? await repo.courierOf(ctx.db, s.org_id, s.community_id, h.courierId) : undefined;
  if (h.courierId !== undefined && !courier) {
    const message = '该小区没有这位快递员';
    throw badRequest('validation_error', message, { issues: [{ path: 'body/courierId', code: 'not_found', message }] });
  }
  const carrier = courier?.carrier ?? h.carrier ?? s.carrier_wish;
  if (!carrier) throw badRequest('carrier_required');
  await inTransaction(ctx, async (u) => {
    const set = {
      status: 'handed_over' as const,
      tracking_no: h.trackingNo,
      courier_id: courier ? Number(courier.id) : null,
      carrier_wish: carrier,
      handed_over_at: nowIso(u),
      handed_over_by: auth.staff.id,
    };
    if (!(await repo.updateShipmentIf(u.db, s.org_id, id, ['paid'], set))) throw conflict('invalid_state');
    u.audit({
      action: 'shipment.hand_over',
      entity: 'shipment',
      entityId: id,
      orgId: s.org_id,
      changes: { status: ['paid', 'handed_over'], trackingNo: h.trackingNo, carrier },
    });
  });
  const community = await repo.communityOf(ctx.db, s.community_id);
  await tell(
    ctx,
    s.sender_phone,
    'shipment_handed_over',
    shipmentHandedOverMessage({ community: community?.name ?? '', item: s.item, carrier, trackingNo: h.trackingNo }),
  );
  return presentOne(ctx, await shipmentInScope(ctx, auth, id));
}
