// The parcels, streamed in time order and bulk-inserted, with a sample of real values for the
// benchmark to search for; then one parcel_events row per parcel, its last move.
import { sql } from 'kysely';
import type { Db } from '../../src/server/db/index.js';
import type { ParcelStatus } from '../../src/server/db/types.js';
import { formatAddress } from '../../src/server/modules/residents/residents.schema.js';
import { DAY_MS } from '../../src/shared/constants.js';
import { custodyFeeFen } from '../../src/shared/fee.js';
import { bulkFor, type BulkTarget, type PgType, type Value } from './bulk.js';
import { chineseName, HOUR, iso, residentHome, residentPhone, serial8, SHAPES, STRANGER_PREFIXES, YEARS_3 } from './data.js';
import { digits, drawCum, hash, pick, randDigits, Reservoir } from './random.js';
import { weightOf, type World } from './world.js';

const SAMPLE_SIZE = 50;

export const PARCEL_COLUMNS = [
  ['org_id', 'bigint'],
  ['community_id', 'bigint'],
  ['carrier', 'text'],
  ['tracking_no', 'text'],
  ['courier_id', 'bigint'],
  ['courier_account_id', 'bigint'],
  ['courier_name', 'text'],
  ['courier_phone', 'text'],
  ['recipient_name', 'text'],
  ['recipient_phone', 'text'],
  ['resident_id', 'bigint'],
  ['address', 'text'],
  ['status', 'text'],
  ['damaged', 'int'],
  ['entered_at', 'text'],
  ['received_at', 'text'],
  ['received_by', 'bigint'],
  ['picked_up_at', 'text'],
  ['picked_up_by', 'bigint'],
  ['rejected_at', 'text'],
  ['rejected_by', 'bigint'],
  ['reject_reason', 'text'],
  ['pickup_code', 'text'],
  ['fee_rate_fen', 'int'],
  ['fee_waived', 'int'],
  ['fee_waived_at', 'text'],
  ['fee_waived_by', 'bigint'],
  ['fee_charged_fen', 'int'],
] as const satisfies readonly (readonly [string, PgType])[];

const REJECT_REASONS = [null, null, '外包装破损严重', '收件人不在本小区', '到付件，收件人拒付', '超大件，无法存放', '重复投递'];

/** Real values the benchmark searches for: up to 50 of each, drawn uniformly from the parcels. */
export interface FillSample {
  residentPhones: string[];
  trackingNos: string[];
  names: string[];
  awaitingCodes: { communityId: number; code: string }[];
}

/**
 * Parcels, in time order (ids grow with entered_at as in real use), three stretches: 90 % over the
 * 3 years up to 30 days ago (picked up or rejected); 9 % over the last 30 days (mostly awaiting
 * pickup, fewer the older, so fees vary); 1 % in the last day (mostly pending). `residentIds[i]`
 * is resident i's id; community c's residents are rStart[c] up to rStart[c + 1].
 */
