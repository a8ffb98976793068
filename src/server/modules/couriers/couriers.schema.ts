import { z } from 'zod';
import { Carrier, Id, MobilePhone, Pagination, Text } from '../../../shared/schemas.js';

export const CourierCreateBody = z.strictObject({ communityId: Id, name: Text(50), phone: MobilePhone, carrier: Carrier });
export const CourierUpdateBody = z.strictObject({
  communityId: Id.optional(),
  name: Text(50).optional(),
  phone: MobilePhone.optional(),
  carrier: Carrier.optional(),
});
export const CourierListQuery = z.strictObject({
  q: z.string().trim().max(50).optional(),
  communityId: Id.optional(),
  carrier: Carrier.optional(),
  ...Pagination,
});
export const CourierView = z.object({
  id: z.number(),
  communityId: z.number(),
  communityName: z.string(),
  name: z.string(),
  phone: z.string(),
  carrier: z.string(),
});
export type CourierCreateReq = z.infer<typeof CourierCreateBody>;
export type CourierUpdateReq = z.infer<typeof CourierUpdateBody>;
export type CourierListReq = z.infer<typeof CourierListQuery>;
