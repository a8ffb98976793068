import { z } from 'zod';
import { SHELF_LIMITS } from '../../../shared/constants.js';

/** A shelf's code on its sticker: 1 to 4 capital letters or digits (`A`, `B2`, `24`). */
export const ShelfCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{1,4}$/, '货架编号为1到4位字母或数字'));
const Layers = z.number().int().min(1, '层数至少为1').max(SHELF_LIMITS.maxLayers, `层数不能超过${SHELF_LIMITS.maxLayers}`);
const Capacity = z.number().int().min(1, '容量至少为1').max(SHELF_LIMITS.maxCapacity, `容量不能超过${SHELF_LIMITS.maxCapacity}`);

export const ShelfCreateBody = z.strictObject({ code: ShelfCode, layers: Layers, capacity: Capacity });
export type ShelfCreateReq = z.infer<typeof ShelfCreateBody>;
export const ShelfUpdateBody = z.strictObject({ code: ShelfCode.optional(), layers: Layers.optional(), capacity: Capacity.optional() });
export type ShelfUpdateReq = z.infer<typeof ShelfUpdateBody>;

export const ShelfView = z.object({
  id: z.number(),
  communityId: z.number(),
  code: z.string(),
  layers: z.number(),
  capacity: z.number(),
  /** Parcels awaiting pickup on it now. */
  occupied: z.number(),
});
export const ShelfList = z.object({ items: z.array(ShelfView), total: z.number() });
