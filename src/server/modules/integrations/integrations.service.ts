// The open API (SPEC §17): API keys, carriers' pre-advice, parcels read by tracking number.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyAuth, StaffAuth } from '../../actors.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { conflict, notFound } from '../../errors.js';
import { ERROR_MESSAGES } from '../../../shared/messages.js';
import { DAY_MS, OPEN_API_LIMITS } from '../../../shared/constants.js';
import { hitLimits } from '../auth/rate-limit.js';
import { phoneSaltOf } from '../orgs/orgs.service.js';
import * as repo from './integrations.repo.js';
import { PreAdviceItem, type ApiScopeT, type KeyCreateReq, type KeyViewT, type PreAdviceReplyT } from './integrations.schema.js';

/** Keys start with this, so that they are recognised (in a leak scan, or in the Authorization header). */
export const KEY_PREFIX = 'kd_';
/** 32 random bytes: 256 bits, base64url. */
const newKey = () => `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

type KeyRow = Awaited<ReturnType<typeof repo.listKeys>>[number];
const scopesOf = (json: string): ApiScopeT[] => JSON.parse(json) as ApiScopeT[];

function presentKey(r: KeyRow, salt: string | null): KeyViewT {
  const scopes = scopesOf(r.scopes);
  return {
    phoneSalt: scopes.includes('preferences:read') ? salt : null,
    id: Number(r.id),
    name: r.name,
    scopes,
    prefix: r.prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** A new key for the admin's org: the key itself is in this answer only (its SHA-256 is kept). */
export async function createKey(ctx: Ctx, auth: StaffAuth, body: KeyCreateReq) {
  const key = newKey();
  const row = await inTransaction(ctx, async (ctx) => {
    if ((await repo.countLiveKeys(ctx.db, auth.staff.orgId)) >= OPEN_API_LIMITS.keysPerOrg) {
      throw conflict('limit_reached', `每个物业最多${OPEN_API_LIMITS.keysPerOrg}个有效密钥，请先撤销不用的密钥`);
    }
    const inserted = await repo.insertKey(ctx.db, {
      org_id: auth.staff.orgId,
      name: body.name,
      scopes: JSON.stringify(body.scopes),
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      key_hash: hashOf(key),
      created_by: auth.staff.id,
      created_at: nowIso(ctx),
    });
    ctx.audit({
      action: 'api_key.create',
      entity: 'api_key',
      entityId: inserted.id,
      changes: { name: body.name, scopes: body.scopes, prefix: inserted.prefix },
    });
    return inserted;
  });
  return { ...presentKey(row, body.scopes.includes('preferences:read') ? await phoneSaltOf(ctx, auth.staff.orgId) : null), key };
}

export async function listKeys(ctx: Ctx, auth: StaffAuth) {
  const rows = await repo.listKeys(ctx.db, auth.staff.orgId);
  const salt = rows.some((r) => scopesOf(r.scopes).includes('preferences:read')) ? await phoneSaltOf(ctx, auth.staff.orgId) : null;
  return { items: rows.map((r) => presentKey(r, salt)), total: rows.length };
}

/** 撤销: the key answers 401 from the next call on. Another org's key is not found. */
export async function revokeKey(ctx: Ctx, auth: StaffAuth, id: number): Promise<void> {
  const row = await repo.findKey(ctx.db, auth.staff.orgId, id);
  if (!row) throw notFound();
  await inTransaction(ctx, async (u) => {
    await repo.revokeKey(u.db, auth.staff.orgId, id, nowIso(u));
    u.audit({ action: 'api_key.revoke', entity: 'api_key', entityId: id, changes: { name: row.name, prefix: row.prefix } });
  });
}

/** Whether the org has a key of this id (revoked or not): what a webhook may name. */
export async function hasKey(ctx: Ctx, orgId: number, id: number): Promise<boolean> {
  return (await repo.findKey(ctx.db, orgId, id)) !== undefined;
}

/**
 * The caller of a bearer token that looks like a key: found by its SHA-256 (a unique index), the
 * hash compared again in constant time, refused once revoked. Its use is noted at most once a
 * minute (a write for every call would cost more than the call).
 */
export async function loadApiKey(ctx: Ctx, token: string): Promise<ApiKeyAuth | null> {
  if (!token.startsWith(KEY_PREFIX) || token.length > 100) return null;
  const hash = hashOf(token);
  const row = await repo.keyByHash(ctx.db, hash);
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash), Buffer.from(hash)) || row.revoked_at !== null) return null;
  const now = ctx.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) await repo.touchKey(ctx.db, row.org_id, row.id, now.toISOString());
  return { kind: 'api_key', sessionId: `key:${row.id}`, key: { id: Number(row.id), orgId: Number(row.org_id), name: row.name, scopes: scopesOf(row.scopes) } };
}

/** A key's calls this minute, counted in the database so that every instance shares them: 429 past `perMinute`. */
export async function limitKeyCalls(ctx: Ctx, auth: ApiKeyAuth, perMinute: number): Promise<void> {
  if (perMinute > 0) await hitLimits(ctx, [{ key: `apikey:${auth.key.id}`, windowMs: 60_000, limit: perMinute }]);
}

/**
 * 预报: each item is checked on its own (its shape, and its community being of the key's org);
 * the good ones are written in one unit, by community and tracking number (the later of two
 * items for the same parcel wins), and the answer lists each bad one by its index and why.
 */
export async function pushPreAdvice(ctx: Ctx, auth: ApiKeyAuth, items: unknown[]): Promise<PreAdviceReplyT> {
  const failed: PreAdviceReplyT['failed'] = [];
  const good: { index: number; item: ReturnType<typeof PreAdviceItem.parse> }[] = [];
  for (const [index, raw] of items.entries()) {
    const r = PreAdviceItem.safeParse(raw);
    if (r.success) good.push({ index, item: r.data });
    else {
      const first = r.error.issues[0];
      const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
      failed.push({ index, error: 'validation_error', message: `${where}${first?.message ?? ERROR_MESSAGES.validation_error.zh}` });
    }
  }
  const orgId = auth.key.orgId;
  const communities = await repo.orgCommunityIds(ctx.db, orgId, [...new Set(good.map((g) => g.item.communityId))]);
  const byParcel = new Map<string, (typeof good)[number]>();
  for (const g of good) {
    if (!communities.has(g.item.communityId)) failed.push({ index: g.index, error: 'not_found', message: '小区不存在' });
    else byParcel.set(`${g.item.communityId}:${g.item.trackingNo}`, g);
  }
  const at = nowIso(ctx);
  const rows = [...byParcel.values()].map(({ item }) => ({
    org_id: orgId,
    community_id: item.communityId,
    tracking_no: item.trackingNo,
    recipient_phone: item.recipientPhone,
    recipient_name: item.recipientName ?? null,
    carrier: item.carrier ?? null,
    api_key_id: auth.key.id,
    created_at: at,
    updated_at: at,
  }));
  failed.sort((a, b) => a.index - b.index);
  const accepted = items.length - failed.length;
  await inTransaction(ctx, async (ctx) => {
    await repo.upsertPreAdvice(ctx.db, rows);
    // One line for the push (its items are the carrier's, with a phone each): how many and which communities.
    ctx.audit({
      action: 'pre_advice.push',
      entity: 'pre_advice',
      changes: { items: items.length, accepted, failed: failed.length, communityIds: [...communities] },
    });
  });
  return { accepted, failed };
}

/** What a carrier's pre-advice says of a parcel of the community, if anything. */
export function preAdviceFor(ctx: Ctx, orgId: number, communityId: number, trackingNo: string) {
  return repo.findPreAdvice(ctx.db, orgId, communityId, trackingNo);
}

/** Drops pre-advice older than 30 days (housekeeping). */
export function purgePreAdvice(ctx: Ctx): Promise<number> {
  return repo.deletePreAdviceBefore(ctx.db, new Date(ctx.now().getTime() - OPEN_API_LIMITS.preAdviceDays * DAY_MS).toISOString());
}

/** The key's org's parcels with a tracking number: states and places, never phones, names or codes. */
export async function openParcels(ctx: Ctx, auth: ApiKeyAuth, trackingNo: string) {
  const rows = await repo.openParcels(ctx.db, auth.key.orgId, trackingNo);
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      communityId: Number(r.community_id),
      trackingNo: r.tracking_no,
      carrier: r.carrier,
      status: r.status,
      shelfLabel: r.shelf_label,
      receivedAt: r.received_at,
      pickedUpAt: r.picked_up_at,
    })),
  };
}
