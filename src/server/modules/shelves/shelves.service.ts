import { nowIso, type Ctx, type Executor } from '../../context.js';
import { isUniqueViolation } from '../../db/dialect.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Scope } from '../../actors.js';
import { shanghaiDayHour } from '../../../shared/time.js';
import { visibleCommunity } from '../communities/communities.service.js';
import * as repo from './shelves.repo.js';
import type { ShelfCreateReq, ShelfUpdateReq } from './shelves.schema.js';

export function presentShelf(s: repo.ShelfWithOccupancy) {
  return { id: s.id, communityId: s.community_id, code: s.code, layers: s.layers, capacity: s.capacity, occupied: Number(s.occupied) };
}

/** 货架管理: a community's shelves with their occupancy. */
export async function listShelves(ctx: Ctx, scope: Scope, communityId: number) {
  await visibleCommunity(ctx, scope, communityId);
  const items = (await repo.listShelves(ctx.db, communityId)).map(presentShelf);
  return { items, total: items.length };
}

/** A shelf the staff member may see (their org, a clerk's communities), else 404. */
async function visibleShelf(ctx: Ctx, scope: Scope, id: number) {
  const shelf = await repo.findShelf(ctx.db, scope.orgId, id);
  if (!shelf || (scope.communityIds !== null && !scope.communityIds.includes(shelf.community_id))) throw notFound();
  return shelf;
}

export async function createShelf(ctx: Ctx, scope: Scope, communityId: number, input: ShelfCreateReq) {
  const community = await visibleCommunity(ctx, scope, communityId);
  try {
    const now = nowIso(ctx);
    const { id } = await repo.insertShelf(ctx.db, { org_id: community.org_id, community_id: community.id, ...input, created_at: now, updated_at: now });
    return presentShelf(await visibleShelf(ctx, scope, id));
  } catch (err) {
    if (isUniqueViolation(err, 'code')) throw conflict('shelf_exists');
    throw err;
  }
}

/** 修改: code, layers, capacity; a shelf keeps at least the layers its waiting parcels are on. */
export async function updateShelf(ctx: Ctx, scope: Scope, id: number, input: ShelfUpdateReq) {
  const shelf = await visibleShelf(ctx, scope, id);
  if (input.layers !== undefined && input.layers < shelf.layers) {
    const used = Math.max(0, ...(await repo.layerCounts(ctx.db, id)).map((l) => l.shelf_layer ?? 0));
    if (used > input.layers) throw conflict('shelf_layers_in_use', `第${used}层还有待领取的包裹，层数不能少于${used}`);
  }
  try {
    await repo.updateShelf(ctx.db, id, { ...input, updated_at: nowIso(ctx) });
  } catch (err) {
    if (isUniqueViolation(err, 'code')) throw conflict('shelf_exists');
    throw err;
  }
  return presentShelf(await visibleShelf(ctx, scope, id));
}

/** 删除: refused while a parcel awaits pickup on the shelf (the check and the delete are one statement). */
export async function deleteShelf(ctx: Ctx, scope: Scope, id: number) {
  await visibleShelf(ctx, scope, id);
  if (!(await repo.deleteEmptyShelf(ctx.db, id))) throw conflict('shelf_not_empty');
}

/** A parcel's place: its shelf, layer and label (`A-3-0127`). */
export interface ShelfPlace {
  shelfId: number;
  layer: number;
  label: string;
}

/**
 * Where an incoming parcel goes, inside the intake's transaction: the shelf asked for, or the one
 * with the most room left; on it, the layer with the fewest parcels; and a label with the next
 * serial of the community's day (Asia/Shanghai), skipping one still on a waiting parcel of an
 * earlier day. Null for a community without shelves (it works as before). Capacity is a limit for
 * the choice, not a lock: parcels placed at the same instant may pass it by a few.
 */
export async function placeOnShelf(ctx: Ctx, trx: Executor, communityId: number, shelfId?: number): Promise<ShelfPlace | null> {
  const shelves = await repo.listShelves(trx, communityId);
  if (shelves.length === 0 && shelfId === undefined) return null;
  const shelf =
    shelfId !== undefined
      ? shelves.find((s) => s.id === shelfId)
      : shelves.reduce<repo.ShelfWithOccupancy | undefined>((best, s) => (!best || s.capacity - Number(s.occupied) > best.capacity - Number(best.occupied) ? s : best), undefined);
  if (!shelf) {
    const message = '货架不存在或不属于该小区';
    throw badRequest('validation_error', message, { issues: [{ path: 'body/shelfId', code: 'invalid_value', message }] });
  }
  if (Number(shelf.occupied) >= shelf.capacity) throw conflict('shelf_full', shelfId !== undefined ? `货架 ${shelf.code} 已满，请换一个货架` : undefined);
  const counts = new Map((await repo.layerCounts(trx, shelf.id)).map((l) => [l.shelf_layer, Number(l.n)]));
  let layer = 1;
  for (let l = 2; l <= shelf.layers; l++) if ((counts.get(l) ?? 0) < (counts.get(layer) ?? 0)) layer = l;
  const { day } = shanghaiDayHour(ctx.now());
  for (let i = 0; i < 50; i++) {
    const label = `${shelf.code}-${layer}-${String(await repo.nextSerial(trx, communityId, day)).padStart(4, '0')}`;
    if (!(await repo.labelInUse(trx, communityId, label))) return { shelfId: shelf.id, layer, label };
  }
  throw conflict('shelf_full');
}

/** Drops label counters of days more than a week past (housekeeping). */
export async function pruneShelfSerials(ctx: Ctx): Promise<void> {
  const { day } = shanghaiDayHour(new Date(ctx.now().getTime() - 7 * 86_400_000));
  await repo.deleteSerialsBefore(ctx.db, day);
}
