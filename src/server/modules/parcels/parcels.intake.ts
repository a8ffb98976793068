import { inTransaction, type Ctx } from '../../context.js';
import { batches, inBatch } from '../../db/batch.js';
import { isTaken } from '../../db/dialect.js';
import type { NewParcel, ParcelStatus } from '../../db/types.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { keysExpireBefore, requestHash, storedAnswer } from '../../idempotency.js';
import type { AuditActor, CourierAuth } from '../../actors.js';
import { DAY_MS, RECIPIENT_LOOKUP_LIMITS } from '../../../shared/constants.js';
import { hitLimits } from '../auth/rate-limit.js';
import { courierRecordIn } from '../couriers/couriers.service.js';
import { residentForParcel } from '../residents/residents.service.js';
import { mayCollect, ownersOf } from '../household/household.service.js';
import { maskName, maskPhone } from '../../../shared/phone.js';
import type { ParcelJoined } from './parcels.repo.js';
import { preAdviceFor } from '../integrations/integrations.service.js';
import { applyEntries, type Actor } from './parcels.moves.js';
import { preferenceFor } from '../preferences/preferences.service.js';
import * as repo from './parcels.repo.js';
import { presentParcel } from './parcels.present.js';
import type { CourierEntryReq, ParcelViewT } from './parcels.schema.js';

/** The request's fingerprint: the same key with another body is refused. */
function fingerprint(body: CourierEntryReq): string {
  return requestHash([body.communityId, body.trackingNo, body.recipientPhone, body.recipientName]);
}

async function replay(ctx: Ctx, accountId: number, key: string, hash: string): Promise<ParcelViewT | undefined> {
  return storedAnswer<ParcelViewT>(await repo.findIdempotent(ctx.db, accountId, key), hash);
}

/** A courier entry checked and ready to write. */
interface Entry {
  actor: Actor;
  /** Its request's caller, for the audit trail (entries of several requests may share a unit). */
  by: AuditActor | undefined;
  insert: Omit<NewParcel, 'status' | 'entered_at'>;
  key: string;
  hash: string;
}

/**
 * 派送快递: a courier enters a parcel for a community they deliver to. The carrier is the courier's
 * for that community; a recipient phone of a resident there links the parcel to the resident.
 * The same Idempotency-Key with the same body answers the first result again and creates nothing.
 * On PostgreSQL the entries that arrive together are written together (`writeTogether`).
 */
export async function enterParcel(ctx: Ctx, auth: CourierAuth, body: CourierEntryReq, key: string): Promise<ParcelViewT> {
  const account = auth.account;
  const hash = fingerprint(body);
  const earlier = await replay(ctx, account.id, key, hash);
  if (earlier) return earlier;

  const record = await courierRecordIn(ctx, account.phone, body.communityId);
  if (!record) throw forbidden('not_your_community');
  if (record.app_enabled !== 1) throw forbidden('app_closed');
  const resident = await residentForParcel(ctx, body.communityId, body.recipientPhone);
  const entry: Entry = {
    actor: { kind: 'courier', id: account.id, name: record.name },
    by: ctx.actor,
    key,
    hash,
    insert: {
      org_id: record.org_id,
      community_id: record.community_id,
      carrier: record.carrier,
      tracking_no: body.trackingNo,
      courier_id: record.id,
      courier_account_id: account.id,
      courier_name: record.name,
      courier_phone: record.phone,
      recipient_name: body.recipientName,
      recipient_phone: body.recipientPhone,
      resident_id: resident?.id ?? null,
      address: resident?.address ?? null,
      damaged: 0,
      fee_waived: 0,
    },
  };
  try {
    return batches(ctx.db) ? await inBatch(ctx.db, 'courierEntries', entry, (entries) => writeTogether(ctx, entries)) : await writeOne(ctx, entry);
  } catch (err) {
    if (isTaken(err, 'tracking_no', 'entry_key')) {
      // The same key raced in on another connection (its parcel or its key row won): answer what it stored.
      const stored = await replay(ctx, account.id, key, hash);
      if (stored) return stored;
    }
    if (isTaken(err, 'tracking_no')) throw conflict('duplicate_tracking_no');
    throw err;
  }
}

/** Writes entries in one unit of work: the parcels, their events, the stored answers under their keys. */
async function writeEntries(ctx: Ctx, entries: readonly Entry[]): Promise<ParcelViewT[]> {
  return inTransaction(ctx, async (ctx) => {
    const now = ctx.now();
    const at = now.toISOString();
    const parcels = await applyEntries(
      ctx,
      'enter',
      entries.map((e) => ({ actor: e.actor, by: e.by, insert: { ...e.insert, entered_at: at } })),
    );
    const views = parcels.map((p) => presentParcel(p, now, 'courier'));
    await repo.insertIdempotent(
      ctx.db,
      entries.map((e, i) => ({
        courier_account_id: e.actor.id,
        key: e.key,
        request_hash: e.hash,
        status_code: 201,
        response: JSON.stringify(views[i]),
        created_at: at,
      })),
    );
    return views;
  });
}

async function writeOne(ctx: Ctx, entry: Entry): Promise<ParcelViewT> {
  const [view] = await writeEntries(ctx, [entry]);
  if (!view) throw new Error('entry not written');
  return view;
}

/**
 * The entries of one turn in one transaction (three statements for all the parcels, events and
 * keys). An entry whose tracking number or key another of the turn holds is written after them,
 * alone (it then hears of the first: its stored answer, or the duplicate); and when the
 * transaction fails (a tracking number or key already taken before), each is written alone, so
 * that each hears its own answer.
 */
