import { randomBytes, randomUUID } from 'node:crypto';
import { createContext, type Ctx } from './context.js';
import type { CourierAuth, StaffAuth } from './actors.js';
import { registerCourierAccount, setTemporaryPassword } from './modules/auth/auth.service.js';
import { createCommunity } from './modules/communities/communities.service.js';
import { createCourier } from './modules/couriers/couriers.service.js';
import { createOrg } from './modules/orgs/orgs.service.js';
import { enterParcel } from './modules/parcels/parcels.intake.js';
import { pickupParcel, receiveParcel, rejectParcel, waiveFee } from './modules/parcels/parcels.service.js';
import { createResident } from './modules/residents/residents.service.js';
import { createStaff } from './modules/staff/staff.service.js';

/** The demo sign-ins, as the README lists them. */
export const DEMO_LOGINS = {
  admin: { username: 'admin', password: 'admin123456' },
  clerk: { username: 'clerk', password: 'clerk123456' },
} as const;

const HOUR = 3_600_000;

/** Whether the database holds no org yet (a fresh install). */
export async function isEmpty(ctx: Ctx): Promise<boolean> {
  return (await ctx.db.selectFrom('orgs').select('id').limit(1).execute()).length === 0;
}

/** A password of 16 random characters (96 bits) for demo staff in production. */
const randomPassword = () => randomBytes(12).toString('base64url');

/**
 * Fills an empty database with the guide's world: one org, its communities and couriers, a few
 * residents, an admin and a clerk, and parcels in every state, entered and handled over the last
 * weeks through the same services the API uses (the clock is moved, not the rows written by hand).
 * `known` gives the staff the README's passwords; `random` (production) gives them random ones,
 * which must be changed at the first sign-in, and returns them to be shown once.
 */
export async function seedDemo(base: Ctx, passwords: 'known' | 'random'): Promise<{ username: string; password: string }[]> {
  const logins = [
    { username: DEMO_LOGINS.admin.username, password: passwords === 'known' ? DEMO_LOGINS.admin.password : randomPassword() },
    { username: DEMO_LOGINS.clerk.username, password: passwords === 'known' ? DEMO_LOGINS.clerk.password : randomPassword() },
  ];
  const [adminLogin, clerkLogin] = logins as [(typeof logins)[0], (typeof logins)[0]];
  const realNow = base.now().getTime();
  let t = realNow - 20 * 24 * HOUR;
  const ctx: Ctx = createContext({ ...base, now: () => new Date(t), outboxKick: () => {} });
  const at = (msAgo: number) => {
    t = realNow - msAgo;
  };

  const { org, admin } = await createOrg(ctx, { name: '蜂鸟物业', adminUsername: adminLogin.username, adminPassword: adminLogin.password });
  const adminAuth: StaffAuth = {
    kind: 'staff',
    sessionId: '',
    staff: { id: admin.id, orgId: org.id, username: admin.username, role: 'admin' },
    scope: { orgId: org.id, communityIds: null },
    mustChangePassword: false,
  };
  const huarun = await createCommunity(ctx, org.id, { name: '华润二十四城', feeRateFen: 200 });
  const lanlan = await createCommunity(ctx, org.id, { name: '兰兰测试用', feeRateFen: 150 });
  await createCommunity(ctx, org.id, { name: '李宜君测试用', feeRateFen: 0 });
  const clerk = await createStaff(ctx, org.id, { ...clerkLogin, role: 'clerk', communityIds: [huarun.id] });
  if (passwords === 'random') {
    await setTemporaryPassword(ctx, admin.id, adminLogin.password);
    await setTemporaryPassword(ctx, clerk.id, clerkLogin.password);
  }

  const scope = adminAuth.scope;
  for (const c of [
    { communityId: lanlan.id, carrier: '申通快递', name: '大房森', phone: '15640922191' },
    { communityId: huarun.id, carrier: '顺丰速运', name: 'darren', phone: '18525385385' },
    { communityId: huarun.id, carrier: '百世', name: '兰兰', phone: '15640922191' },
    { communityId: huarun.id, carrier: '百世', name: '李宜君', phone: '15140620302' },
  ]) {
    await createCourier(ctx, scope, c);
  }
  for (const r of [
    { communityId: huarun.id, name: '兰兰啊', phone: '15640922191', building: '1', unit: '1', room: '101' },
    { communityId: huarun.id, name: '李宜君', phone: '15140620302', building: '1', unit: '1', room: '102' },
    { communityId: huarun.id, name: '张大力', phone: '13912345678', building: '2', unit: '1', room: '301' },
    { communityId: huarun.id, name: 'Darren', phone: '18525385385', building: '3', unit: '2', room: '1502' },
    { communityId: lanlan.id, name: '王小明', phone: '13700001111', building: '5', unit: '1', room: '601' },
  ]) {
    await createResident(ctx, scope, r);
  }

  const courier = async (phone: string, name: string): Promise<CourierAuth> => {
    const account = await registerCourierAccount(ctx, phone, name);
    return { kind: 'courier', sessionId: '', account: { id: account.id, phone, name } };
  };
  const liyijun = await courier('15140620302', '李宜君');
  const lan = await courier('15640922191', '兰兰');
  const enter = (who: CourierAuth, trackingNo: string, recipientPhone: string, recipientName: string, communityId = huarun.id) =>
    enterParcel(ctx, who, { communityId, trackingNo, recipientPhone, recipientName }, randomUUID());

  // Eighteen days ago: parcels that now owe ¥36.00 at 2元/天, one of them waived, one picked up.
  at(18 * 24 * HOUR + 5 * HOUR);
  const old = [
    await enter(liyijun, '000000', '15640922191', '兰兰啊'),
    await enter(liyijun, '92828', '15640922191', '兰兰'),
    await enter(lan, '3464646', '15640922191', '兰兰啊'),
    await enter(liyijun, '2356', '15640922191', 'lam'),
    await enter(lan, '77881234', '13912345678', '张大力'),
  ];
  at(18 * 24 * HOUR + 4 * HOUR);
  for (const p of old) await receiveParcel(ctx, adminAuth, p.id);
  at(3 * 24 * HOUR);
  await waiveFee(ctx, adminAuth, old[3]?.id ?? 0);
  at(2 * 24 * HOUR);
  const oldPicked = old[4];
  if (oldPicked) await pickupParcel(ctx, adminAuth, oldPicked.id, 16 * 200);

  // Rejected ones, with and without a reason.
  at(9 * 24 * HOUR);
  const r1 = await enter(liyijun, '1671838', '15140620302', '李宜君');
  const r2 = await enter(lan, '64646649', '15640922191', '兰兰啊');
  at(9 * 24 * HOUR - HOUR);
  await rejectParcel(ctx, adminAuth, r1.id, '外包装破损严重');
  await rejectParcel(ctx, adminAuth, r2.id);

  // Today: received this morning (¥0.00 still), one picked up, two waiting for the front desk.
  at(6 * HOUR);
  const today = await enter(liyijun, '112233445566', '15140620302', '李宜君');
  const picked = await enter(liyijun, '1061583803517', '15140620302', '李宜君');
  at(5 * HOUR);
  await receiveParcel(ctx, adminAuth, today.id, true);
  await receiveParcel(ctx, adminAuth, picked.id);
  at(2 * HOUR);
  await pickupParcel(ctx, adminAuth, picked.id, 0);
  at(30 * 60_000);
  await enter(liyijun, 'SF1400220019', '13912345678', '张大力');
  await enter(lan, '3464664', '15640922191', '兰兰啊');
  await enter(lan, 'YT8800112233', '13700001111', '王小明', lanlan.id);
  return logins;
}
