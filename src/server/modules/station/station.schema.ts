import { z } from 'zod';
import { EffectivePreference } from '../preferences/preferences.schema.js';
import { MAX_CHECKOUT } from '../../../shared/constants.js';
import { Carrier, Id, MobilePhone, Text } from '../../../shared/schemas.js';
import { ParcelView, TrackingNo } from '../parcels/parcels.schema.js';

/** The last 4 digits of a phone (a privacy waybill shows no more). */
export const PhoneTail = z.string().regex(/^\d{4}$/, '手机后4位为4位数字');

export const LookupQuery = z
  .strictObject({ communityId: Id, trackingNo: TrackingNo.optional(), phoneTail: PhoneTail.optional() })
  .refine((q) => (q.trackingNo === undefined) !== (q.phoneTail === undefined), { message: '请提供 trackingNo 或 phoneTail 之一', path: ['trackingNo'] });
export type LookupReq = z.infer<typeof LookupQuery>;

export const LookupReply = z.object({
  recipientPhone: z.string(),
  recipientName: z.string(),
  carrier: z.string().nullable(),
  source: z.enum(['pre_advice', 'history', 'resident']),
  /** 收件偏好 of the recipient (for the carrier when known); null when they said nothing. */
  preference: EffectivePreference.nullable(),
});
export type LookupReplyT = z.infer<typeof LookupReply>;

export const DeskIntakeBody = z.strictObject({
  communityId: Id,
  trackingNo: TrackingNo,
  recipientPhone: MobilePhone.optional(),
  /** Instead of the phone: its last 4 digits, when one resident of the community has them. */
  phoneTail: PhoneTail.optional(),
  recipientName: Text(50).optional(),
  carrier: Carrier.optional(),
  courierId: Id.optional(),
  shelfId: Id.optional(),
  damaged: z.boolean().optional(),
});
export type DeskIntakeReq = z.infer<typeof DeskIntakeBody>;

export const MoveBody = z.strictObject({ shelfId: Id });

export const CheckoutQuery = z.strictObject({
  communityId: Id,
  key: z.string().trim().min(1, '请输入领取码、货架号或手机后4位').max(64),
});
export const CheckoutReply = z.object({
  items: z.array(ParcelView),
  totalFeeFen: z.number(),
  /** True when the key was the pickup code (or the resident app's QR, which holds it): the parcels may be handed out. */
  verified: z.boolean(),
});

export const PickupManyBody = z.strictObject({
  ids: z
    .array(Id)
    .min(1)
    .max(MAX_CHECKOUT)
    .refine((ids) => new Set(ids).size === ids.length, { message: '包裹不能重复' }),
  totalFeeFen: z.number().int().min(0).max(100_000_000),
  /** The pickup code (or the QR's text) that releases them: one of theirs. */
  code: z.string().trim().max(64),
});
export type PickupManyReq = z.infer<typeof PickupManyBody>;
