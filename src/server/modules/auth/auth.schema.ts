import { z } from 'zod';
import { MobilePhone, Text } from '../../../shared/schemas.js';
import { Password } from '../staff/staff.schema.js';

export const StaffLoginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const StaffPublic = z.object({
  id: z.number(),
  username: z.string(),
  role: z.enum(['admin', 'clerk']),
  orgId: z.number(),
  /** The password was set by someone else: change it (POST /api/auth/password) before anything else. */
  mustChangePassword: z.boolean(),
});

export const PasswordChangeBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: Password,
});

export const OtpBody = z.strictObject({ phone: MobilePhone, purpose: z.enum(['courier', 'resident']) });
const Code = z.string().regex(/^\d{6}$/, '验证码为6位数字');
export const CourierLoginBody = z.strictObject({ phone: MobilePhone, code: Code, name: Text(50).optional() });
export const ResidentLoginBody = z.strictObject({ phone: MobilePhone, code: Code });

export const CourierCommunity = z.object({ communityId: z.number(), communityName: z.string(), carrier: z.string() });
export const CourierLoginReply = z.object({
  courier: z.object({ phone: z.string(), name: z.string() }),
  communities: z.array(CourierCommunity),
});
export const ResidentLoginReply = z.object({ resident: z.object({ phone: z.string() }) });

/** Whether WeChat messages are set up, and whether this phone is bound to a WeChat user. */
export const WechatState = z.object({ enabled: z.boolean(), bound: z.boolean() });
export const MeReply = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('staff'),
    staff: StaffPublic,
    org: z.object({ id: z.number(), name: z.string(), appEnabled: z.boolean() }),
    communityIds: z.array(z.number()).nullable(),
  }),
  z.object({
    kind: z.literal('courier'),
    courier: z.object({ phone: z.string(), name: z.string() }),
    communities: z.array(CourierCommunity),
    wechat: WechatState,
  }),
  z.object({ kind: z.literal('resident'), resident: z.object({ phone: z.string() }), wechat: WechatState }),
]);
