import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { diff } from '../audit/audit.trail.js';
import { isTaken } from '../../db/dialect.js';
import { conflict, notFound } from '../../errors.js';
import type { Scope } from '../../actors.js';
import { visibleCommunity } from '../communities/communities.service.js';
import * as repo from './residents.repo.js';
import { formatAddress, type ResidentCreateReq, type ResidentListReq, type ResidentUpdateReq } from './residents.schema.js';

type ResidentListRow = Awaited<ReturnType<typeof repo.listResidents>>['items'][number];

export function presentResident(r: ResidentListRow) {
  return {
    id: r.id,
    communityId: r.community_id,
    communityName: r.community_name,
    name: r.name,
    phone: r.phone,
    building: r.building,
    unit: r.unit,
    room: r.room,
  };
}

/** 住户管理 list with substring search on phone and name. */
export async function listResidents(ctx: Ctx, scope: Scope, query: ResidentListReq) {
  const { page, pageSize, ...filter } = query;
  const r = await repo.listResidents(ctx.db, scope, filter, page, pageSize);
  return { items: r.items.map(presentResident), total: r.total };
}

export async function getResident(ctx: Ctx, scope: Scope, id: number) {
  const row = await repo.findResident(ctx.db, scope, id);
  if (!row) throw notFound();
  return presentResident(row);
}

/** One resident per community, phone and home (409 `resident_exists`). */
export async function createResident(ctx: Ctx, scope: Scope, input: ResidentCreateReq) {
  const community = await visibleCommunity(ctx, scope, input.communityId);
  const now = nowIso(ctx);
  try {
    return await inTransaction(ctx, async (u) => {
      const { id } = await repo.insertResident(u.db, {
        org_id: community.org_id,
        community_id: community.id,
        name: input.name,
        phone: input.phone,
        building: input.building,
        unit: input.unit,
        room: input.room,
        created_at: now,
        updated_at: now,
      });
      const view = await getResident(u, scope, id);
      u.audit({ action: 'resident.create', entity: 'resident', entityId: id, orgId: community.org_id, changes: fields(view) });
      return view;
    });
  } catch (err) {
    if (isTaken(err, 'resident_home')) throw conflict('resident_exists');
    throw err;
  }
}

export async function updateResident(ctx: Ctx, scope: Scope, id: number, input: ResidentUpdateReq) {
  if (input.communityId !== undefined) await visibleCommunity(ctx, scope, input.communityId);
  const { communityId, ...rest } = input;
  try {
    return await inTransaction(ctx, async (u) => {
      const before = await getResident(u, scope, id);
      await repo.updateResident(u.db, id, { ...rest, community_id: communityId, updated_at: nowIso(u) });
      const after = await getResident(u, scope, id);
      u.audit({ action: 'resident.update', entity: 'resident', entityId: id, orgId: scope.orgId, changes: diff(fields(before), fields(after)) });
      return after;
    });
  } catch (err) {
    if (isTaken(err, 'resident_home')) throw conflict('resident_exists');
    throw err;
  }
}

export async function deleteResident(ctx: Ctx, scope: Scope, id: number) {
  await inTransaction(ctx, async (u) => {
    const gone = await getResident(u, scope, id);
    await repo.deleteResident(u.db, id);
    u.audit({ action: 'resident.delete', entity: 'resident', entityId: id, orgId: scope.orgId, changes: fields(gone) });
  });
}

/** A resident's fields as the trail records them (the community by id). */
function fields(r: ReturnType<typeof presentResident>) {
  const { id: _id, communityName: _name, ...rest } = r;
  return rest;
}

/** The resident a parcel to this phone belongs to, with the address to show, or null. */
export async function residentForParcel(ctx: Ctx, communityId: number, phone: string) {
  const r = await repo.residentByPhone(ctx.db, communityId, phone);
  return r ? { id: r.id, name: r.name, address: formatAddress(r) } : null;
}

/**
 * The one person of a community whose phone ends with `tail` (4 digits): a phone with several
 * homes is one person. `ambiguous` when several phones match, null when none does.
 */
export async function residentByPhoneTail(ctx: Ctx, communityId: number, tail: string) {
  const rows = await repo.residentsByPhoneTail(ctx.db, communityId, tail);
  const phones = new Set(rows.map((r) => r.phone));
  if (phones.size > 1) return 'ambiguous' as const;
  const r = rows[0];
  return r ? { id: r.id, name: r.name, phone: r.phone, address: formatAddress(r) } : null;
}
