// Station mode (SPEC §14): scan → phone, desk intake onto a shelf, checkout by code, label, QR or tail.
import { guessCarrier } from '../../../shared/carrier-guess.js';
import { SHELF_LABEL_PATTERN } from '../../../shared/constants.js';
import { inTransaction, nowIso, type Ctx } from '../../context.js';
import { isTaken } from '../../db/dialect.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.js';
import { keysExpireBefore, requestHash, storedAnswer } from '../../idempotency.js';
import type { Scope, StaffAuth } from '../../actors.js';
import type { CommunityRow } from '../../db/types.js';
import { visibleCommunity } from '../communities/communities.service.js';
import { getCourier } from '../couriers/couriers.service.js';
import { getOrg } from '../orgs/orgs.service.js';
import { feeAsOf, presentParcel } from '../parcels/parcels.present.js';
import type { ParcelViewT } from '../parcels/parcels.schema.js';
import * as parcels from '../parcels/parcels.service.js';
import { residentByPhoneTail, residentForParcel } from '../residents/residents.service.js';
import { preAdviceFor } from '../integrations/integrations.service.js';
import { chooseSpot, prepareLabel } from '../shelves/shelves.service.js';
import { preferenceFor } from '../preferences/preferences.service.js';
import * as repo from './station.repo.js';
import type { DeskIntakeReq, LookupReplyT, LookupReq, PickupManyReq } from './station.schema.js';

const notFoundAsNull = (err: unknown) => {
  if (err instanceof AppError && err.statusCode === 404) return null;
  throw err;
};

const issue = (path: string, message: string) => badRequest('validation_error', message, { issues: [{ path, code: 'invalid_value', message }] });

/**
 * 扫描单号直接显示手机号: who a tracking number is for, in order: the carrier's pre-advice (the
 * open API), else the community's last parcel with that number; or the one resident of
 * the community whose phone ends with a tail. 404 when nothing is known, 409 `ambiguous` for a
 * tail that several residents share.
 */
export async function lookupRecipient(ctx: Ctx, scope: Scope, q: LookupReq): Promise<LookupReplyT> {
  const found = await findRecipient(ctx, scope, q);
  const preference = await preferenceFor(ctx, scope.orgId, q.communityId, found.recipientPhone, found.carrier);
  return { ...found, preference };
}

async function findRecipient(ctx: Ctx, scope: Scope, q: LookupReq): Promise<Omit<LookupReplyT, 'preference'>> {
  const community = await visibleCommunity(ctx, scope, q.communityId);
  if (q.phoneTail !== undefined) {
    const r = await residentByPhoneTail(ctx, q.communityId, q.phoneTail);
    if (r === 'ambiguous') throw conflict('ambiguous');
    if (!r) throw notFound();
    return { recipientPhone: r.phone, recipientName: r.name, carrier: null, source: 'resident' };
  }
  const advised = await preAdviceFor(ctx, community.org_id, q.communityId, q.trackingNo ?? '');
  if (advised) {
    const resident = await residentForParcel(ctx, q.communityId, advised.recipient_phone);
    return {
      recipientPhone: advised.recipient_phone,
      recipientName: advised.recipient_name ?? resident?.name ?? '',
      carrier: advised.carrier,
      source: 'pre_advice',
    };
  }
  const known = await parcels.recipientFromHistory(ctx, q.communityId, q.trackingNo ?? '');
  if (!known) throw notFound();
  return { recipientPhone: known.recipient_phone, recipientName: known.recipient_name, carrier: known.carrier, source: 'history' };
}

/** The request's fingerprint: the same key with another body is refused. */
function fingerprint(b: DeskIntakeReq): string {
  return requestHash([b.communityId, b.trackingNo, b.recipientPhone, b.phoneTail, b.recipientName, b.carrier, b.courierId, b.shelfId, b.damaged ?? false]);
}

async function replay(ctx: Ctx, staffId: number, key: string, hash: string): Promise<ParcelViewT | undefined> {
  return storedAnswer<ParcelViewT>(await repo.findDeskIdempotent(ctx.db, staffId, key), hash);
}

type Known = { recipient_phone: string; recipient_name: string; carrier: string } | undefined;

/** The recipient of a desk intake: the phone given, or its tail's one resident, or what the number's last parcel knows. */
async function recipientOf(ctx: Ctx, body: DeskIntakeReq, known: Known) {
  if (body.recipientPhone) return { phone: body.recipientPhone, name: undefined, carrier: known?.carrier };
  if (body.phoneTail) {
    const r = await residentByPhoneTail(ctx, body.communityId, body.phoneTail);
    if (r === 'ambiguous') throw conflict('ambiguous');
    if (!r) throw badRequest('phone_required', '没有住户的手机号以这4位结尾，请输入完整手机号');
    return { phone: r.phone, name: r.name, carrier: known?.carrier };
  }
  if (!known) throw badRequest('phone_required');
  return { phone: known.recipient_phone, name: known.recipient_name, carrier: known.carrier };
}

