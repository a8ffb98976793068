// 支付 (SPEC §16): a payment is opened at the provider for what it pays (the custody fee, a door
// delivery, a shipment), and is paid only when the provider's signed notice or an order query says
// so, once: the row moves from `created` to `paid` conditionally, and in the same unit the thing
// takes the payment (the fee stops, the delivery or shipment is paid). A thing that can no longer
// take it (picked up at the desk meanwhile, cancelled) has it refunded. Calls to the provider are
// never made inside a transaction.
import { randomBytes } from 'node:crypto';
import { PAYMENT_LIMITS } from '../../../shared/constants.js';
import { maskPhone } from '../../../shared/phone.js';
import { shanghaiDayHour } from '../../../shared/time.js';
import type { AuditChange } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import type { PaymentPurpose, PaymentRow } from '../../db/types.js';
import { AppError, conflict, notFound } from '../../errors.js';
import { boundOpenid } from '../notifications/notifications.service.js';
import type { PayNotice } from './payments.provider.js';
import * as repo from './payments.repo.js';

/** Who pays, as the request shows them: their phone, whether they are in WeChat's browser, their address. */
export interface Payer {
  phone: string;
  inWechat: boolean;
  ip: string;
}

/** What a payment is for, as its module opens it. */
export interface PaymentFor {
  orgId: number;
  communityId: number;
  purpose: PaymentPurpose;
  refId: number;
  amountFen: number;
  description: string;
}

/** A payment as its payer (and the desk) see it; `payParams` only while it can be paid. */
function presentPayment(p: PaymentRow) {
  return {
    id: p.id,
    purpose: p.purpose,
    amountFen: p.amount_fen,
    status: p.status,
    channel: p.channel,
    // Nothing to pay with once it cannot be paid, nor before the provider answered.
    payParams: p.status === 'created' && p.pay_params !== '' ? (JSON.parse(p.pay_params) as Record<string, string>) : null,
    refundStatus: p.refund_status,
    createdAt: p.created_at,
    paidAt: p.paid_at,
    refundedAt: p.refunded_at,
  };
}
export type PaymentView = ReturnType<typeof presentPayment>;

/** What the payment pays for takes it, in the confirming unit: whether it could (else it is refunded). */
function settlePayment(u: Ctx, p: PaymentRow, paidAt: string): Promise<boolean> {
  if (p.purpose === 'custody_fee') return repo.settleCustodyFee(u.db, p.org_id, p.ref_id, p.amount_fen, paidAt);
  if (p.purpose === 'door_delivery') return repo.settleDelivery(u.db, p.org_id, p.ref_id, p.amount_fen, paidAt);
  return repo.settleShipment(u.db, p.org_id, p.ref_id, p.amount_fen, paidAt);
}

/** `KD20260108153000a1b2c3d4e5` (26 characters: WeChat Pay allows 6–32 of [A-Za-z0-9_-|*]). */
function orderNo(prefix: 'KD' | 'RF', now: Date): string {
  return `${prefix}${now.toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(5).toString('hex')}`;
}

/** The provider's own work in an audit line: the system acting, in the payment's org. */
function providerLine(ctx: Ctx, p: PaymentRow, action: string, changes: Record<string, unknown>): AuditChange {
  return {
    action,
    entity: 'payment',
    entityId: p.id,
    orgId: p.org_id,
    changes,
    ...(ctx.actor?.kind === 'anonymous' || !ctx.actor ? { actor: { kind: 'system' as const, id: null, name: ctx.pay.name, orgId: p.org_id } } : {}),
  };
}

/**
 * Opens a payment for `t` at the provider and answers it, or the one already open for the same
 * thing, payer and amount. An earlier open payment of another amount (the fee turned a day) is
 * closed first. The provider failing is 502 `payment_unavailable`, and nothing stays open.
 */
