import { z } from 'zod';
import { Id, MobilePhone, Pagination, Text } from '../../../shared/schemas.js';

export const ResidentCreateBody = z.strictObject({
  communityId: Id,
  name: Text(50),
  phone: MobilePhone,
  building: Text(20),
  unit: Text(20),
  room: Text(20),
});
export const ResidentUpdateBody = ResidentCreateBody.partial();
export const ResidentListQuery = z.strictObject({
  q: z.string().trim().max(50).optional(),
  communityId: Id.optional(),
  building: z.string().trim().max(20).optional(),
  ...Pagination,
});
export const ResidentView = z.object({
  id: z.number(),
  communityId: z.number(),
  communityName: z.string(),
  name: z.string(),
  phone: z.string(),
  building: z.string(),
  unit: z.string(),
  room: z.string(),
});
export type ResidentCreateReq = z.infer<typeof ResidentCreateBody>;
export type ResidentUpdateReq = z.infer<typeof ResidentUpdateBody>;
export type ResidentListReq = z.infer<typeof ResidentListQuery>;

/** `1/1/101`: building/unit/room, as the guide writes an address. */
export function formatAddress(r: { building: string; unit: string; room: string }): string {
  return `${r.building}/${r.unit}/${r.room}`;
}
