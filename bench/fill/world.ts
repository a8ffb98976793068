// The world the parcels move in: the org and its admin, the communities, their couriers and the
// couriers' accounts, made through the app's own services (so passwords are hashed and rows look
// as the API makes them); then the residents, bulk-inserted (the services would take hours).
import { pino } from 'pino';
import { createContext } from '../../src/server/context.js';
import type { Db } from '../../src/server/db/index.js';
import { registerCourierAccount } from '../../src/server/modules/auth/auth.service.js';
import { createCommunity } from '../../src/server/modules/communities/communities.service.js';
import { createCourier } from '../../src/server/modules/couriers/couriers.service.js';
import { consoleMessaging } from '../../src/server/modules/notifications/messaging.js';
import { createOrg } from '../../src/server/modules/orgs/orgs.service.js';
import { DAY_MS } from '../../src/shared/constants.js';
import { bulkFor, type BulkTarget, type PgType, type Value } from './bulk.js';
import { chineseName, COURIER_PREFIX, iso, residentHome, residentPhone, SHAPES, YEARS_3 } from './data.js';
import { digits, hash, pick } from './random.js';

export const ADMIN = { username: 'bench-admin', password: 'bench-admin-2026' } as const;

const COMMUNITY_BASES = [
  '华润二十四城',
  '万科城',
  '保利花园',
  '碧桂园',
  '龙湖春江郦城',
  '绿地世纪城',
  '中海国际社区',
  '融创滨江',
  '金地格林小城',
  '招商雍华府',
  '世茂云锦',
  '恒大名都',
  '阳光城翡丽湾',
  '旭辉城',
  '新城国际',
  '远洋万和',
  '华侨城',
  '蓝光COCO',
  '首开琅樾',
  '越秀星汇',
];

/** Fee rates, 0–3元/天: most communities charge 2元/天. */
function feeRateOf(c: number): number {
  return c === 0 ? 200 : c === 1 ? 150 : ([200, 200, 200, 0, 200, 150, 200, 300, 100, 200][c % 10] ?? 200);
}

/** A community as the fill's result gives it: the first two (of ten or more) are the busy ones. */
export interface FilledCommunity {
  id: number;
  name: string;
  busy: boolean;
}

/** A courier as the fill's result gives it (one row per community it serves). */
export interface FilledCourier {
  phone: string;
  name: string;
  communityId: number;
  carrier: string;
}

export interface CourierRecord {
  id: number;
  accountId: number;
  name: string;
  phone: string;
  carrier: number;
  /** Cumulative weight, for drawing a courier of the community by its carrier's share. */
  cum: number;
}

/** What the services made. */
export interface World {
  org: { id: number; name: string };
  admin: { id: number; username: string };
  /** How many of the first communities are the busy ones. */
  busyCount: number;
  communities: FilledCommunity[];
  /** The communities' fee rates, by index. */
  feeRates: number[];
  couriers: FilledCourier[];
  /** The couriers of each community, by index, with their cumulative carrier weights. */
  couriersOf: CourierRecord[][];
}

/**
 * Through the services: org + admin, communities, couriers, courier accounts. Their clock is set
 * before the history starts (`start`, in ms) so created_at precedes every parcel.
 */
export async function makeWorld(db: Db, { communityTotal, seed, start }: { communityTotal: number; seed: number; start: number }): Promise<World> {
  const ctx = createContext({
    db,
    now: () => new Date(start - 30 * DAY_MS),
    log: pino({ level: 'silent' }),
    outboxKick: () => {},
    messaging: consoleMessaging(db),
  });
  const { org, admin } = await createOrg(ctx, { name: '快递代收压测物业', adminUsername: ADMIN.username, adminPassword: ADMIN.password });
  const scope = { orgId: org.id, communityIds: null };
  const busyCount = communityTotal >= 10 ? 2 : communityTotal >= 3 ? 1 : 0;
  const communities: FilledCommunity[] = [];
  const feeRates: number[] = [];
  for (let c = 0; c < communityTotal; c++) {
    const base = pick(COMMUNITY_BASES, c);
    const round = Math.floor(c / COMMUNITY_BASES.length);
    const name = round === 0 ? base : `${base}${round + 1}期`;
    const feeRateFen = feeRateOf(c);
    const row = await createCommunity(ctx, org.id, { name, feeRateFen });
    communities.push({ id: row.id, name: row.name, busy: c < busyCount });
    feeRates.push(feeRateFen);
  }

  // 5–10 couriers a community, each of a different carrier; neighbouring communities (groups of
  // three) share the same people, as couriers cover a district: one account per distinct phone.
  const accounts = new Map<string, number>();
  const couriersOf: CourierRecord[][] = [];
  const couriers: FilledCourier[] = [];
  for (let c = 0; c < communityTotal; c++) {
    const group = Math.floor(c / 3);
    const k = 5 + (hash(c, seed ^ 0x5eed) % 6);
    const list: CourierRecord[] = [];
    let cum = 0;
    for (let j = 0; j < k; j++) {
      const person = group * 10 + j;
      const phone = COURIER_PREFIX + digits((person * 104_729 + 31_337 + seed) % 100_000_000, 8);
      const name = chineseName(hash(person, seed ^ 0xc0c0));
      const shape = SHAPES[j];
      if (!shape) throw new Error('carrier out of range');
      const communityId = communities[c]?.id ?? 0;
      const rec = await createCourier(ctx, scope, { communityId, name, phone, carrier: shape.name });
      let accountId = accounts.get(phone);
      if (accountId === undefined) {
        accountId = (await registerCourierAccount(ctx, phone, name)).id;
        accounts.set(phone, accountId);
      }
      cum += shape.weight;
      list.push({ id: rec.id, accountId, name, phone, carrier: j, cum });
      couriers.push({ phone, name, communityId, carrier: shape.name });
    }
    couriersOf.push(list);
  }
  return { org, admin, busyCount, communities, feeRates, couriers, couriersOf };
}

