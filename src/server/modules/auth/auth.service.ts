import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { LOGIN_LIMITS, OTP_LENGTH, OTP_MAX_WRONG_TRIES, OTP_TTL_MS } from '../../../shared/constants.js';
import { inTransaction, nowIso, recordAudit, type Ctx } from '../../context.js';
import { AppError, badRequest, forbidden, tooManyRequests } from '../../errors.js';
import type { StaffAuth } from '../../actors.js';
import { maskPhone } from '../../../shared/phone.js';
import { maskDigits } from '../../logging.js';
import { courierCommunities } from '../couriers/couriers.service.js';
import { sendDirect } from '../notifications/notifications.service.js';
import { otpMessage } from '../notifications/templates.js';
import * as repo from './auth.repo.js';
import { startSession } from './auth.sessions.js';
import { checkLimits, hitLimits, type Limit } from './rate-limit.js';

export interface OtpLimits {
  perPhonePerMinute: number;
  perPhonePerDay: number;
  perIpPerHour: number;
}

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let dummyHash: Promise<string> | undefined;

/** A sign-in refused: recorded (who tried, by the name or phone given; never the password or code). */
function recordFailedSignIn(ctx: Ctx, reason: string, changes: Record<string, unknown>, staff?: { id: number; org_id: number }) {
  return recordAudit(ctx, {
    action: 'auth.sign_in_failed',
    entity: staff ? 'staff' : changes.purpose === 'courier' ? 'courier_account' : changes.purpose === 'resident' ? 'resident' : 'staff',
    entityId: staff?.id ?? null,
    orgId: staff?.org_id ?? null,
    // Whoever tried is nobody known (a session the browser holds is someone else's business, of another org maybe): the address and what was typed.
    actor: { kind: 'anonymous', id: null, name: '', orgId: null },
    changes: { reason, ...changes },
  });
}

/** The limits on wrong passwords of one account (LOGIN_LIMITS): per account and address, per address, per account. */
function passwordLimits(username: string, ip: string): Limit[] {
  const user = username.toLowerCase();
  const windowMs = LOGIN_LIMITS.windowMs;
  return [
    { key: `login:user:${user}:ip:${ip}`, windowMs, limit: LOGIN_LIMITS.perAccountAndIp },
    { key: `login:ip:${ip}`, windowMs, limit: LOGIN_LIMITS.perIp },
    { key: `login:user:${user}`, windowMs, limit: LOGIN_LIMITS.perAccount },
  ];
}

/** Counts a wrong password; reaching a limit here does not change this answer (the next one is 429). */
async function countWrongPassword(ctx: Ctx, limits: Limit[]): Promise<void> {
  await hitLimits(ctx, limits).catch((e: unknown) => {
    if (!(e instanceof AppError)) throw e;
  });
}

/**
 * Staff sign-in. Failures count per account and address, per address and per account (looser);
 * past a limit the answer is 429 whatever the password. An unknown user costs the same time as a
 * wrong password. The username's letter case does not matter.
 */
export async function loginStaff(ctx: Ctx, input: { username: string; password: string; ip: string }) {
  const limits = passwordLimits(input.username, input.ip);
  await checkLimits(ctx, limits);
  const staff = await repo.findStaffByUsername(ctx.db, input.username);
  // An unknown user still costs one argon2 verification, so that timing does not tell usernames apart.
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  const ok = await verify(staff ? staff.password_hash : await dummyHash, input.password);
  if (!staff || !ok) {
    await countWrongPassword(ctx, limits);
    await recordFailedSignIn(ctx, 'invalid_credentials', { username: input.username }, staff);
    throw new AppError(401, 'invalid_credentials');
  }
  if (staff.disabled) {
    await recordFailedSignIn(ctx, 'account_disabled', { username: input.username }, staff);
    throw forbidden('account_disabled');
  }
  const actor = { kind: 'staff' as const, id: staff.id, name: staff.username, orgId: staff.org_id };
  const session = await startSession(ctx, { kind: 'staff', staffId: staff.id }, actor);
  return {
    staff: { id: staff.id, username: staff.username, role: staff.role, orgId: staff.org_id, mustChangePassword: staff.must_change_password === 1 },
    session,
  };
}

