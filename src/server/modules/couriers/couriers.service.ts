import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { diff } from '../audit/audit.trail.js';
import { isTaken } from '../../db/dialect.js';
import { conflict, notFound } from '../../errors.js';
import type { Scope } from '../../actors.js';
import { visibleCommunity } from '../communities/communities.service.js';
import * as repo from './couriers.repo.js';
import type { CourierCreateReq, CourierListReq, CourierUpdateReq } from './couriers.schema.js';

type CourierListRow = Awaited<ReturnType<typeof repo.listCouriers>>['items'][number];

export function presentCourier(c: CourierListRow) {
  return { id: c.id, communityId: c.community_id, communityName: c.community_name, name: c.name, phone: c.phone, carrier: c.carrier };
}

/** 快递员管理 list with 模糊搜索 and 条件筛选. */
export async function listCouriers(ctx: Ctx, scope: Scope, query: CourierListReq) {
  const { page, pageSize, ...filter } = query;
  const r = await repo.listCouriers(ctx.db, scope, filter, page, pageSize);
  return { items: r.items.map(presentCourier), total: r.total };
}

export async function getCourier(ctx: Ctx, scope: Scope, id: number) {
  const row = await repo.findCourier(ctx.db, scope, id);
  if (!row) throw notFound();
  return presentCourier(row);
}

/** 手动添加: one record per phone and community (409 `courier_exists`). */
export async function createCourier(ctx: Ctx, scope: Scope, input: CourierCreateReq) {
  const community = await visibleCommunity(ctx, scope, input.communityId);
  const now = nowIso(ctx);
  try {
    return await inTransaction(ctx, async (unit) => {
      const { id } = await repo.insertCourier(unit.db, {
        org_id: community.org_id,
        community_id: community.id,
        name: input.name,
        phone: input.phone,
        carrier: input.carrier,
        created_at: now,
        updated_at: now,
      });
      const view = await getCourier(unit, scope, id);
      unit.audit({ action: 'courier.create', entity: 'courier', entityId: id, orgId: community.org_id, changes: fields(view) });
      return view;
    });
  } catch (err) {
    if (isTaken(err, 'courier_phone')) throw conflict('courier_exists');
    throw err;
  }
}

/** 修改. */
export async function updateCourier(ctx: Ctx, scope: Scope, id: number, input: CourierUpdateReq) {
  if (input.communityId !== undefined) await visibleCommunity(ctx, scope, input.communityId);
  try {
    return await inTransaction(ctx, async (unit) => {
      const before = await getCourier(unit, scope, id);
      await repo.updateCourier(unit.db, id, {
        community_id: input.communityId,
        name: input.name,
        phone: input.phone,
        carrier: input.carrier,
        updated_at: nowIso(unit),
      });
      const after = await getCourier(unit, scope, id);
      unit.audit({ action: 'courier.update', entity: 'courier', entityId: id, orgId: scope.orgId, changes: diff(fields(before), fields(after)) });
      return after;
    });
  } catch (err) {
    if (isTaken(err, 'courier_phone')) throw conflict('courier_exists');
    throw err;
  }
}

/** 删除: the parcels keep the courier's name and phone as they were. */
export async function deleteCourier(ctx: Ctx, scope: Scope, id: number) {
  await inTransaction(ctx, async (unit) => {
    const gone = await getCourier(unit, scope, id);
    await repo.deleteCourier(unit.db, id);
    unit.audit({ action: 'courier.delete', entity: 'courier', entityId: id, orgId: scope.orgId, changes: fields(gone) });
  });
}

/** A courier's fields as the trail records them (the community by id). */
function fields(c: ReturnType<typeof presentCourier>) {
  return { communityId: c.communityId, name: c.name, phone: c.phone, carrier: c.carrier };
}

/** The communities a signed-in courier delivers to, with the carrier in each. */
export async function courierCommunities(ctx: Ctx, phone: string) {
  const rows = await repo.communitiesOfCourierPhone(ctx.db, phone);
  return rows.map((r) => ({ communityId: r.community_id, communityName: r.community_name, carrier: r.carrier }));
}

/** The courier record for a phone in a community, or undefined. */
export function courierRecordIn(ctx: Ctx, phone: string, communityId: number) {
  return repo.courierRecordIn(ctx.db, phone, communityId);
}
