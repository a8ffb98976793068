import { z } from 'zod';
import { FeeRateFen, Text } from '../../../shared/schemas.js';

export const CommunityCreateBody = z.strictObject({
  name: Text(50),
  collectionPointName: Text(50).optional(),
  feeRateFen: FeeRateFen.optional(),
});
export const CommunityUpdateBody = z.strictObject({
  collectionPointName: Text(50).optional(),
  feeRateFen: FeeRateFen.optional(),
  /** 催取: the daily overdue reminder to residents of this community. */
  remindersEnabled: z.boolean().optional(),
  /** 滞留: days a parcel may wait before it is stale and goes back to its courier (0: never). */
  returnAfterDays: z.number().int().min(0, '不能小于0').max(365, '不能超过365天').optional(),
  /** 领取凭证: pickup needs a photo or the resident's signature. */
  proofRequired: z.boolean().optional(),
  /** 送货上门: the price per parcel in fen (0: not offered), and the hours (`18:00-21:00`, '' for any time). */
  doorDeliveryFen: z.number().int().min(0, '不能小于0').max(100_00, '不能超过100元').optional(),
  doorDeliveryHours: z
    .string()
    .regex(/^$|^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, '送货时段格式如 18:00-21:00')
    .refine((v) => v === '' || v.slice(0, 5) < v.slice(6), '送货时段的结束须晚于开始')
    .optional(),
});
export const CommunityView = z.object({
  id: z.number(),
  name: z.string(),
  collectionPointName: z.string(),
  feeRateFen: z.number(),
  remindersEnabled: z.boolean(),
  returnAfterDays: z.number(),
  proofRequired: z.boolean(),
  doorDeliveryFen: z.number(),
  doorDeliveryHours: z.string(),
});
export type CommunityCreateReq = z.infer<typeof CommunityCreateBody>;
export type CommunityUpdateReq = z.infer<typeof CommunityUpdateBody>;

/** A community as the resident app sees it (送货上门's price per parcel, 0: not offered, and hours). */
export const ResidentCommunityList = z.object({
  items: z.array(z.object({ id: z.number(), name: z.string(), collectionPointName: z.string(), doorDeliveryFen: z.number(), doorDeliveryHours: z.string() })),
  total: z.number(),
});