/**
 * What a desk intake knows of a parcel nobody entered: the recipient (phone, name, home), the
 * courier of the batch, and the carrier: as given, else the courier's, else the number's history,
 * else its shape.
 */
async function deskParcel(ctx: Ctx, auth: StaffAuth, community: CommunityRow, body: DeskIntakeReq, known: Known): Promise<parcels.DeskParcel> {
  const courier = body.courierId === undefined ? null : await getCourier(ctx, auth.scope, body.courierId).catch(notFoundAsNull);
  if (body.courierId !== undefined && courier?.communityId !== community.id) throw issue('body/courierId', '快递员不属于该小区');
  // The carrier's pre-advice comes before the number's history when the clerk typed no phone.
  const advised = body.recipientPhone || body.phoneTail ? undefined : await preAdviceFor(ctx, community.org_id, community.id, body.trackingNo);
  const recipient = await recipientOf(
    ctx,
    body,
    advised
      ? { recipient_phone: advised.recipient_phone, recipient_name: advised.recipient_name ?? '', carrier: advised.carrier ?? known?.carrier ?? '' }
      : known,
  );
  const carrier = body.carrier ?? courier?.carrier ?? (recipient.carrier || guessCarrier(body.trackingNo));
  if (!carrier) throw badRequest('carrier_required');
  const resident = await residentForParcel(ctx, community.id, recipient.phone);
  return {
    orgId: community.org_id,
    communityId: community.id,
    feeRateFen: community.fee_rate_fen,
    carrier,
    trackingNo: body.trackingNo,
    courier: courier ? { id: courier.id, name: courier.name, phone: courier.phone } : null,
    recipientName: body.recipientName ?? resident?.name ?? recipient.name ?? '',
    recipientPhone: recipient.phone,
    resident: resident ? { id: resident.id, address: resident.address } : null,
    damaged: body.damaged ?? false,
  };
}

/**
 * 入库 at the desk: the parcel is received at once (no 待接收 step) with its pickup code and, when
 * the community has shelves, a shelf place and label; the resident is told. A parcel the courier
 * already entered (待接收) is received instead, as the courier entered it; one already waiting is
 * a duplicate (409). The same Idempotency-Key with the same body answers the first result and
 * creates nothing.
 */
export async function deskIntake(ctx: Ctx, auth: StaffAuth, body: DeskIntakeReq, key: string): Promise<ParcelViewT> {
  const hash = fingerprint(body);
  const earlier = await replay(ctx, auth.staff.id, key, hash);
  if (earlier) return earlier;

  const community = await visibleCommunity(ctx, auth.scope, body.communityId);
  if (!(await getOrg(ctx, community.org_id)).appEnabled) throw forbidden('app_closed');
  try {
    const latest = await parcels.latestParcelByTracking(ctx, community.id, body.trackingNo);
    if (latest?.status === 'awaiting_pickup') throw conflict('duplicate_tracking_no');
    const entry = latest?.status === 'pending_receipt' ? null : await deskParcel(ctx, auth, community, body, latest);
    const label = await prepareLabel(ctx, community.id, await chooseSpot(ctx, community.id, body.shelfId));
    const view = await inTransaction(
      ctx,
      async (ctx) => {
        const now = await parcels.openParcelByTracking(ctx, community.id, body.trackingNo);
        if (now?.status === 'awaiting_pickup') throw conflict('duplicate_tracking_no');
        const place = await label(ctx);
        const damaged = body.damaged ?? false;
        let row;
        if (now) row = await parcels.receiveInTransaction(ctx, now, auth.staff, { damaged, place });
        else if (entry) row = await parcels.enterAtDeskInTransaction(ctx, auth.staff, entry, place);
        else throw conflict('invalid_state'); // the courier's entry was rejected meanwhile
        const presented = presentParcel(row, ctx.now(), 'staff');
        await repo.insertDeskIdempotent(ctx.db, {
          staff_id: auth.staff.id,
          key,
          request_hash: hash,
          status_code: 201,
          response: JSON.stringify(presented),
          created_at: nowIso(ctx),
        });
        return presented;
      },
      parcels.RECEIPT_RETRY,
    );
    // The recipient's 收件偏好, for the desk to see a parcel held against 送货上门 (not kept with a retry's answer).
    const preference = await preferenceFor(ctx, Number(community.org_id), community.id, view.recipientPhone, view.carrier);
    return preference ? { ...view, preference } : view;
  } catch (err) {
    const duplicate = isTaken(err, 'tracking_no') || (err instanceof AppError && err.code === 'duplicate_tracking_no');
    if (duplicate || isTaken(err, 'desk_key')) {
      // The same key raced in on another connection (its parcel or its key row won): answer what it stored.
      const stored = await replay(ctx, auth.staff.id, key, hash);
      if (stored) return stored;
    }
    if (duplicate) throw conflict('duplicate_tracking_no');
    throw err;
  }
}

