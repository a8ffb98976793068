import { z } from 'zod';
import { MobilePhone, Text } from '../../../shared/schemas.js';

export const MemberBody = z.strictObject({ phone: MobilePhone, name: Text(20).optional() });
export type MemberReq = z.infer<typeof MemberBody>;
export const MemberParams = z.strictObject({ phone: MobilePhone });
export const MemberView = z.object({ phone: z.string(), name: z.string().nullable(), createdAt: z.string() });
export const MemberList = z.object({ items: z.array(MemberView), total: z.number() });
