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
});
export const CommunityView = z.object({
  id: z.number(),
  name: z.string(),
  collectionPointName: z.string(),
  feeRateFen: z.number(),
  remindersEnabled: z.boolean(),
  returnAfterDays: z.number(),
  proofRequired: z.boolean(),
});
export type CommunityCreateReq = z.infer<typeof CommunityCreateBody>;
export type CommunityUpdateReq = z.infer<typeof CommunityUpdateBody>;