export async function writeParcels(opts: {
  target: BulkTarget;
  world: World;
  rStart: number[];
  residentIds: Int32Array;
  parcelTotal: number;
  seed: number;
  r: () => number;
  now: number;
  onProgress?: (message: string) => void;
}): Promise<{ byStatus: Record<ParcelStatus, number>; sample: FillSample }> {
  const { target, rStart, residentIds, parcelTotal, seed, r, now } = opts;
  const { org, admin, busyCount, communities, feeRates, couriersOf } = opts.world;
  const communityTotal = communities.length;
  const start = now - YEARS_3;
  const cumOld = new Float64Array(communityTotal);
  const cumRecent = new Float64Array(communityTotal);
  let totOld = 0;
  let totRecent = 0;
  for (let c = 0; c < communityTotal; c++) {
    totOld += weightOf(busyCount, c, false);
    totRecent += weightOf(busyCount, c, true);
    cumOld[c] = totOld;
    cumRecent[c] = totRecent;
  }
  const courierCum = couriersOf.map((list) => Float64Array.from(list, (x) => x.cum));
  const serials = new Array<number>(SHAPES.length).fill(0);
  const codesInUse: Set<number>[] = communities.map(() => new Set<number>());
  const byStatus: Record<ParcelStatus, number> = { pending_receipt: 0, awaiting_pickup: 0, picked_up: 0, rejected: 0, exception: 0, returned: 0 };
  const samplePhones = new Reservoir<string>(SAMPLE_SIZE, r);
  const sampleTracking = new Reservoir<string>(SAMPLE_SIZE, r);
  const sampleNames = new Reservoir<string>(SAMPLE_SIZE, r);
  const sampleCodes = new Reservoir<{ communityId: number; code: string }>(SAMPLE_SIZE, r);
  const oldEnd = Math.floor(parcelTotal * 0.9);
  const recentEnd = Math.floor(parcelTotal * 0.99);
  const latest = now - 60_000;
  // A moment after t: min + up to span more, drawn within what is left before \`latest\`
  // (clamping instead would pile the last hours' moves onto one timestamp).
  const later = (t: number, span: number, min = 0) => {
    const room = Math.max(0, latest - t);
    return t + Math.floor(room > span ? min + r() * (span - min) : r() * room);
  };
  const parcelBulk = bulkFor(target, 'parcels', PARCEL_COLUMNS);
  const p: Value[] = new Array<Value>(PARCEL_COLUMNS.length).fill(null);
  const report = Math.max(1, Math.floor(parcelTotal / 10));

  for (let i = 0; i < parcelTotal; i++) {
    // When it was entered, and which stretch it belongs to.
    let entered: number;
    let stretch: 0 | 1 | 2;
    if (i < oldEnd) {
      entered = start + ((i + r()) / oldEnd) * (YEARS_3 - 30 * DAY_MS);
      stretch = 0;
    } else if (i < recentEnd) {
      entered = now - 30 * DAY_MS + ((i - oldEnd + r()) / (recentEnd - oldEnd)) * 29 * DAY_MS;
      stretch = 1;
    } else {
      entered = now - DAY_MS + ((i - recentEnd + r()) / (parcelTotal - recentEnd)) * (DAY_MS - 120_000);
      stretch = 2;
    }
    entered = Math.floor(entered);
    const c = drawCum(stretch === 0 ? cumOld : cumRecent, stretch === 0 ? totOld : totRecent, r());
    const communityId = communities[c]?.id ?? 0;
    const list = couriersOf[c] ?? [];
    const courier = list[drawCum(courierCum[c] ?? [], list[list.length - 1]?.cum ?? 1, r())];
    if (!courier) throw new Error('no courier');
    const shape = SHAPES[courier.carrier];
    if (!shape) throw new Error('no carrier');
    const k = serials[courier.carrier] ?? 0;
    serials[courier.carrier] = k + 1;
    const trackingNo = shape.make(serial8(k), r);

    // Recipient: a resident of the community (85 %) or a stranger (visitor, new tenant).
    let recipientName: string;
    let recipientPhone: string;
    let residentId: number | null = null;
    let address: string | null = null;
    if (r() < 0.85) {
      const lo = rStart[c] ?? 0;
      const hi = rStart[c + 1] ?? lo + 1;
      const ri = lo + Math.floor(r() * (hi - lo));
      const h = hash(ri, seed);
      recipientName = chineseName(h);
      recipientPhone = residentPhone(ri, seed);
      residentId = residentIds[ri] ?? null;
      address = formatAddress(residentHome(h));
      samplePhones.offer(recipientPhone);
    } else {
      recipientName = chineseName((r() * 4294967296) >>> 0);
      recipientPhone = pick(STRANGER_PREFIXES, Math.floor(r() * STRANGER_PREFIXES.length)) + randDigits(r, 8);
    }

    // Status by stretch; then the moves' times, each before `now`.
    const u = r();
    let status: ParcelStatus;
    if (stretch === 0) status = u < 0.955 ? 'picked_up' : 'rejected';
    else if (stretch === 1) {
      const age = (now - entered) / (30 * DAY_MS);
      const awaiting = 0.85 - 0.6 * age + (c < busyCount ? 0.1 : 0);
      status = u < awaiting ? 'awaiting_pickup' : u < awaiting + 0.04 ? 'rejected' : 'picked_up';
    } else status = u < 0.85 ? 'pending_receipt' : u < 0.95 ? 'awaiting_pickup' : 'rejected';

    let receivedAt: number | null = null;
    let pickedUpAt: number | null = null;
    let rejectedAt: number | null = null;
    let rejectReason: string | null = null;
    let pickupCode: string | null = null;
    let feeRate: number | null = null;
    let waived = 0;
    let waivedAt: number | null = null;
    let charged: number | null = null;
    let damaged = 0;
    if (status === 'rejected') {
      rejectedAt = later(entered, 5 * HOUR);
      rejectReason = pick(REJECT_REASONS, Math.floor(r() * REJECT_REASONS.length));
    } else if (status !== 'pending_receipt') {
      receivedAt = later(entered, 3 * HOUR);
      feeRate = feeRates[c] ?? 0;
      damaged = r() < 0.01 ? 1 : 0;
      if (status === 'picked_up') {
        // Most are collected within a day or two; a long tail pays for weeks.
        const days = Math.min(25, -Math.log(1 - r()) * 1.3);
        pickedUpAt = later(receivedAt, days * DAY_MS + HOUR, days * DAY_MS);
        const fee = custodyFeeFen({ receivedAt: new Date(receivedAt), feeRateFen: feeRate, waived: false, now: new Date(pickedUpAt) });
        if (fee > 0 && r() < 0.03) {
          waived = 1;
          waivedAt = pickedUpAt - Math.floor(r() * HOUR);
        }
        charged = custodyFeeFen({ receivedAt: new Date(receivedAt), feeRateFen: feeRate, waived: waived === 1, now: new Date(pickedUpAt) });
      } else {
        const codes = codesInUse[c] ?? new Set<number>();
        let code = Math.floor(r() * 1_000_000);
        while (codes.has(code)) code = Math.floor(r() * 1_000_000);
        codes.add(code);
        pickupCode = digits(code, 6);
        sampleCodes.offer({ communityId, code: pickupCode });
        // A few of the fees already charged are waived by the front desk (撤销).
        if (r() < 0.02 && now - receivedAt > DAY_MS) {
          waived = 1;
          waivedAt = later(receivedAt + DAY_MS, HOUR);
        }
      }
    }
    byStatus[status]++;
    sampleTracking.offer(trackingNo);
    sampleNames.offer(recipientName);

    const adminId = admin.id;
    p[0] = org.id;
    p[1] = communityId;
    p[2] = shape.name;
    p[3] = trackingNo;
    p[4] = courier.id;
    p[5] = courier.accountId;
    p[6] = courier.name;
    p[7] = courier.phone;
    p[8] = recipientName;
    p[9] = recipientPhone;
    p[10] = residentId;
    p[11] = address;
    p[12] = status;
    p[13] = damaged;
    p[14] = iso(entered);
    p[15] = receivedAt === null ? null : iso(receivedAt);
    p[16] = receivedAt === null ? null : adminId;
    p[17] = pickedUpAt === null ? null : iso(pickedUpAt);
    p[18] = pickedUpAt === null ? null : adminId;
    p[19] = rejectedAt === null ? null : iso(rejectedAt);
    p[20] = rejectedAt === null ? null : adminId;
    p[21] = rejectReason;
    p[22] = pickupCode;
    p[23] = feeRate;
    p[24] = waived;
    p[25] = waivedAt === null ? null : iso(waivedAt);
    p[26] = waivedAt === null ? null : adminId;
    p[27] = charged;
    parcelBulk.push(p);
    if (parcelBulk.full) await parcelBulk.flush();
    if ((i + 1) % report === 0) opts.onProgress?.(`parcels: ${i + 1}`);
  }
  await parcelBulk.end();
  return {
    byStatus,
    sample: {
      residentPhones: [...new Set(samplePhones.items)],
      trackingNos: sampleTracking.items,
      names: [...new Set(sampleNames.items)],
      awaitingCodes: sampleCodes.items,
    },
  };
}

