// 支付保管费 (SPEC §16): the resident (or a phone they authorized) pays a waiting parcel's custody
// fee as of now; once paid the fee stops, the desk sees 已支付 and nothing is due at pickup.
import type { Ctx } from '../../context.js';
import { conflict, notFound } from '../../errors.js';
import { mayCollect } from '../household/household.service.js';
import { feeAsOf } from '../parcels/parcels.present.js';
import { parcelRows } from '../parcels/parcels.service.js';
import { openPayment, type Payer, type PaymentView } from './payments.service.js';

export async function payCustodyFee(ctx: Ctx, payer: Payer, parcelId: number): Promise<PaymentView> {
  const [p] = await parcelRows(ctx, [parcelId]);
  if (!p || (p.recipient_phone !== payer.phone && !(await mayCollect(ctx, p.recipient_phone, payer.phone)))) throw notFound();
  if (p.fee_paid_at !== null) throw conflict('already_paid');
  if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
  const fee = feeAsOf(p, ctx.now());
  if (fee <= 0) throw conflict('nothing_to_pay');
  return openPayment(
    ctx,
    {
      orgId: p.org_id,
      communityId: p.community_id,
      purpose: 'custody_fee',
      refId: p.id,
      amountFen: fee,
      description: `快递保管费 ${p.carrier} ${p.tracking_no.slice(-4)}`,
    },
    payer,
  );
}