/**
 * 修改密码: a staff member changes their own password, giving the current one (wrong ones count as
 * failed sign-ins). Their other sessions end; this one goes on, no longer held to a change.
 */
export async function changeOwnPassword(ctx: Ctx, auth: StaffAuth, input: { currentPassword: string; newPassword: string; ip: string }) {
  const limits = passwordLimits(auth.staff.username, input.ip);
  await checkLimits(ctx, limits);
  const staff = await repo.findStaffById(ctx.db, auth.staff.id);
  if (!staff) throw new AppError(401, 'unauthorized');
  if (!(await verify(staff.password_hash, input.currentPassword))) {
    await countWrongPassword(ctx, limits);
    await recordAudit(ctx, { action: 'staff.password_change_failed', entity: 'staff', entityId: staff.id, changes: { reason: 'wrong_password' } });
    throw badRequest('wrong_password');
  }
  if (input.newPassword === input.currentPassword) throw badRequest('password_unchanged');
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(ctx, async (unit) => {
    await repo.setStaffPassword(unit.db, staff.id, passwordHash, false);
    await repo.deleteOtherSessionsOfStaff(unit.db, staff.id, auth.sessionId);
    unit.audit({ action: 'staff.password_change', entity: 'staff', entityId: staff.id });
  });
}

/** Sets a password that its owner must change at the first sign-in (demo data in production). */
export async function setTemporaryPassword(ctx: Ctx, staffId: number, password: string): Promise<void> {
  await repo.setStaffPassword(ctx.db, staffId, await hashPassword(password), true);
}

/**
 * Sends a sign-in code by SMS. Limited per phone (a minute, a day) and per client address; a new
 * code voids the previous one. The code is kept only as a hash.
 */