/**
 * One event per parcel of the org, its last move, as the services would have written it; one
 * set-based INSERT … SELECT, so nothing is generated or sent from here. Returns the events made
 * (on PostgreSQL, the rows of parcel_events).
 */
export async function writeEvents(db: Db, target: BulkTarget, orgId: number, admin: { id: number; username: string }): Promise<number> {
  const { raw, pgQuery } = target;
  let events = 0;
  // On PostgreSQL through the pinned session, so that it too skips the per-row FK check.
  const query = sql`
          INSERT INTO parcel_events (parcel_id, org_id, at, actor_kind, actor_id, actor_name, from_status, to_status, detail)
          SELECT id, org_id,
            CASE status WHEN 'pending_receipt' THEN entered_at WHEN 'awaiting_pickup' THEN received_at
              WHEN 'picked_up' THEN picked_up_at ELSE rejected_at END,
            CASE status WHEN 'pending_receipt' THEN 'courier' ELSE 'staff' END,
            CASE status WHEN 'pending_receipt' THEN courier_account_id ELSE CAST(${admin.id} AS bigint) END,
            CASE status WHEN 'pending_receipt' THEN courier_name ELSE CAST(${admin.username} AS text) END,
            CASE status WHEN 'pending_receipt' THEN NULL WHEN 'picked_up' THEN 'awaiting_pickup' ELSE 'pending_receipt' END,
            status,
            CASE status
              WHEN 'awaiting_pickup' THEN CASE damaged WHEN 1 THEN '{"damaged":true}' ELSE '{"damaged":false}' END
              WHEN 'picked_up' THEN '{"feeFen":' || fee_charged_fen || '}'
              WHEN 'rejected' THEN CASE WHEN reject_reason IS NULL THEN NULL ELSE '{"reason":"' || reject_reason || '"}' END
            END
          FROM parcels WHERE org_id = ${orgId} ORDER BY id`.compile(db);
  if (raw) events = raw.prepare(query.sql).run(...(query.parameters as Value[])).changes;
  else if (pgQuery) {
    await pgQuery(query.sql, query.parameters);
    events = Number(
      (
        await db
          .selectFrom('parcel_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );
  }
  return events;
}