/** Drops the desk intakes' stored answers older than 48 hours (housekeeping). */
export async function pruneDeskKeys(ctx: Ctx): Promise<void> {
  await repo.deleteDeskIdempotentBefore(ctx.db, keysExpireBefore(ctx.now()));
}

/** 移库: a waiting parcel to another shelf of its community, with a new label. */
export async function moveParcel(ctx: Ctx, auth: StaffAuth, id: number, shelfId: number) {
  const before = await parcels.parcelInScope(ctx, auth.scope, id);
  if (before.status !== 'awaiting_pickup') throw conflict('invalid_state');
  const label = await prepareLabel(ctx, before.community_id, await chooseSpot(ctx, before.community_id, shelfId));
  const row = await inTransaction(
    ctx,
    async (ctx) => {
      const p = await parcels.parcelInScope(ctx, auth.scope, id);
      if (p.status !== 'awaiting_pickup') throw conflict('invalid_state');
      const place = await label(ctx);
      if (!place) throw issue('body/shelfId', '货架不存在或不属于该小区');
      return parcels.moveToShelfInTransaction(ctx, p, auth.staff, place);
    },
    parcels.RECEIPT_RETRY,
  );
  return presentParcel(row, ctx.now(), 'staff');
}

/** A checkout key: the pickup code (the resident app's QR holds it too), a shelf label, or a phone's last 4 digits. */
function parseKey(raw: string): { code: string } | { label: string } | { phoneTail: string } {
  const key = raw.trim().toUpperCase();
  if (/^\d{6}$/.test(key)) return { code: key };
  if (/^\d{4}$/.test(key)) return { phoneTail: key };
  if (SHELF_LABEL_PATTERN.test(key)) return { label: key };
  throw issue('querystring/key', '请输入6位领取码、货架号（如 A-3-0127）或手机后4位');
}

/**
 * 出库: what the recipient behind a key has waiting in the community, with the summed fee as of
 * now. By the code (or QR) all of that recipient's parcels, `verified`; by a shelf label the same,
 * unverified (the code is still asked for); by a phone tail every waiting parcel whose phone ends
 * so, unverified.
 */
export async function checkout(ctx: Ctx, scope: Scope, communityId: number, rawKey: string) {
  await visibleCommunity(ctx, scope, communityId);
  const key = parseKey(rawKey);
  const found = await parcels.awaitingParcels(ctx, communityId, key);
  const first = found[0];
  const rows = 'phoneTail' in key || !first ? found : await parcels.awaitingParcels(ctx, communityId, { phone: first.recipient_phone });
  const now = ctx.now();
  const items = rows.map((p) => presentParcel(p, now, 'staff'));
  return { items, totalFeeFen: items.reduce((sum, p) => sum + p.feeFen, 0), verified: 'code' in key && items.length > 0 };
}

/**
 * 出库 with one Enter: hands out the recipient's parcels at the summed fee the clerk confirmed,
 * in one transaction. The code must be the pickup code of a parcel of the same recipient in the
 * same community (403 `code_required` otherwise); a summed fee that changed is 409 `fee_changed`
 * with the new sum; parcels no longer waiting are reported in `failed`.
 */
export async function pickupMany(ctx: Ctx, auth: StaffAuth, body: PickupManyReq) {
  return inTransaction(ctx, async (ctx) => {
    const rows = await parcels.parcelsInScope(ctx, auth.scope, body.ids);
    const found = new Map(rows.map((p) => [p.id, p]));
    const failed = body.ids.filter((id) => !found.has(id)).map((id) => ({ id, error: 'not_found', message: '记录不存在' }));
    const waiting = rows.filter((p) => p.status === 'awaiting_pickup');
    for (const p of rows) if (p.status !== 'awaiting_pickup') failed.push({ id: p.id, error: 'invalid_state', message: '包裹已被处理，请刷新后重试' });
    const first = waiting[0];
    if (first) {
      const code = /^\d{6}$/.test(body.code) ? body.code : '';
      const holder = code ? (await parcels.awaitingParcels(ctx, first.community_id, { code }))[0] : undefined;
      const sameRecipient = (p: { community_id: number; recipient_phone: string }) =>
        p.community_id === holder?.community_id && p.recipient_phone === holder.recipient_phone;
      if (!holder || !waiting.every(sameRecipient)) throw forbidden('code_required', body.code ? '领取码不正确，或不是这位住户的包裹' : undefined);
      const now = ctx.now();
      const fees = new Map(waiting.map((p) => [p.id, feeAsOf(p, now)]));
      const total = [...fees.values()].reduce((a, b) => a + b, 0);
      if (total !== body.totalFeeFen) throw conflict('fee_changed', undefined, { totalFeeFen: total });
      if (waiting.some((p) => p.proof_required === 1 && p.has_proof !== 1)) throw conflict('proof_required');
      for (const p of waiting) await parcels.pickupInTransaction(ctx, p, auth.staff, fees.get(p.id) ?? 0);
    }
    return { done: waiting.map((p) => p.id), failed: failed.sort((a, b) => a.id - b.id) };
  });
}