/** Community c's weight among the communities: the busy ones 6× (12× in the last 30 days). */
export function weightOf(busyCount: number, c: number, recent: boolean): number {
  return c < busyCount ? (recent ? 12 : 6) : 1;
}

/**
 * Residents: parcels/20, spread by the communities' weights (busy ones 6×), contiguous per
 * community so a parcel draws one by index and regenerates its name, phone and home: community
 * c's residents are rStart[c] up to rStart[c + 1].
 */
export function residentLayout(communityTotal: number, parcelTotal: number, busyCount: number): { residentTotal: number; rStart: number[] } {
  const residentTotal = Math.max(communityTotal, Math.round(parcelTotal / 20));
  let weightSum = 0;
  for (let c = 0; c < communityTotal; c++) weightSum += weightOf(busyCount, c, false);
  const rStart: number[] = [];
  let acc = 0;
  for (let c = 0; c < communityTotal; c++) {
    rStart.push(acc);
    const left = communityTotal - 1 - c;
    // The rounded shares may add up to more than the total (50,000 parcels did): each community
    // keeps at least one resident for every one after it (a no-op whenever they add up).
    const share = Math.max(1, Math.round((residentTotal * weightOf(busyCount, c, false)) / weightSum));
    acc += left === 0 ? residentTotal - acc : Math.min(share, residentTotal - acc - left);
  }
  rStart.push(residentTotal);
  return { residentTotal, rStart };
}

const RESIDENT_COLUMNS = [
  ['org_id', 'bigint'],
  ['community_id', 'bigint'],
  ['name', 'text'],
  ['phone', 'text'],
  ['building', 'text'],
  ['unit', 'text'],
  ['room', 'text'],
  ['created_at', 'text'],
  ['updated_at', 'text'],
] as const satisfies readonly (readonly [string, PgType])[];

/**
 * Bulk-inserts the residents of `layout` (resident i regenerated from hash(i, seed)) and reads
 * their ids back: resident i is the result's [i]. `maxBefore`: the largest residents.id before.
 */
export async function writeResidents(
  db: Db,
  target: BulkTarget,
  opts: { orgId: number; communities: FilledCommunity[]; layout: { residentTotal: number; rStart: number[] }; seed: number; start: number; maxBefore: number },
): Promise<Int32Array> {
  const { orgId, communities, seed, start, maxBefore } = opts;
  const { residentTotal, rStart } = opts.layout;
  const resBulk = bulkFor(target, 'residents', RESIDENT_COLUMNS);
  const row: Value[] = [];
  for (let c = 0; c < communities.length; c++) {
    const communityId = communities[c]?.id ?? 0;
    for (let i = rStart[c] ?? 0; i < (rStart[c + 1] ?? 0); i++) {
      const h = hash(i, seed);
      const home = residentHome(h);
      const at = iso(start - 20 * DAY_MS + Math.floor((i / residentTotal) * (YEARS_3 * 0.9)));
      row.length = 0;
      row.push(orgId, communityId, chineseName(h), residentPhone(i, seed), home.building, home.unit, home.room, at, at);
      resBulk.push(row);
      if (resBulk.full) await resBulk.flush();
    }
  }
  await resBulk.end();
  // Ids in insertion order: resident i is residentIds[i].
  const idRows = await db.selectFrom('residents').select('id').where('id', '>', maxBefore).where('org_id', '=', orgId).orderBy('id').execute();
  if (idRows.length !== residentTotal) throw new Error(`residents: ${idRows.length} rows read back, ${residentTotal} made`);
  const residentIds = new Int32Array(residentTotal);
  idRows.forEach((x, i) => (residentIds[i] = x.id));
  return residentIds;
}