export async function requestOtp(ctx: Ctx, input: { phone: string; purpose: 'courier' | 'resident'; ip: string }, limits: OtpLimits): Promise<void> {
  // The address first, so that a flood from one address does not use up the phones' allowance.
  await hitLimits(ctx, [{ key: `otp:ip:${input.ip}`, windowMs: 3_600_000, limit: limits.perIpPerHour }]);
  // A minute since the phone's last code, measured from that code (fixed windows alone would let
  // two codes through a second apart across a window boundary); the counter also stops requests
  // racing in together.
  const last = await repo.lastOtpSentAt(ctx.db, input.phone);
  const wait = last ? Date.parse(last) + 60_000 - ctx.now().getTime() : 0;
  if (wait > 0) throw tooManyRequests(Math.ceil(wait / 1000));
  await hitLimits(ctx, [
    { key: `otp:phone:${input.phone}:m`, windowMs: 60_000, limit: limits.perPhonePerMinute },
    { key: `otp:phone:${input.phone}:d`, windowMs: 86_400_000, limit: limits.perPhonePerDay },
  ]);
  const code = String(randomInt(0, 10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
  const now = ctx.now();
  const codeHash = await hash(code);
  await inTransaction(ctx, async (ctx) => {
    await repo.voidOpenOtps(ctx.db, input.phone, input.purpose, now.toISOString());
    await repo.insertOtp(ctx.db, {
      phone: input.phone,
      purpose: input.purpose,
      code_hash: codeHash,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + OTP_TTL_MS).toISOString(),
    });
    ctx.audit({ action: 'auth.otp_request', entity: 'otp', changes: { phone: input.phone, purpose: input.purpose } });
  });
  try {
    await sendDirect(ctx, { channel: 'sms', to: input.phone, kind: 'otp', ...otpMessage(code, OTP_TTL_MS / 60_000) });
  } catch (err) {
    ctx.log.warn({ reason: maskDigits(err instanceof Error ? err.message : String(err)) }, 'sign-in code not sent');
    throw new AppError(503, 'unavailable', '短信发送失败，请稍后再试');
  }
}

/**
 * Checks a code without using it up; a wrong code counts a try, and after the fifth wrong try the
 * code no longer works. The try is taken before the (slow) hash check and given back when the code
 * is right, so that many guesses sent at once still get five checks at most. Wrong codes also count
 * per client address (across phones, LOGIN_LIMITS.perIp in 15 minutes); past it the answer is 429.
 * Returns the code's id for `useOtp`.
 */
async function checkOtp(ctx: Ctx, input: { phone: string; code: string; ip: string }, purpose: 'courier' | 'resident'): Promise<number> {
  const perAddress: Limit[] = [{ key: `otp-check:ip:${input.ip}`, windowMs: LOGIN_LIMITS.windowMs, limit: LOGIN_LIMITS.perIp }];
  await checkLimits(ctx, perAddress);
  const wrong = async () => {
    await hitLimits(ctx, perAddress).catch((e: unknown) => {
      if (!(e instanceof AppError)) throw e;
    });
    await recordFailedSignIn(ctx, 'invalid_code', { phone: input.phone, purpose });
    return badRequest('invalid_code');
  };
  const row = await repo.findOpenOtp(ctx.db, input.phone, purpose);
  const now = nowIso(ctx);
  if (!row || row.expires_at <= now) throw await wrong();
  if (!(await repo.takeOtpTry(ctx.db, row.id, OTP_MAX_WRONG_TRIES))) throw await wrong();
  if (!(await verify(row.code_hash, input.code))) throw await wrong();
  await repo.giveBackOtpTry(ctx.db, row.id);
  return row.id;
}

async function useOtp(ctx: Ctx, id: number): Promise<void> {
  if (!(await repo.consumeOtp(ctx.db, id, nowIso(ctx)))) throw badRequest('invalid_code');
}

/** Compares names as a clerk would: spaces and Latin letter case do not matter. */
function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  const x = Buffer.from(norm(a));
  const y = Buffer.from(norm(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Courier sign-in with an SMS code. The first sign-in registers: the name must match a courier
 * record that the front desk entered with this phone, else 403 and nothing is created.
 */
export async function loginCourier(ctx: Ctx, input: { phone: string; code: string; name?: string; ip: string }) {
  const otpId = await checkOtp(ctx, input, 'courier');
  let account = await repo.findCourierAccount(ctx.db, input.phone);
  let registered = false;
  if (!account) {
    if (!input.name) throw badRequest('name_required');
    const names = await repo.courierNamesForPhone(ctx.db, input.phone);
    const match = names.find((n) => sameName(n.name, input.name ?? ''));
    if (!match) {
      await repo.addWrongTry(ctx.db, otpId, OTP_MAX_WRONG_TRIES, nowIso(ctx));
      await recordFailedSignIn(ctx, 'courier_not_registered', { phone: input.phone, purpose: 'courier' });
      throw forbidden('courier_not_registered');
    }
    await useOtp(ctx, otpId);
    account = await registerCourierAccount(ctx, input.phone, match.name);
    registered = true;
  } else {
    await useOtp(ctx, otpId);
  }
  const actor = { kind: 'courier' as const, id: account.id, name: account.name, orgId: null };
  const session = await startSession(ctx, { kind: 'courier', courierAccountId: account.id }, actor, {
    phone: account.phone,
    ...(registered ? { registered } : {}),
  });
  const communities = await courierCommunities(ctx, account.phone);
  return { courier: { phone: account.phone, name: account.name }, communities, session };
}

/** The courier account of a phone, made on its first sign-in with the name the front desk entered. */
export async function registerCourierAccount(ctx: Ctx, phone: string, name: string) {
  try {
    return await repo.insertCourierAccount(ctx.db, { phone, name, created_at: nowIso(ctx) });
  } catch (err) {
    // Two first sign-ins at once: the other one registered; use its account.
    const existing = await repo.findCourierAccount(ctx.db, phone);
    if (!existing) throw err;
    return existing;
  }
}

/** Resident sign-in with an SMS code: the phone is the account. */
export async function loginResident(ctx: Ctx, input: { phone: string; code: string; ip: string }) {
  const otpId = await checkOtp(ctx, input, 'resident');
  await useOtp(ctx, otpId);
  const actor = { kind: 'resident' as const, id: null, name: maskPhone(input.phone), orgId: null };
  const session = await startSession(ctx, { kind: 'resident', phone: input.phone }, actor, { phone: input.phone });
  return { resident: { phone: input.phone }, session };
}