async function writeTogether(ctx: Ctx, entries: readonly Entry[]): Promise<(ParcelViewT | Error)[]> {
  const seen = new Set<string>();
  const first: number[] = [];
  const later: number[] = [];
  for (const [i, e] of entries.entries()) {
    const marks = [`t:${e.insert.community_id}:${e.insert.tracking_no}`, `k:${e.actor.id}:${e.key}`];
    if (marks.some((m) => seen.has(m))) later.push(i);
    else first.push(i);
    for (const m of marks) seen.add(m);
  }
  const out: (ParcelViewT | Error)[] = new Array<ParcelViewT | Error>(entries.length);
  const alone = async (i: number) => {
    out[i] = await writeOne(ctx, entries[i] as Entry).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  };
  let together: ParcelViewT[] | undefined;
  if (first.length > 1)
    together = await writeEntries(
      ctx,
      first.map((i) => entries[i] as Entry),
    ).catch(() => undefined);
  if (together) for (const [j, i] of first.entries()) out[i] = together[j] as ParcelViewT;
  else for (const i of first) await alone(i);
  for (const i of later) await alone(i);
  return out;
}

/**
 * The resident a courier is about to deliver to, by the phone typed, so the courier can confirm
 * name and address before 提交: only within a community the courier delivers to, and at a
 * courier's pace (RECIPIENT_LOOKUP_LIMITS), so that it cannot serve to walk through phones.
 */
/** Drops the courier entries' stored answers older than 48 hours (housekeeping). */
export async function pruneEntryKeys(ctx: Ctx): Promise<void> {
  await repo.deleteIdempotentBefore(ctx.db, keysExpireBefore(ctx.now()));
}

/**
 * A courier's lookup of who a parcel is for (a resident by phone, the carrier's pre-advice by
 * tracking number): only in the courier's own communities, and counted against the hourly and
 * daily limits (against a courier harvesting residents). Answers the courier's record there.
 */
async function lookupAllowed(ctx: Ctx, auth: CourierAuth, communityId: number) {
  const record = await courierRecordIn(ctx, auth.account.phone, communityId);
  if (!record) throw forbidden('not_your_community');
  const key = `recipient:courier:${auth.account.id}`;
  await hitLimits(ctx, [
    { key: `${key}:h`, windowMs: 3_600_000, limit: RECIPIENT_LOOKUP_LIMITS.perHour },
    { key: `${key}:d`, windowMs: DAY_MS, limit: RECIPIENT_LOOKUP_LIMITS.perDay },
  ]);
  return record;
}

export async function recipientFor(ctx: Ctx, auth: CourierAuth, communityId: number, phone: string) {
  await lookupAllowed(ctx, auth, communityId);
  const resident = await residentForParcel(ctx, communityId, phone);
  return { recipient: resident ? { name: resident.name, address: resident.address } : null };
}

/** 派送快递: the recipient's 收件偏好 for the courier's carrier, shown as soon as the phone is typed (404 when they said nothing). */
export async function preferenceForCourier(ctx: Ctx, auth: CourierAuth, communityId: number, phone: string) {
  const record = await lookupAllowed(ctx, auth, communityId);
  const preference = await preferenceFor(ctx, Number(record.org_id), communityId, phone, record.carrier);
  if (!preference) throw notFound();
  return preference;
}

/** 派送快递: what the carrier's pre-advice says of a tracking number the courier scanned (404 when nothing). */
export async function preAdviceForCourier(ctx: Ctx, auth: CourierAuth, communityId: number, trackingNo: string) {
  const record = await lookupAllowed(ctx, auth, communityId);
  const advised = await preAdviceFor(ctx, record.org_id, communityId, trackingNo);
  if (!advised) throw notFound();
  return { recipientPhone: advised.recipient_phone, recipientName: advised.recipient_name, carrier: advised.carrier };
}

/** 派送记录: the courier's own parcels, newest first (others' phones masked, no pickup codes). */
export async function courierParcels(ctx: Ctx, auth: CourierAuth, status: ParcelStatus | undefined, page: number, pageSize: number) {
  const r = await repo.listOwnParcels(ctx.db, { courierAccountId: auth.account.id }, status, page, pageSize);
  const now = ctx.now();
  return { items: r.items.map((p) => presentParcel(p, now, 'courier')), total: r.total };
}

/** What a proxy sees of another resident's parcel: the code and place, the recipient masked. */
function presentForProxy(p: ParcelJoined, now: Date) {
  return { ...presentParcel(p, now, 'resident'), recipientPhone: maskPhone(p.recipient_phone), recipientName: maskName(p.recipient_name), address: null };
}

/** 家人代领: the waiting parcels of the residents who authorized this phone (masked). */
export async function householdParcels(ctx: Ctx, phone: string) {
  const rows = await repo.awaitingFor(ctx.db, await ownersOf(ctx, phone));
  const now = ctx.now();
  return { items: rows.map((p) => presentForProxy(p, now)), total: rows.length };
}

/** One parcel for the resident app: one's own, or one of a resident who authorizes this phone now; else 404. */
export async function residentParcel(ctx: Ctx, phone: string, id: number) {
  const [p] = await repo.parcelsByIds(ctx.db, [id]);
  if (!p) throw notFound();
  if (p.recipient_phone === phone) return presentParcel(p, ctx.now(), 'resident');
  if (await mayCollect(ctx, p.recipient_phone, phone)) return presentForProxy(p, ctx.now());
  throw notFound();
}

/** The resident's parcels: those addressed to the signed-in phone, newest first. */
export async function residentParcels(ctx: Ctx, phone: string, status: ParcelStatus | undefined, page: number, pageSize: number) {
  const r = await repo.listOwnParcels(ctx.db, { recipientPhone: phone }, status, page, pageSize);
  const now = ctx.now();
  return { items: r.items.map((p) => presentParcel(p, now, 'resident')), total: r.total };
}