export async function openPayment(ctx: Ctx, t: PaymentFor, payer: Payer): Promise<PaymentView> {
  const now = ctx.now();
  for (const open of (await repo.paymentsOf(ctx.db, t.orgId, t.purpose, t.refId)).filter((p) => p.status === 'created')) {
    const usable =
      open.amount_fen === t.amountFen && open.payer_phone === payer.phone && Date.parse(open.expires_at) - now.getTime() > PAYMENT_LIMITS.reuseMarginMs;
    if (usable && open.pay_params !== '') return presentPayment(open);
    await closePayment(ctx, open);
  }
  const expiresAt = new Date(now.getTime() + PAYMENT_LIMITS.openMs);
  const outTradeNo = orderNo('KD', now);
  const id = await inTransaction(ctx, async (u) => {
    const id = await repo.insertPayment(u.db, {
      org_id: t.orgId,
      community_id: t.communityId,
      payer_phone: payer.phone,
      purpose: t.purpose,
      ref_id: t.refId,
      amount_fen: t.amountFen,
      status: 'created',
      provider: ctx.pay.name,
      channel: 'console',
      out_trade_no: outTradeNo,
      pay_params: '',
      created_at: nowIso(u),
      expires_at: expiresAt.toISOString(),
    });
    u.audit({
      action: 'payment.create',
      entity: 'payment',
      entityId: id,
      orgId: t.orgId,
      changes: { purpose: t.purpose, refId: t.refId, amountFen: t.amountFen },
    });
    return id;
  });
  try {
    const openid = payer.inWechat ? await boundOpenid(ctx, payer.phone) : undefined;
    const prepared = await ctx.pay.prepare({
      outTradeNo,
      description: t.description,
      amountFen: t.amountFen,
      expiresAt,
      payer: { ...payer, ...(openid ? { openid } : {}) },
    });
    await repo.updatePayment(ctx.db, { org_id: t.orgId, id }, { channel: prepared.channel, pay_params: JSON.stringify(prepared.payParams) });
  } catch (err) {
    ctx.log.warn({ err, paymentId: id, payer: maskPhone(payer.phone) }, 'payment provider refused the order');
    await repo.updatePaymentIf(ctx.db, { org_id: t.orgId, id }, 'created', { status: 'closed', closed_at: nowIso(ctx) });
    throw new AppError(502, 'payment_unavailable');
  }
  return presentPayment(await paymentOrThrow(ctx, id));
}

async function paymentOrThrow(ctx: Ctx, id: number): Promise<PaymentRow> {
  const p = await repo.paymentById(ctx.db, id);
  if (!p) throw notFound();
  return p;
}

/** A payment of this payer, refreshed from the provider when it is still open (a notice lost on the way). */
export async function residentPayment(ctx: Ctx, phone: string, id: number): Promise<PaymentView> {
  const p = await repo.paymentById(ctx.db, id);
  if (!p || p.payer_phone !== phone) throw notFound();
  return presentPayment(await refreshPayment(ctx, p, PAYMENT_LIMITS.queryEveryMs));
}

/**
 * The order query for an open payment, at most every `everyMs`: paid there is paid here (once);
 * closed or unknown there past its expiry is closed here.
 */
async function refreshPayment(ctx: Ctx, p: PaymentRow, everyMs: number): Promise<PaymentRow> {
  const now = ctx.now();
  if (p.status !== 'created' || (p.queried_at && now.getTime() - Date.parse(p.queried_at) < everyMs)) return p;
  await repo.updatePayment(ctx.db, p, { queried_at: now.toISOString() });
  try {
    const t = await ctx.pay.query(p.out_trade_no);
    if (t.state === 'paid')
      await confirmPaid(ctx, { outTradeNo: p.out_trade_no, transactionId: t.transactionId, amountFen: t.amountFen, paidAt: t.paidAt }, 'query');
    else if (t.state === 'closed' || (t.state === 'not_found' && Date.parse(p.expires_at) < now.getTime())) await markClosed(ctx, p);
  } catch (err) {
    ctx.log.warn({ err, paymentId: p.id }, 'payment query failed');
  }
  return paymentOrThrow(ctx, p.id);
}

async function markClosed(ctx: Ctx, p: PaymentRow): Promise<void> {
  await inTransaction(ctx, async (u) => {
    if (await repo.updatePaymentIf(u.db, p, 'created', { status: 'closed', closed_at: nowIso(u) })) u.audit(providerLine(u, p, 'payment.close', {}));
  });
}

/** Closes an open payment at the provider, then here; one the provider says is paid is confirmed instead. */
async function closePayment(ctx: Ctx, p: PaymentRow): Promise<void> {
  if (p.status !== 'created') return;
  try {
    await ctx.pay.close(p.out_trade_no);
  } catch (err) {
    ctx.log.warn({ err, paymentId: p.id }, 'payment close failed; asking for its state');
    await refreshPayment(ctx, p, 0);
    return;
  }
  await markClosed(ctx, p);
}

