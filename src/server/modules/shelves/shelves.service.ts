import { inTransaction, nowIso, sharesCommits, type Ctx } from '../../context.js';
import { diff } from '../audit/audit.trail.js';
import { isTaken } from '../../db/dialect.js';
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
    return await inTransaction(ctx, async (u) => {
      const { id } = await repo.insertShelf(u.db, { org_id: community.org_id, community_id: community.id, ...input, created_at: now, updated_at: now });
      const view = presentShelf(await visibleShelf(u, scope, id));
      u.audit({ action: 'shelf.create', entity: 'shelf', entityId: id, orgId: community.org_id, changes: { communityId, ...fields(view) } });
      return view;
    });
  } catch (err) {
    if (isTaken(err, 'shelf_code')) throw conflict('shelf_exists');
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
    return await inTransaction(ctx, async (u) => {
      await repo.updateShelf(u.db, id, { ...input, updated_at: nowIso(u) });
      const after = presentShelf(await visibleShelf(u, scope, id));
      u.audit({ action: 'shelf.update', entity: 'shelf', entityId: id, orgId: scope.orgId, changes: diff(fields(presentShelf(shelf)), fields(after)) });
      return after;
    });
  } catch (err) {
    if (isTaken(err, 'shelf_code')) throw conflict('shelf_exists');
    throw err;
  }
}

/** A shelf's fields as the trail records them (its code named so: a bare `code` is a secret there). */
function fields(s: ReturnType<typeof presentShelf>) {
  return { shelfCode: s.code, layers: s.layers, capacity: s.capacity };
}

/** 删除: refused while a parcel awaits pickup on the shelf (the check and the delete are one statement). */
export async function deleteShelf(ctx: Ctx, scope: Scope, id: number) {
  const shelf = await visibleShelf(ctx, scope, id);
  await inTransaction(ctx, async (u) => {
    if (!(await repo.deleteEmptyShelf(u.db, id))) throw conflict('shelf_not_empty');
    u.audit({ action: 'shelf.delete', entity: 'shelf', entityId: id, orgId: scope.orgId, changes: fields(presentShelf(shelf)) });
  });
}

/** A parcel's place: its shelf, layer and label (`A-3-0127`). */
export interface ShelfPlace {
  shelfId: number;
  layer: number;
  label: string;
}

/** Where on the shelves a parcel goes, before it has a label. */
export interface ShelfSpot {
  shelfId: number;
  code: string;
  layer: number;
}

/**
 * Where an incoming parcel goes: the shelf asked for, or the one with the most room left; on it,
 * the layer with the fewest parcels. Null for a community without shelves (it works as before).
 * One read, made before the intake's transaction: capacity is a limit for the choice, not a
 * lock, so parcels placed at the same instant may pass it by a few.
 */
export async function chooseSpot(ctx: Ctx, communityId: number, shelfId?: number): Promise<ShelfSpot | null> {
  const rows = await repo.shelfLayers(ctx.db, communityId);
  if (rows.length === 0 && shelfId === undefined) return null;
  const shelves = new Map<number, { code: string; layers: number; capacity: number; occupied: number; perLayer: Map<number, number> }>();
  for (const r of rows) {
    const s = shelves.get(r.id) ?? { code: r.code, layers: r.layers, capacity: r.capacity, occupied: 0, perLayer: new Map() };
    shelves.set(r.id, s);
    s.occupied += Number(r.n);
    if (r.shelf_layer !== null) s.perLayer.set(r.shelf_layer, Number(r.n));
  }
  const room = (id: number) => {
    const s = shelves.get(id);
    return s ? s.capacity - s.occupied : -Infinity;
  };
  const id = shelfId ?? [...shelves.keys()].reduce((best, s) => (room(s) > room(best) ? s : best));
  const shelf = shelves.get(id);
  if (!shelf) {
    const message = '货架不存在或不属于该小区';
    throw badRequest('validation_error', message, { issues: [{ path: 'body/shelfId', code: 'invalid_value', message }] });
  }
  if (shelf.occupied >= shelf.capacity) throw conflict('shelf_full', shelfId !== undefined ? `货架 ${shelf.code} 已满，请换一个货架` : undefined);
  let layer = 1;
  for (let l = 2; l <= shelf.layers; l++) if ((shelf.perLayer.get(l) ?? 0) < (shelf.perLayer.get(layer) ?? 0)) layer = l;
  return { shelfId: id, code: shelf.code, layer };
}

/**
 * The spot's label, with the next serial of the community's day (Asia/Shanghai), skipping one
 * still on a waiting parcel of an earlier day. The serial's counter row is locked from its draw
 * until the commit of the transaction it is drawn in: where each transaction holds its own locks
 * (PostgreSQL) draw it in a statement of its own before the intake's unit of work, so
 * that a community's intakes do not wait for each other's commits (a serial lost to a failed
 * intake is a harmless gap); under SQLite's group commit draw it inside the unit, where
 * a statement of its own would cost a disk flush of its own.
 */
export async function labelSpot(ctx: Ctx, communityId: number, spot: ShelfSpot): Promise<ShelfPlace> {
  const { day } = shanghaiDayHour(ctx.now());
  for (let i = 0; i < 50; i++) {
    const label = `${spot.code}-${spot.layer}-${String(await repo.nextSerial(ctx.db, communityId, day)).padStart(4, '0')}`;
    if (!(await repo.labelInUse(ctx.db, communityId, label))) return { shelfId: spot.shelfId, layer: spot.layer, label };
  }
  throw conflict('shelf_full');
}

/** A spot's label as labelSpot says: drawn now (PostgreSQL) or in the unit whose context the answered function is given. */
export async function prepareLabel(ctx: Ctx, communityId: number, spot: ShelfSpot | null): Promise<(unit: Ctx) => Promise<ShelfPlace | null>> {
  if (!spot) return async () => null;
  if (!sharesCommits(ctx)) {
    const place = await labelSpot(ctx, communityId, spot);
    return async () => place;
  }
  return (unit) => labelSpot(unit, communityId, spot);
}

/** Drops label counters of days more than a week past (housekeeping). */
export async function pruneShelfSerials(ctx: Ctx): Promise<void> {
  const { day } = shanghaiDayHour(new Date(ctx.now().getTime() - 7 * 86_400_000));
  await repo.deleteSerialsBefore(ctx.db, day);
}
