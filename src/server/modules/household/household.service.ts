// 家人代领 (SPEC §15): a resident authorizes up to 5 other phones (family, a neighbour) to see and
// collect their parcels; the new phone is told by SMS who authorized it; a removal counts at once.
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import { HOUSEHOLD_LIMITS } from '../../../shared/constants.js';
import { maskPhone } from '../../../shared/phone.js';
import { householdMessage } from '../notifications/templates.js';
import { sendDirect } from '../notifications/notifications.service.js';
import * as repo from './household.repo.js';
import type { MemberReq } from './household.schema.js';

const present = (r: Awaited<ReturnType<typeof repo.listMembers>>[number]) => ({ phone: r.member_phone, name: r.member_name, createdAt: r.created_at });

export async function listMembers(ctx: Ctx, owner: string) {
  const rows = await repo.listMembers(ctx.db, owner);
  return { items: rows.map(present), total: rows.length };
}

/** Authorizes a phone (not one's own, at most 5); it is sent an SMS naming the tail of who did. */
export async function addMember(ctx: Ctx, owner: string, body: MemberReq) {
  if (body.phone === owner)
    throw badRequest('validation_error', '不能添加自己的手机号', { issues: [{ path: 'body/phone', code: 'self', message: '不能添加自己的手机号' }] });
  try {
    await inTransaction(ctx, async (ctx) => {
      if ((await repo.listMembers(ctx.db, owner)).length >= HOUSEHOLD_LIMITS.members) {
        throw conflict('limit_reached', `最多添加${HOUSEHOLD_LIMITS.members}个家人或代领人`);
      }
      await repo.insertMember(ctx.db, { owner_phone: owner, member_phone: body.phone, member_name: body.name ?? null, created_at: nowIso(ctx) });
      ctx.audit({
        action: 'household.add',
        entity: 'household',
        changes: { ownerPhone: owner, memberPhone: body.phone, name: body.name },
      });
    });
  } catch (err) {
    if (isTaken(err)) throw conflict('member_exists');
    throw err;
  }
  // The SMS is a courtesy: the authorization stands if it cannot go now.
  await sendDirect(ctx, { channel: 'sms', to: body.phone, phone: body.phone, kind: 'household_added', ...householdMessage(maskPhone(owner)) }).catch(
    (err: unknown) => ctx.log.warn({ err }, 'household SMS not sent'),
  );
  const rows = await repo.listMembers(ctx.db, owner);
  const added = rows.find((r) => r.member_phone === body.phone);
  if (!added) throw notFound();
  return present(added);
}

export async function removeMember(ctx: Ctx, owner: string, member: string): Promise<void> {
  await inTransaction(ctx, async (u) => {
    if (!(await repo.deleteMember(u.db, owner, member))) throw notFound();
    u.audit({ action: 'household.remove', entity: 'household', changes: { ownerPhone: owner, memberPhone: member } });
  });
}

/** The residents who authorized this phone to see and collect their parcels. */
export function ownersOf(ctx: Ctx, member: string): Promise<string[]> {
  return repo.ownersOf(ctx.db, member);
}

/** Whether `member` may collect `owner`'s parcels now. */
export function mayCollect(ctx: Ctx, owner: string, member: string): Promise<boolean> {
  return repo.isMember(ctx.db, owner, member);
}
