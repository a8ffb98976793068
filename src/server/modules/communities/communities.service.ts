import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { diff } from '../audit/audit.trail.js';
import { isTaken } from '../../db/dialect.js';
import type { CommunityRow } from '../../db/types.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { Scope } from '../../actors.js';
import * as repo from './communities.repo.js';
import type { CommunityCreateReq, CommunityUpdateReq } from './communities.schema.js';

export function presentCommunity(c: CommunityRow) {
  return {
    id: c.id,
    name: c.name,
    collectionPointName: c.collection_point_name,
    feeRateFen: c.fee_rate_fen,
    remindersEnabled: c.reminders_enabled === 1,
    returnAfterDays: c.return_after_days,
    proofRequired: c.proof_required === 1,
    doorDeliveryFen: c.door_delivery_fen,
    doorDeliveryHours: c.door_delivery_hours,
  };
}

/** 代收设置: every community the staff member may see. */
export async function listCommunities(ctx: Ctx, scope: Scope) {
  const rows = await repo.listCommunities(ctx.db, scope);
  return { items: rows.map(presentCommunity), total: rows.length };
}

/** A community the staff member may see, or 404 (another org's or another clerk's alike). */
export async function visibleCommunity(ctx: Ctx, scope: Scope, id: number): Promise<CommunityRow> {
  const row = await repo.findCommunity(ctx.db, scope, id);
  if (!row) throw notFound();
  return row;
}

/** Refuses ids that are not communities of the org. */
export async function assertCommunitiesInOrg(ctx: Ctx, orgId: number, ids: number[]) {
  if (ids.length === 0) return;
  const { n } = await repo.countCommunitiesInOrg(ctx.db, orgId, ids);
  if (Number(n) !== ids.length) {
    const message = '所选小区不存在';
    throw badRequest('validation_error', message, { issues: [{ path: 'body/communityIds', code: 'invalid_value', message }] });
  }
}

export async function createCommunity(ctx: Ctx, orgId: number, input: CommunityCreateReq) {
  try {
    return await inTransaction(ctx, async (unit) => {
      const row = await repo.insertCommunity(unit.db, {
        org_id: orgId,
        name: input.name,
        collection_point_name: input.collectionPointName ?? `${input.name}管理处`,
        fee_rate_fen: input.feeRateFen ?? 0,
        created_at: nowIso(unit),
      });
      const view = presentCommunity(row);
      const { id: _id, ...fields } = view;
      unit.audit({ action: 'community.create', entity: 'community', entityId: row.id, orgId, changes: fields });
      return view;
    });
  } catch (err) {
    if (isTaken(err, 'community_name')) throw conflict('community_exists');
    throw err;
  }
}

/** 代收信息设置: the collection point, the fee (parcels already received keep their rate), 催取 and 滞留 days. */
export async function updateCommunity(ctx: Ctx, scope: Scope, id: number, input: CommunityUpdateReq) {
  await visibleCommunity(ctx, scope, id);
  const set = {
    ...(input.collectionPointName !== undefined ? { collection_point_name: input.collectionPointName } : {}),
    ...(input.feeRateFen !== undefined ? { fee_rate_fen: input.feeRateFen } : {}),
    ...(input.remindersEnabled !== undefined ? { reminders_enabled: input.remindersEnabled ? (1 as const) : (0 as const) } : {}),
    ...(input.returnAfterDays !== undefined ? { return_after_days: input.returnAfterDays } : {}),
    ...(input.proofRequired !== undefined ? { proof_required: input.proofRequired ? (1 as const) : (0 as const) } : {}),
    ...(input.doorDeliveryFen !== undefined ? { door_delivery_fen: input.doorDeliveryFen } : {}),
    ...(input.doorDeliveryHours !== undefined ? { door_delivery_hours: input.doorDeliveryHours } : {}),
  };
  if (Object.keys(set).length === 0) return presentCommunity(await visibleCommunity(ctx, scope, id));
  return inTransaction(ctx, async (unit) => {
    const before = presentCommunity(await visibleCommunity(unit, scope, id));
    const after = presentCommunity(await repo.updateCommunity(unit.db, id, set));
    unit.audit({ action: 'community.update', entity: 'community', entityId: id, orgId: scope.orgId, changes: diff(before, after) });
    return after;
  });
}

/** The resident app's communities: where the phone has parcels or a home, with their 送货上门 terms. */
export async function residentCommunities(ctx: Ctx, phone: string) {
  const rows = await repo.communitiesOfResident(ctx.db, phone);
  const items = rows.map((c) => ({
    id: Number(c.id),
    /** Not in the answer (its schema leaves it out): for the services that act on the community. */
    orgId: Number(c.org_id),
    name: c.name,
    collectionPointName: c.collection_point_name,
    doorDeliveryFen: c.door_delivery_fen,
    doorDeliveryHours: c.door_delivery_hours,
  }));
  return { items, total: items.length };
}

/** Community names by id, of these orgs. */
export async function communityNamesOf(ctx: Ctx, orgIds: number[], ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  return new Map((await repo.communityNames(ctx.db, orgIds, ids)).map((c) => [Number(c.id), c.name]));
}
