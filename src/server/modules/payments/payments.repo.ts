import type { Insertable, Updateable } from 'kysely';
import { stateLiteral } from '../../db/dialect.js';
import type { Executor } from '../../db/index.js';
import type { PaymentPurpose, PaymentRow, PaymentStatus, PaymentTable } from '../../db/types.js';

export function insertPayment(db: Executor, row: Insertable<PaymentTable>): Promise<number> {
  return db
    .insertInto('payments')
    .values(row)
    .returning('id')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.id));
}

export function paymentById(db: Executor, id: number): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function paymentByTradeNo(db: Executor, outTradeNo: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('out_trade_no', '=', outTradeNo).executeTakeFirst();
}

/** A thing's payments, newest first. */
export function paymentsOf(db: Executor, orgId: number, purpose: PaymentPurpose, refId: number): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('purpose', '=', purpose)
    .where('ref_id', '=', refId)
    .orderBy('id', 'desc')
    .execute();
}

/** The latest payment of each of these things (a list's payment column). */
export async function latestPayments(db: Executor, orgIds: number[], purpose: PaymentPurpose, refIds: number[]): Promise<Map<number, PaymentRow>> {
  if (refIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', 'in', orgIds)
    .where('purpose', '=', purpose)
    .where('ref_id', 'in', refIds)
    .orderBy('id', 'asc')
    .execute();
  return new Map(rows.map((r) => [r.ref_id, r]));
}

/** Updates a payment only while it is in `from` (so that a notice and a query racing apply once); whether it did. */
export async function updatePaymentIf(
  db: Executor,
  p: Pick<PaymentRow, 'org_id' | 'id'>,
  from: PaymentStatus,
  set: Updateable<PaymentTable>,
): Promise<boolean> {
  const r = await db.updateTable('payments').set(set).where('org_id', '=', p.org_id).where('id', '=', p.id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function updatePayment(db: Executor, p: Pick<PaymentRow, 'org_id' | 'id'>, set: Updateable<PaymentTable>): Promise<void> {
  await db.updateTable('payments').set(set).where('org_id', '=', p.org_id).where('id', '=', p.id).execute();
}

/** Claims the refund of a paid payment (its refund number), once: whether this caller did. */
export async function claimRefund(db: Executor, p: Pick<PaymentRow, 'org_id' | 'id'>, refundNo: string): Promise<boolean> {
  const r = await db
    .updateTable('payments')
    .set({ refund_no: refundNo })
    .where('org_id', '=', p.org_id)
    .where('id', '=', p.id)
    .where('status', '=', 'paid')
    .where('refund_no', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Open payments created before `before` (a lost notice, an order to close), oldest first. */
export function openPaymentsBefore(db: Executor, before: string, limit: number): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('status', '=', 'created').where('created_at', '<', before).orderBy('created_at').limit(limit).execute();
}

/** Paid payments whose refund was claimed but not yet accepted by the provider (a call that failed). */
export function refundsPending(db: Executor, limit: number): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('status', '=', 'paid').where('refund_no', 'is not', null).orderBy('id').limit(limit).execute();
}

/** Service income (送货上门, 代寄) by Shanghai day and community: paid and not refunded. */
export function serviceIncome(db: Executor, orgId: number, communityIds: number[] | null, fromDay: string, toDay: string) {
  return db
    .selectFrom('payments')
    .select(['paid_day', 'community_id', (eb) => eb.fn.sum<number | string>('amount_fen').as('fen')])
    .where('org_id', '=', orgId)
    .where('paid_day', '>=', fromDay)
    .where('paid_day', '<=', toDay)
    .where('status', '=', 'paid')
    .where('purpose', 'in', ['door_delivery', 'shipment'])
    .$if(communityIds !== null, (qb) => qb.where('community_id', 'in', communityIds ?? []))
    .groupBy(['paid_day', 'community_id'])
    .execute();
}

// What a payment pays for takes it, in the confirming unit: each answers whether it could (a thing
// that no longer can has the payment refunded).

/** 支付保管费: the fee paid online stops the fee, while the parcel still waits, unwaived and unpaid. */
export async function settleCustodyFee(db: Executor, orgId: number, parcelId: number, amountFen: number, paidAt: string): Promise<boolean> {
  const r = await db
    .updateTable('parcels')
    .set({ fee_paid_fen: amountFen, fee_paid_at: paidAt })
    .where('org_id', '=', orgId)
    .where('id', '=', parcelId)
    .where('status', '=', stateLiteral('awaiting_pickup'))
    .where('fee_waived', '=', 0)
    .where('fee_paid_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** 送货上门: a request still asked for, of this amount, is paid. */
export async function settleDelivery(db: Executor, orgId: number, deliveryId: number, amountFen: number, paidAt: string): Promise<boolean> {
  const r = await db
    .updateTable('deliveries')
    .set({ status: 'paid', paid_at: paidAt })
    .where('org_id', '=', orgId)
    .where('id', '=', deliveryId)
    .where('status', '=', 'requested')
    .where('amount_fen', '=', amountFen)
    // Every parcel still waiting (one collected at the desk meanwhile: the payment is refunded).
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('delivery_parcels')
            .innerJoin('parcels', (j) => j.onRef('parcels.id', '=', 'delivery_parcels.parcel_id').onRef('parcels.org_id', '=', 'delivery_parcels.org_id'))
            .select('parcels.id')
            .where('delivery_parcels.org_id', '=', orgId)
            .where('delivery_parcels.delivery_id', '=', deliveryId)
            .where('parcels.status', '!=', stateLiteral('awaiting_pickup')),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** 代寄: an order still quoted at this price is paid (a new quote or a cancel meanwhile: refunded). */
export async function settleShipment(db: Executor, orgId: number, shipmentId: number, amountFen: number, paidAt: string): Promise<boolean> {
  const r = await db
    .updateTable('shipments')
    .set({ status: 'paid', paid_at: paidAt })
    .where('org_id', '=', orgId)
    .where('id', '=', shipmentId)
    .where('status', '=', 'quoted')
    .where('price_fen', '=', amountFen)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