type PaidOutcome = 'applied' | 'refunded' | 'duplicate' | 'amount_mismatch' | 'unknown';

/**
 * A payment the provider confirmed (a notice or a query; the console's 支付成功): `created` →
 * `paid` once, with what it pays for in the same unit; refunded when that can no longer take it.
 * An amount other than the order's changes nothing.
 */
async function confirmPaid(
  ctx: Ctx,
  c: { outTradeNo: string; transactionId: string; amountFen: number; paidAt: string },
  source: 'notice' | 'query' | 'console',
): Promise<PaidOutcome> {
  const outcome = await inTransaction(ctx, async (u): Promise<{ outcome: PaidOutcome; id?: number }> => {
    const p = await repo.paymentByTradeNo(u.db, c.outTradeNo);
    if (!p) return { outcome: 'unknown' };
    if (c.amountFen !== p.amount_fen) return { outcome: 'amount_mismatch', id: p.id };
    const paidAt = new Date(c.paidAt);
    const set = { status: 'paid' as const, transaction_id: c.transactionId, paid_at: paidAt.toISOString(), paid_day: shanghaiDayHour(paidAt).day };
    if (!(await repo.updatePaymentIf(u.db, p, 'created', set))) return { outcome: 'duplicate', id: p.id };
    const taken = await settlePayment(u, p, paidAt.toISOString());
    u.audit(providerLine(u, p, 'payment.paid', { purpose: p.purpose, refId: p.ref_id, amountFen: p.amount_fen, source, taken }));
    return { outcome: taken ? 'applied' : 'refunded', id: p.id };
  });
  if (outcome.outcome === 'amount_mismatch')
    ctx.log.error({ paymentId: outcome.id, amountFen: c.amountFen, source }, 'payment confirmed for another amount: not applied');
  if (outcome.outcome === 'unknown') ctx.log.warn({ source }, 'payment confirmed for an order we do not know');
  if (outcome.outcome === 'refunded' && outcome.id !== undefined) await refundPayment(ctx, outcome.id, '订单已取消或已在前台处理');
  return outcome.outcome;
}

/**
 * Refunds a paid payment in full, once (its refund number is claimed first, so two cancels make
 * one refund). A provider that cannot be reached leaves the claim for the sweep to retry with the
 * same number (WeChat Pay treats a repeated out_refund_no as the same refund).
 */
async function refundPayment(ctx: Ctx, id: number, reason: string): Promise<PaymentRow> {
  let p = await paymentOrThrow(ctx, id);
  if (p.status !== 'paid') return p;
  if (!p.refund_no) {
    const refundNo = orderNo('RF', ctx.now());
    if (!(await repo.claimRefund(ctx.db, p, refundNo))) return paymentOrThrow(ctx, id);
    p = { ...p, refund_no: refundNo };
  }
  const refundNo = p.refund_no ?? '';
  try {
    const state = await ctx.pay.refund({ outTradeNo: p.out_trade_no, outRefundNo: refundNo, amountFen: p.amount_fen, totalFen: p.amount_fen, reason });
    await inTransaction(ctx, async (u) => {
      const accepted = state === 'success' || state === 'processing';
      const set = accepted ? { status: 'refunded' as const, refund_status: state, refunded_at: nowIso(u) } : { refund_status: state };
      if (await repo.updatePaymentIf(u.db, p, 'paid', set))
        u.audit(providerLine(u, p, 'payment.refund', { amountFen: p.amount_fen, refundStatus: state, reason }));
      if (!accepted) ctx.log.error({ paymentId: id, refundStatus: state }, 'refund refused by the provider: to be handled by hand');
    });
  } catch (err) {
    ctx.log.warn({ err, paymentId: id }, 'refund call failed; the sweep retries it');
  }
  return paymentOrThrow(ctx, id);
}

/** A notice as it arrived: false when it is not genuine (401); a genuine one is applied (or found already applied). */
export async function receiveNotice(ctx: Ctx, headers: Record<string, string | string[] | undefined>, body: string): Promise<boolean> {
  const n = ctx.pay.readNotice(headers, body, ctx.now());
  if (!n) return false;
  await applyNotice(ctx, n);
  return true;
}

