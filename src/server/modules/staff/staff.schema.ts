import { z } from 'zod';
import { Id } from '../../../shared/schemas.js';

/** The communities a clerk works in: each once. */
const CommunityIds = z
  .array(Id)
  .max(1000)
  .refine((ids) => new Set(ids).size === ids.length, { message: '小区不能重复' });

export const Username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.@-]{3,64}$/, '用户名为3到64位字母、数字或 _ . @ -');
export const Password = z.string().min(8, '密码至少8位').max(128, '密码不能超过128位');
export const Role = z.enum(['admin', 'clerk']);

export const StaffCreateBody = z.strictObject({
  username: Username,
  password: Password,
  role: Role,
  communityIds: CommunityIds.optional(),
});
export type StaffCreateReq = z.infer<typeof StaffCreateBody>;

export const StaffUpdateBody = z.strictObject({
  password: Password.optional(),
  role: Role.optional(),
  communityIds: CommunityIds.optional(),
  disabled: z.boolean().optional(),
});
export type StaffUpdateReq = z.infer<typeof StaffUpdateBody>;

export const StaffView = z.object({
  id: z.number(),
  username: z.string(),
  role: Role,
  orgId: z.number(),
  disabled: z.boolean(),
  communityIds: z.array(z.number()),
  createdAt: z.string(),
});
