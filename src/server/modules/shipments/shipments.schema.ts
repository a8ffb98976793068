import { z } from 'zod';
import { SHIPMENT_LIMITS } from '../../../shared/constants.js';
import { Carrier, Id, MobilePhone, Text, TrackingNo } from '../../../shared/schemas.js';
import { PaymentView } from '../payments/payments.schema.js';

export const ShipmentStatus = z.enum(['requested', 'quoted', 'paid', 'handed_over', 'cancelled']);

export const ShipmentCreateBody = z.strictObject({
  communityId: Id,
  receiver: z.strictObject({ name: Text(20), phone: MobilePhone, address: Text(120) }),
  item: Text(50),
  carrier: Carrier.optional(),
});
export type ShipmentCreateReq = z.infer<typeof ShipmentCreateBody>;

export const QuoteBody = z.strictObject({
  weightGrams: z.number().int('重量须为整数克').min(1, '重量须大于0').max(SHIPMENT_LIMITS.maxWeightGrams, '超过50公斤请联系快递公司上门'),
  priceFen: z.number().int('金额须为整数分').min(1, '运费须大于0').max(SHIPMENT_LIMITS.maxPriceFen, '运费不能超过9999.99元'),
});
/** The courier who took it (their carrier), or the carrier named; else the sender's wish. */
export const HandoverBody = z.strictObject({ trackingNo: TrackingNo, courierId: Id.optional(), carrier: Carrier.optional() });
export const ShipmentQuery = z.strictObject({ status: ShipmentStatus.optional(), communityId: Id.optional() });

export const ShipmentView = z.object({
  id: z.number(),
  communityId: z.number(),
  communityName: z.string(),
  /** The sender: whole for the desk and for themselves. */
  senderPhone: z.string(),
  receiver: z.object({ name: z.string(), phone: z.string(), address: z.string() }),
  item: z.string(),
  carrier: z.string().nullable(),
  status: ShipmentStatus,
  weightGrams: z.number().nullable(),
  priceFen: z.number().nullable(),
  trackingNo: z.string().nullable(),
  courier: z.object({ id: z.number(), name: z.string(), carrier: z.string() }).nullable(),
  createdAt: z.string(),
  quotedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  handedOverAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  payment: PaymentView.nullable(),
});
export const ShipmentList = z.object({ items: z.array(ShipmentView), total: z.number() });