async function applyNotice(ctx: Ctx, n: PayNotice): Promise<void> {
  if (n.kind === 'paid') {
    await confirmPaid(ctx, n, 'notice');
    return;
  }
  if (n.kind === 'refund') {
    const p = await repo.paymentByTradeNo(ctx.db, n.outTradeNo);
    if (!p || p.refund_no !== n.outRefundNo || p.refund_status === n.state) return;
    await inTransaction(ctx, async (u) => {
      await repo.updatePayment(u.db, p, { refund_status: n.state });
      u.audit(providerLine(u, p, 'payment.refund_status', { refundStatus: [p.refund_status, n.state] }));
    });
  }
}

/** 开发环境：the console provider's "paid" for an open payment (what WeChat's notice would do). */
export async function consoleSucceed(ctx: Ctx, id: number): Promise<PaymentView> {
  const p = await paymentOrThrow(ctx, id);
  if (p.provider !== 'console') throw conflict('invalid_state');
  if (p.status !== 'created') throw conflict('invalid_state');
  await confirmPaid(ctx, { outTradeNo: p.out_trade_no, transactionId: `console-${p.id}`, amountFen: p.amount_fen, paidAt: nowIso(ctx) }, 'console');
  return presentPayment(await paymentOrThrow(ctx, id));
}

/**
 * The payment sweep (every minute): open payments a minute old are asked about (a lost notice),
 * those past their expiry closed; refunds whose call failed are tried again.
 */
export async function sweepPayments(ctx: Ctx): Promise<void> {
  const now = ctx.now();
  const open = await repo.openPaymentsBefore(ctx.db, new Date(now.getTime() - PAYMENT_LIMITS.queryAfterMs).toISOString(), PAYMENT_LIMITS.sweepBatch);
  for (const p of open) {
    const fresh = await refreshPayment(ctx, p, PAYMENT_LIMITS.queryAfterMs);
    if (fresh.status === 'created' && Date.parse(fresh.expires_at) < now.getTime()) await closePayment(ctx, fresh);
  }
  for (const p of await repo.refundsPending(ctx.db, PAYMENT_LIMITS.sweepBatch)) await refundPayment(ctx, p.id, '退款重试');
}

/** Runs the sweep every interval; answers the function that stops it. */
export function startPaymentSweep(ctx: Ctx, intervalMs = 60_000): () => void {
  const timer = setInterval(() => {
    sweepPayments(ctx).catch((err: unknown) => ctx.log.warn({ err }, 'payment sweep failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The latest payment of each of these things (deliveries, shipments), for their views. */
export async function latestPaymentsOf(ctx: Ctx, things: { org_id: number; id: number }[], purpose: PaymentPurpose): Promise<Map<number, PaymentView>> {
  const rows = await repo.latestPayments(
    ctx.db,
    [...new Set(things.map((t) => t.org_id))],
    purpose,
    things.map((t) => t.id),
  );
  return new Map([...rows].map(([id, p]) => [id, presentPayment(p)]));
}

/** 服务收入: 送货上门 and 代寄 paid (not refunded) by Shanghai day and community, of an org's communities (null: all). */
export function serviceIncome(ctx: Ctx, orgId: number, communityIds: number[] | null, fromDay: string, toDay: string) {
  return repo.serviceIncome(ctx.db, orgId, communityIds, fromDay, toDay);
}

/** The paid payment of a thing, refunded (a cancel); answers whether there was one. */
export async function refundPaidOf(ctx: Ctx, thing: { org_id: number; id: number }, purpose: PaymentPurpose, reason: string): Promise<boolean> {
  const paid = (await repo.paymentsOf(ctx.db, thing.org_id, purpose, thing.id)).filter((p) => p.status === 'paid');
  for (const p of paid) await refundPayment(ctx, p.id, reason);
  return paid.length > 0;
}

/** Open payments of a thing closed (a cancel before payment). */
export async function closeOpenOf(ctx: Ctx, thing: { org_id: number; id: number }, purpose: PaymentPurpose): Promise<void> {
  for (const p of (await repo.paymentsOf(ctx.db, thing.org_id, purpose, thing.id)).filter((x) => x.status === 'created')) await closePayment(ctx, p);
}
