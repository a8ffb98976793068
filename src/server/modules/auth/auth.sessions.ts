// Sessions: started at a sign-in (recorded in the trail as the one who signed in), found by the
// hash of the cookie's token, sliding until their maximum age, ended at sign-out.
import { createHash, randomBytes } from 'node:crypto';
import { SESSION_MAX_AGE_MS, SESSION_TTL_MS } from '../../../shared/constants.js';
import type { AuditChange, Auth } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import * as repo from './auth.repo.js';

/** SHA-256 hex: the session table keeps the token's hash, never the token. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

type SignedIn = NonNullable<AuditChange['actor']>;

/**
 * Starts a new session (a fresh 128-bit token) and returns the token for the cookie; the sign-in
 * is recorded in the trail as the one who signed in (with what else the sign-in did, `changes`).
 */
export async function startSession(
  ctx: Ctx,
  who: { kind: 'staff'; staffId: number } | { kind: 'courier'; courierAccountId: number } | { kind: 'resident'; phone: string },
  actor: SignedIn,
  changes?: Record<string, unknown>,
): Promise<{ token: string; maxAgeSeconds: number }> {
  const token = randomBytes(16).toString('base64url');
  const ttl = SESSION_TTL_MS[who.kind];
  const now = ctx.now();
  await inTransaction(ctx, async (unit) => {
    await repo.insertSession(unit.db, {
      id: sessionIdOf(token),
      kind: who.kind,
      staff_id: who.kind === 'staff' ? who.staffId : undefined,
      courier_account_id: who.kind === 'courier' ? who.courierAccountId : undefined,
      phone: who.kind === 'resident' ? who.phone : undefined,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttl).toISOString(),
    });
    unit.audit({
      action: 'auth.sign_in',
      entity: actor.kind === 'courier' ? 'courier_account' : actor.kind,
      entityId: actor.id,
      actor,
      changes: changes ?? null,
    });
  });
  return { token, maxAgeSeconds: Math.floor(ttl / 1000) };
}

/** Ends a session on the server (sign-out, or a sign-in replacing it). */
export async function endSession(ctx: Ctx, sessionId: string): Promise<void> {
  await inTransaction(ctx, async (unit) => {
    await repo.deleteSession(unit.db, sessionId);
    const who = unit.actor?.kind ?? 'anonymous';
    unit.audit({ action: 'auth.sign_out', entity: who === 'courier' ? 'courier_account' : who, entityId: unit.actor?.id ?? null });
  });
}

/** The signed-in user of a cookie token, or null when the session is unknown, expired or disabled. */
export async function loadAuth(ctx: Ctx, token: string): Promise<Auth | null> {
  const id = sessionIdOf(token);
  const now = ctx.now();
  const s = await repo.findLiveSession(ctx.db, id, now.toISOString());
  if (!s) return null;
  // Sessions slide: one in use is extended once half its time has passed (an idle one expires),
  // never past its maximum age from the sign-in.
  const ttl = SESSION_TTL_MS[s.kind];
  const end = Date.parse(s.created_at) + SESSION_MAX_AGE_MS[s.kind];
  if (now.getTime() >= end) return null;
  if (Date.parse(s.expires_at) - now.getTime() < ttl / 2 && Date.parse(s.expires_at) < end) {
    await repo.extendSession(ctx.db, id, new Date(Math.min(now.getTime() + ttl, end)).toISOString());
  }
  if (s.kind === 'staff') {
    if (s.staffId === null || s.orgId === null || s.username === null || s.role === null || s.disabled !== 0) return null;
    const communityIds = s.role === 'admin' ? null : (await repo.communityIdsOfStaff(ctx.db, s.staffId)).map((r) => r.community_id);
    return {
      kind: 'staff',
      sessionId: id,
      staff: { id: s.staffId, orgId: s.orgId, username: s.username, role: s.role },
      scope: { orgId: s.orgId, communityIds },
      mustChangePassword: s.mustChangePassword === 1,
    };
  }
  if (s.kind === 'courier') {
    if (s.courierAccountId === null || s.courierPhone === null || s.courierName === null) return null;
    return { kind: 'courier', sessionId: id, account: { id: s.courierAccountId, phone: s.courierPhone, name: s.courierName } };
  }
  if (s.phone === null) return null;
  return { kind: 'resident', sessionId: id, phone: s.phone };
}

/** Ends every session of a staff member (when disabled). */
export async function endStaffSessions(ctx: Ctx, staffId: number): Promise<void> {
  await repo.deleteSessionsOfStaff(ctx.db, staffId);
}

/** Removes expired sessions and codes over a day old (housekeeping). */
export async function pruneSessions(ctx: Ctx): Promise<void> {
  await repo.deleteExpiredSessions(ctx.db, nowIso(ctx));
  await repo.deleteOtpsBefore(ctx.db, new Date(ctx.now().getTime() - 86_400_000).toISOString());
}
