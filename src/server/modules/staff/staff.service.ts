import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import type { StaffRow } from '../../db/types.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { hashPassword } from '../auth/auth.service.js';
import { endStaffSessions } from '../auth/auth.sessions.js';
import { assertCommunitiesInOrg } from '../communities/communities.service.js';
import { diff } from '../audit/audit.trail.js';
import * as repo from './staff.repo.js';
import type { StaffCreateReq, StaffUpdateReq } from './staff.schema.js';

/** What an answer carries of a staff member: never the hash. */
export function presentStaff(s: StaffRow, communityIds: number[]) {
  return {
    id: s.id,
    username: s.username,
    role: s.role,
    orgId: s.org_id,
    disabled: s.disabled === 1,
    communityIds: s.role === 'admin' ? [] : communityIds,
    createdAt: s.created_at,
  };
}

/**
 * Creates a staff member in the caller's unit of work (also used when an org is created); the
 * password is hashed beforehand, so that the slow hash never holds a transaction open.
 */
export async function createStaffInOrg(ctx: Ctx, orgId: number, input: Omit<StaffCreateReq, 'password'>, passwordHash: string) {
  const communityIds = [...new Set(input.communityIds ?? [])];
  await assertCommunitiesInOrg(ctx, orgId, communityIds);
  try {
    const row = await repo.insertStaff(ctx.db, {
      org_id: orgId,
      username: input.username,
      password_hash: passwordHash,
      role: input.role,
      created_at: nowIso(ctx),
    });
    if (input.role === 'clerk') await repo.replaceStaffCommunities(ctx.db, row.id, communityIds);
    const view = presentStaff(row, communityIds);
    const { id: _id, createdAt: _at, ...fields } = view;
    ctx.audit({ action: 'staff.create', entity: 'staff', entityId: row.id, orgId, changes: fields });
    return view;
  } catch (err) {
    if (isTaken(err, 'staff_username')) throw conflict('username_taken');
    throw err;
  }
}

/** 人员管理: adds an admin or a clerk (with the communities a clerk serves). */
export async function createStaff(ctx: Ctx, orgId: number, input: StaffCreateReq) {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, (ctx) => createStaffInOrg(ctx, orgId, input, passwordHash), { attempts: 1 });
}

export async function listStaff(ctx: Ctx, orgId: number) {
  const rows = await repo.listStaffOfOrg(ctx.db, orgId);
  const communities = await repo.communityIdsByStaff(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => presentStaff(r, communities.get(r.id) ?? [])), total: rows.length };
}

export async function getStaff(ctx: Ctx, orgId: number, id: number) {
  const row = await repo.findStaffInOrg(ctx.db, orgId, id);
  if (!row) throw notFound();
  const communities = await repo.communityIdsByStaff(ctx.db, [id]);
  return presentStaff(row, communities.get(id) ?? []);
}

/** Changes role, password, communities or the disabled flag; disabling ends the member's sessions. */
export async function updateStaff(ctx: Ctx, orgId: number, actingStaffId: number, id: number, input: StaffUpdateReq) {
  if (id === actingStaffId && (input.disabled === true || input.role === 'clerk')) {
    throw badRequest('validation_error', '不能停用自己或取消自己的管理员权限');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  await inTransaction(ctx, async (ctx) => {
    const row = await repo.findStaffInOrg(ctx.db, orgId, id);
    if (!row) throw notFound();
    const before = presentStaff(row, (await repo.communityIdsByStaff(ctx.db, [id])).get(id) ?? []);
    if (input.communityIds) {
      const ids = [...new Set(input.communityIds)];
      await assertCommunitiesInOrg(ctx, orgId, ids);
      await repo.replaceStaffCommunities(ctx.db, id, ids);
    }
    const set = {
      ...(passwordHash ? { password_hash: passwordHash } : {}),
      ...(input.role ? { role: input.role } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled ? (1 as const) : (0 as const) } : {}),
    };
    if (Object.keys(set).length > 0) await repo.updateStaff(ctx.db, id, set);
    if (input.disabled === true || passwordHash) await endStaffSessions(ctx, id);
    const after = await getStaff(ctx, orgId, id);
    ctx.audit({
      action: 'staff.update',
      entity: 'staff',
      entityId: id,
      orgId,
      changes: { ...diff(before, after), ...(passwordHash ? { passwordReset: true } : {}) },
    });
  });
  return getStaff(ctx, orgId, id);
}
