import { randomBytes } from 'node:crypto';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { notFound } from '../../errors.js';
import { hashPassword } from '../auth/auth.service.js';
import { createStaffInOrg } from '../staff/staff.service.js';
import * as repo from './orgs.repo.js';

/** The operator's call: a property company and its first admin, in one transaction. */
export async function createOrg(ctx: Ctx, input: { name: string; adminUsername: string; adminPassword: string }) {
  const passwordHash = await hashPassword(input.adminPassword);
  return inTransaction(
    ctx,
    async (ctx) => {
      const org = await repo.insertOrg(ctx.db, { name: input.name, created_at: nowIso(ctx) });
      const admin = await createStaffInOrg(ctx, org.id, { username: input.adminUsername, role: 'admin', communityIds: [] }, passwordHash);
      ctx.audit({ action: 'org.create', entity: 'org', entityId: org.id, orgId: org.id, changes: { name: org.name, adminUsername: admin.username } });
      return { org: { id: org.id, name: org.name }, admin: { id: admin.id, username: admin.username } };
    },
    { attempts: 1 },
  );
}

/** An org as its staff see it. */
export async function getOrg(ctx: Ctx, orgId: number) {
  const org = await repo.findOrg(ctx.db, orgId);
  if (!org) throw notFound();
  return { id: org.id, name: org.name, appEnabled: org.app_enabled === 1 };
}

/** 开启应用 / 关闭应用: no data changes but the switch. */
export async function setAppEnabled(ctx: Ctx, orgId: number, enabled: boolean) {
  await inTransaction(ctx, async (unit) => {
    const before = await repo.findOrg(unit.db, orgId);
    await repo.setAppEnabled(unit.db, orgId, enabled);
    unit.audit({ action: 'org.app_enabled', entity: 'org', entityId: orgId, orgId, changes: { appEnabled: [before?.app_enabled === 1, enabled] } });
  });
  return { enabled };
}

/** The org's salt for phone hashes (SPEC §19: carriers hash a phone with it); made at first need. */
export async function phoneSaltOf(ctx: Ctx, orgId: number): Promise<string> {
  const org = await repo.findOrg(ctx.db, orgId);
  if (!org) throw notFound();
  if (org.phone_salt) return org.phone_salt;
  await repo.setPhoneSaltIfNone(ctx.db, orgId, randomBytes(16).toString('hex'));
  const again = await repo.findOrg(ctx.db, orgId);
  if (!again?.phone_salt) throw notFound();
  return again.phone_salt;
}
