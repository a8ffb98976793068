// Fills the app's database with N parcels at real scale, quickly, for the benchmarks: the org, its
// communities, couriers and admin through the app's own services (so passwords are hashed and rows
// look as the API makes them), residents and parcels bulk-inserted (the services would take hours).
// Run: tsx bench/fill.ts --parcels 100000 [--communities 100] [--seed 1] [--db postgres://…/kd_fill_x | --file /tmp/x.sqlite]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { createContext } from '../src/server/context.js';
import { openDatabase, type Database_ } from '../src/server/db/index.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { indexParcelsForSearch } from '../src/server/db/migrations/2026112903_search.js';
import { recountParcels } from '../src/server/db/migrations/2026112905_parcel_counts.js';
import type { ParcelStatus } from '../src/server/db/types.js';
import { registerCourierAccount } from '../src/server/modules/auth/auth.service.js';
import { createCommunity } from '../src/server/modules/communities/communities.service.js';
import { createCourier } from '../src/server/modules/couriers/couriers.service.js';
import { consoleMessaging } from '../src/server/modules/notifications/messaging.js';
import { createOrg } from '../src/server/modules/orgs/orgs.service.js';
import { formatAddress } from '../src/server/modules/residents/residents.schema.js';
import { DAY_MS } from '../src/shared/constants.js';
import { custodyFeeFen } from '../src/shared/fee.js';

/** What `fillDatabase` is asked for. */
export interface FillOptions {
  /** Opened and migrated by the caller; should hold no parcels of another run (ids are read back). */
  database: Database_;
  /** Parcels to make: 1,000,000 by default; 10,000,000 works (streamed, never all in memory). */
  parcels?: number;
  /** Communities of the one org: 100 by default; the first two are the busy ones. */
  communities?: number;
  /** The same seed gives the same rows (pickup codes aside from their uniqueness, which is kept). */
  seed?: number;
  /** The moment the history ends at: parcels are spread over the 3 years before it. */
  now?: Date;
  /** One parcel_events row per parcel (its last move), made in one INSERT … SELECT: true by default. */
  events?: boolean;
  /**
   * Drop the secondary indexes of residents and parcels for the bulk insert and build them again
   * from their own stored definitions afterwards (a sorted build beats row-by-row upkeep of nine
   * indexes on random keys): true by default. Constraint indexes (primary keys, UNIQUE constraints) stay.
   */
  deferIndexes?: boolean;
  /** Progress lines (on stderr by the CLI). */
  onProgress?: (message: string) => void;
}

/** What `fillDatabase` made: sign-in, ids and real values for the benchmark to search for. */
export interface FillResult {
  orgId: number;
  admin: { username: string; password: string };
  communities: { id: number; name: string; busy: boolean }[];
  couriers: { phone: string; name: string; communityId: number; carrier: string }[];
  sample: {
    residentPhones: string[];
    trackingNos: string[];
    names: string[];
    awaitingCodes: { communityId: number; code: string }[];
  };
  counts: { parcels: number; residents: number; events: number; byStatus: Record<ParcelStatus, number> };
  /** Wall time of the whole fill, and of its parts (services, residents, parcels, events, analyze). */
  seconds: number;
  phases: Record<string, number>;
}

const HOUR = 3_600_000;
const YEARS_3 = 3 * 365 * DAY_MS;
const ADMIN = { username: 'bench-admin', password: 'bench-admin-2026' } as const;
const SAMPLE_SIZE = 50;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: a seeded PRNG for the stream, a hash for values recomputed by index
// (residents are regenerated from their index when a parcel names them, instead of being kept).

/** mulberry32: fast, seedable, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit mix of an index and the seed (murmur3's finaliser). */
function hash(i: number, seed: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function pick<T>(list: ArrayLike<T>, n: number): T {
  const v = list[n % list.length];
  if (v === undefined) throw new Error('empty list');
  return v;
}

function digits(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------
// People: names, phones, homes.

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫斌宇浩凯健俊帆帅旭宁龙林欣佳怡雪梅琳晨辰昊然子涵梓轩一诺思远雨萱博文欣怡浩宇诗涵志强建国国强海燕晓东丹丹婷婷';

function chineseName(h: number): string {
  const surname = SURNAMES[h % SURNAMES.length] ?? '王';
  const g1 = GIVEN[(h >>> 8) % GIVEN.length] ?? '伟';
  // About a third of names have one given character, the rest two.
  if ((h >>> 20) % 3 === 0) return surname + g1;
  return surname + g1 + (GIVEN[(h >>> 14) % GIVEN.length] ?? '华');
}

// Residents, strangers and couriers draw from different prefixes, so a stranger's parcel never
// lands on a resident's phone by chance (it would be linked to them) and phones stay unique.
const RESIDENT_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '155',
  '156',
  '157',
  '158',
  '159',
  '180',
  '181',
  '182',
  '183',
  '185',
  '186',
  '187',
  '188',
  '189',
];
const STRANGER_PREFIXES = ['166', '172', '173', '175', '176', '177', '178', '191', '193', '195', '196', '198', '199'];
const COURIER_PREFIX = '134';

/** Resident i's phone: unique for every i below 26 × 10^8 (an affine permutation of the 8 digits). */
function residentPhone(i: number, seed: number): string {
  const k = Math.floor(i / RESIDENT_PREFIXES.length);
  // The prefix's own offset keeps neighbours (same k, different prefix) from sharing their last 8 digits.
  const prefix = i % RESIDENT_PREFIXES.length;
  return pick(RESIDENT_PREFIXES, prefix) + digits((k * 7919 + prefix * 3_846_151 + (seed % 1000) * 104_729 + 1_234_567) % 100_000_000, 8);
}

interface Home {
  building: string;
  unit: string;
  room: string;
}

function residentHome(h: number): Home {
  return {
    building: String(1 + (h % 28)),
    unit: String(1 + ((h >>> 5) % 4)),
    room: `${1 + ((h >>> 8) % 32)}0${1 + ((h >>> 13) % 4)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Carriers and their tracking-number shapes (src/shared/carrier-guess.ts recognises every one).
// The low 8 digits are a permutation of a per-carrier counter: unique overall (prefixes differ),
// yet not sequential-looking.

interface CarrierShape {
  name: string;
  /** Relative share of parcels. */
  weight: number;
  make(serial: string, r: () => number): string;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const randDigits = (r: () => number, width: number) => digits(Math.floor(r() * 10 ** width), width);

/** The S10 check digit (as carrier-guess checks it), so EMS numbers are recognised. */
function s10Check(serial: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * (weights[i] ?? 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

const SHAPES: readonly CarrierShape[] = [
  { name: '中通快递', weight: 22, make: (s, r) => `75${randDigits(r, 4)}${s}` },
  { name: '圆通速递', weight: 18, make: (s, r) => `YT${randDigits(r, 5)}${s}` },
  { name: '韵达快递', weight: 15, make: (s, r) => `46${randDigits(r, 5)}${s}` },
  { name: '申通快递', weight: 10, make: (s, r) => `77${randDigits(r, 5)}${s}` },
  { name: '顺丰速运', weight: 10, make: (s, r) => `SF${randDigits(r, 5)}${s}` },
  { name: '极兔速递', weight: 9, make: (s, r) => `JT${randDigits(r, 5)}${s}` },
  { name: '京东快递', weight: 8, make: (s, r) => `JD${pick(LETTERS, Math.floor(r() * 24))}${pick(LETTERS, Math.floor(r() * 24))}${randDigits(r, 3)}${s}` },
  { name: '中国邮政', weight: 4, make: (s, r) => `98${randDigits(r, 3)}${s}` },
  { name: 'EMS', weight: 2, make: (s, r) => `E${pick(LETTERS, Math.floor(r() * 24))}${s}${s10Check(s)}CN` },
  { name: '德邦快递', weight: 2, make: (s, r) => `DPK${randDigits(r, 4)}${s}` },
];

/** Counter k → 8 digits, a bijection on 0..10^8−1 (7_654_321 is coprime with 10^8). */
function serial8(k: number): string {
  return digits((k * 7_654_321 + 13_579_135) % 100_000_000, 8);
}

// ---------------------------------------------------------------------------------------------
// Bulk writers: one prepared INSERT in 50,000-row transactions on SQLite; unnest() batches on
// PostgreSQL, one batch in flight while the next is generated.

type Value = string | number | null;
type PgType = 'bigint' | 'int' | 'text';

interface Bulk {
  push(row: readonly Value[]): void;
  readonly full: boolean;
  flush(): Promise<void>;
  /** Writes what is left and waits for everything to be stored. */
  end(): Promise<void>;
}

function sqliteBulk(raw: Database.Database, table: string, columns: readonly (readonly [string, PgType])[]): Bulk {
  const stmt = raw.prepare(`INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const BATCH = 50_000;
  let n = 0;
  raw.exec('BEGIN');
  return {
    push(row) {
      stmt.run(row);
      n++;
    },
    get full() {
      return n >= BATCH;
    },
    async flush() {
      raw.exec('COMMIT');
      raw.exec('BEGIN');
      n = 0;
    },
    async end() {
      raw.exec('COMMIT');
    },
  };
}

type PgQuery = (text: string, params: readonly unknown[]) => Promise<{ rows: unknown[] }>;

function pgBulk(query: PgQuery, table: string, columns: readonly (readonly [string, PgType])[], batch = 10_000): Bulk {
  const text = `INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) SELECT * FROM unnest(${columns
    .map(([, t], i) => `$${i + 1}::${t}[]`)
    .join(', ')})`;
  let cols: Value[][] = columns.map(() => []);
  let n = 0;
  let inflight: Promise<unknown> = Promise.resolve();
  return {
    push(row) {
      for (let i = 0; i < row.length; i++) cols[i]?.push(row[i] ?? null);
      n++;
    },
    get full() {
      return n >= batch;
    },
    async flush() {
      if (n === 0) return;
      const prev = inflight;
      inflight = query(text, cols);
      // Rejected while the previous batch is awaited: handled when it is awaited in turn.
      inflight.catch(() => {});
      cols = columns.map(() => []);
      n = 0;
      await prev;
    },
    async end() {
      await this.flush();
      await inflight;
    },
  };
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

const PARCEL_COLUMNS = [
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

// ---------------------------------------------------------------------------------------------

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
const REJECT_REASONS = [null, null, '外包装破损严重', '收件人不在本小区', '到付件，收件人拒付', '超大件，无法存放', '重复投递'];

/** Fee rates, 0–3元/天: most communities charge 2元/天. */
function feeRateOf(c: number): number {
  return c === 0 ? 200 : c === 1 ? 150 : ([200, 200, 200, 0, 200, 150, 200, 300, 100, 200][c % 10] ?? 200);
}

interface CourierRecord {
  id: number;
  accountId: number;
  name: string;
  phone: string;
  carrier: number;
  /** Cumulative weight, for drawing a courier of the community by its carrier's share. */
  cum: number;
}

/** Draws an index from cumulative weights (binary search). */
function drawCum(cum: Float64Array | readonly number[], total: number, u: number): number {
  const x = u * total;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] ?? 0) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Keeps a uniform sample of at most `size` items from a stream. */
class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  constructor(
    private readonly size: number,
    private readonly r: () => number,
  ) {}
  offer(item: T): void {
    this.seen++;
    if (this.items.length < this.size) this.items.push(item);
    else {
      const j = Math.floor(this.r() * this.seen);
      if (j < this.size) this.items[j] = item;
    }
  }
}

/**
 * Fills a migrated database with one org (admin `bench-admin`), its communities, couriers and
 * courier accounts made through the services, about parcels/20 residents and `parcels` parcels
 * bulk-inserted over the 3 years before `now`, then ANALYZEs; returns what was made.
 */
export async function fillDatabase(opts: FillOptions): Promise<FillResult> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - phaseStart) / 1000;
    phaseStart = t;
    opts.onProgress?.(`${name}: ${phases[name]} s`);
  };

  const { database } = opts;
  const { db, dialect } = database;
  const parcelTotal = opts.parcels ?? 1_000_000;
  const communityTotal = Math.max(1, opts.communities ?? 100);
  const seed = (opts.seed ?? 1) >>> 0;
  const now = (opts.now ?? new Date()).getTime();
  const start = now - YEARS_3;
  const r = rng(seed);
  const iso = (ms: number) => new Date(ms).toISOString();

  // SQLite: a second connection to the same file for the bulk writes (openDatabase keeps its
  // handle inside Kysely's dialect); the Kysely connection stays idle meanwhile. synchronous=OFF
  // on both for the fill only: the data is scratch, the app's FULL is restored at the end.
  let raw: Database.Database | null = null;
  let syncBefore = 2;
  if (dialect === 'sqlite') {
    const files = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db);
    const file = files.rows.find((f) => f.name === 'main')?.file ?? '';
    if (!file) throw new Error('fillDatabase: the SQLite database must be a file (the bulk writer opens it a second time)');
    const before = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db);
    syncBefore = before.rows[0]?.synchronous ?? 2;
    await sql`PRAGMA synchronous = OFF`.execute(db);
    raw = new Database(file);
    raw.pragma('busy_timeout = 5000');
    raw.pragma('synchronous = OFF');
    // A bigger page cache (128 MiB) for the index builds, and for the indexes' upkeep when they are not deferred.
    raw.pragma('cache_size = -131072');
  }

  try {
    // ----- Through the services: org + admin, communities, couriers, courier accounts.
    // Their clock is set before the history starts so created_at precedes every parcel.
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
    const communities: FillResult['communities'] = [];
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
    const couriers: FillResult['couriers'] = [];
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
    phase('services');

    // ----- Residents: parcels/20, spread by the communities' weights (busy ones 6×), contiguous
    // per community so a parcel draws one by index and regenerates its name, phone and home.
    const weightOf = (c: number, recent: boolean) => (c < busyCount ? (recent ? 12 : 6) : 1);
    const residentTotal = Math.max(communityTotal, Math.round(parcelTotal / 20));
    let weightSum = 0;
    for (let c = 0; c < communityTotal; c++) weightSum += weightOf(c, false);
    const rStart: number[] = [];
    let acc = 0;
    for (let c = 0; c < communityTotal; c++) {
      rStart.push(acc);
      acc += c === communityTotal - 1 ? residentTotal - acc : Math.max(1, Math.round((residentTotal * weightOf(c, false)) / weightSum));
    }
    rStart.push(residentTotal);
    const before = await db
      .selectFrom('residents')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    const maxBefore = Number(before?.max ?? 0);
    const parcelsBefore = await db
      .selectFrom('parcels')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    const maxParcelBefore = Number(parcelsBefore?.max ?? 0);

    let pgConnRelease: (() => void) | null = null;
    let pgQuery: PgQuery | null = null;
    if (dialect === 'postgres') {
      // One pinned connection for every bulk batch (its session settings apply to them all).
      const conn = await new Promise<{ run: PgQuery; release: () => void }>((resolve, reject) => {
        let release: () => void = () => {};
        const done = new Promise<void>((res) => (release = res));
        db.connection()
          .execute(async (c) => {
            resolve({ run: async (text, params) => ({ rows: [...(await c.executeQuery(CompiledQuery.raw(text, [...params]))).rows] }), release });
            await done;
          })
          .catch(reject);
      });
      pgQuery = conn.run;
      pgConnRelease = conn.release;
      await pgQuery('SET synchronous_commit = off', []);
      // For the index builds at the end.
      await pgQuery("SET maintenance_work_mem = '256MB'", []);
      // Foreign-key checks are per-row triggers, most of the insert time; every id written here
      // was just read back from the database, so this session skips them (replica role: needs a
      // superuser, as the bench's trust-auth postgres is; without it the checks simply stay on).
      await pgQuery("SET session_replication_role = 'replica'", []).catch(() => {});
    }
    const bulkFor = (table: string, columns: readonly (readonly [string, PgType])[]): Bulk => {
      if (raw) return sqliteBulk(raw, table, columns);
      if (pgQuery) return pgBulk(pgQuery, table, columns);
      throw new Error('no bulk writer');
    };

    // Index definitions as the database stores them (so they come back exactly as the migrations
    // made them, partial unique ones included), dropped now and built again after the parcels.
    // On SQLite the search table's triggers go too: the new parcels are indexed for search in one
    // statement, before the triggers come back.
    let dropped: { type: string; name: string; ddl: string }[] = [];
    const rebuildIndexes = async () => {
      if (raw && dropped.some((x) => x.type === 'trigger')) await indexParcelsForSearch(db as Kysely<unknown>, maxParcelBefore);
      for (const ix of dropped) {
        if (raw) raw.exec(ix.ddl);
        else await pgQuery?.(ix.ddl, []);
      }
      dropped = [];
    };
    if (opts.deferIndexes ?? true) {
      if (raw) {
        dropped = raw
          .prepare(
            "SELECT type, name, sql AS ddl FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name IN ('parcels', 'residents') AND sql IS NOT NULL",
          )
          .all() as { type: string; name: string; ddl: string }[];
        for (const ix of dropped) raw.exec(`DROP ${ix.type === 'trigger' ? 'TRIGGER' : 'INDEX'} "${ix.name}"`);
      } else if (pgQuery) {
        const res = await pgQuery(
          `SELECT i.indexname AS name, i.indexdef AS ddl FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename IN ('parcels', 'residents')
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
          [],
        );
        dropped = (res.rows as { name: string; ddl: string }[]).map((r) => ({ type: 'index', ...r }));
        for (const ix of dropped) await pgQuery(`DROP INDEX "${ix.name}"`, []);
      }
    }

    try {
      const resBulk = bulkFor('residents', RESIDENT_COLUMNS);
      const row: Value[] = [];
      for (let c = 0; c < communityTotal; c++) {
        const communityId = communities[c]?.id ?? 0;
        for (let i = rStart[c] ?? 0; i < (rStart[c + 1] ?? 0); i++) {
          const h = hash(i, seed);
          const home = residentHome(h);
          const at = iso(start - 20 * DAY_MS + Math.floor((i / residentTotal) * (YEARS_3 * 0.9)));
          row.length = 0;
          row.push(org.id, communityId, chineseName(h), residentPhone(i, seed), home.building, home.unit, home.room, at, at);
          resBulk.push(row);
          if (resBulk.full) await resBulk.flush();
        }
      }
      await resBulk.end();
      // Ids in insertion order: resident i is residentIds[i].
      const idRows = await db.selectFrom('residents').select('id').where('id', '>', maxBefore).where('org_id', '=', org.id).orderBy('id').execute();
      if (idRows.length !== residentTotal) throw new Error(`residents: ${idRows.length} rows read back, ${residentTotal} made`);
      const residentIds = new Int32Array(residentTotal);
      idRows.forEach((x, i) => (residentIds[i] = x.id));
      phase('residents');

      // ----- Parcels, in time order (ids grow with entered_at as in real use), three stretches:
      // 90 % over the 3 years up to 30 days ago (picked up or rejected); 9 % over the last 30 days
      // (mostly awaiting pickup, fewer the older, so fees vary); 1 % in the last day (mostly pending).
      const cumOld = new Float64Array(communityTotal);
      const cumRecent = new Float64Array(communityTotal);
      let totOld = 0;
      let totRecent = 0;
      for (let c = 0; c < communityTotal; c++) {
        totOld += weightOf(c, false);
        totRecent += weightOf(c, true);
        cumOld[c] = totOld;
        cumRecent[c] = totRecent;
      }
      const courierCum = couriersOf.map((list) => Float64Array.from(list, (x) => x.cum));
      const serials = new Array<number>(SHAPES.length).fill(0);
      const codesInUse: Set<number>[] = communities.map(() => new Set<number>());
      const byStatus: Record<ParcelStatus, number> = { pending_receipt: 0, awaiting_pickup: 0, picked_up: 0, rejected: 0 };
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
      const parcelBulk = bulkFor('parcels', PARCEL_COLUMNS);
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
      phase('parcels');
      if (dropped.length > 0) {
        await rebuildIndexes();
        phase('indexes');
      }
      // The bulk insert went around the counters' triggers (dropped on SQLite, a replica session on PostgreSQL).
      await recountParcels(db as Kysely<unknown>);
      phase('counts');

      // ----- One event per parcel, its last move, as the services would have written it; one
      // set-based INSERT … SELECT, so nothing is generated or sent from here.
      let events = 0;
      if (opts.events ?? true) {
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
          FROM parcels WHERE org_id = ${org.id} ORDER BY id`.compile(db);
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
        phase('events');
      }

      // On PostgreSQL VACUUM too, as autovacuum would in time: index-only scans need the visibility map.
      if (raw) raw.exec('ANALYZE');
      else await sql`VACUUM ANALYZE`.execute(db);
      phase('analyze');

      return {
        orgId: org.id,
        admin: { ...ADMIN },
        communities,
        couriers,
        sample: {
          residentPhones: [...new Set(samplePhones.items)],
          trackingNos: sampleTracking.items,
          names: [...new Set(sampleNames.items)],
          awaitingCodes: sampleCodes.items,
        },
        counts: { parcels: parcelTotal, residents: residentTotal, events, byStatus },
        seconds: Math.round(performance.now() - started) / 1000,
        phases,
      };
    } finally {
      // Failed half-way: the indexes come back all the same, the schema is not left without them.
      if (dropped.length > 0) await rebuildIndexes();
      if (pgQuery) {
        await pgQuery('RESET synchronous_commit', []).catch(() => {});
        await pgQuery('RESET maintenance_work_mem', []).catch(() => {});
        await pgQuery('RESET session_replication_role', []).catch(() => {});
      }
      pgConnRelease?.();
    }
  } finally {
    if (raw) {
      // Fold the WAL back into the file so its size is the database's, then close.
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.close();
      await sql.raw(`PRAGMA synchronous = ${Number(syncBefore)}`).execute(db);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CLI: tsx bench/fill.ts --parcels N [--communities 100] [--seed 1] [--events false] [--defer-indexes false]
//      [--db postgres://…/kd_fill_x (made when missing)] [--file /tmp/x.sqlite]

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      parcels: { type: 'string', default: '1000000' },
      communities: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      events: { type: 'string', default: 'true' },
      'defer-indexes': { type: 'string', default: 'true' },
      db: { type: 'string' },
      file: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const parcels = Number(values.parcels);
  if (!Number.isInteger(parcels) || parcels < 1) throw new Error('--parcels: a positive integer');
  let database: Database_;
  let size: () => Promise<number>;
  if (values.db) {
    const url = new URL(values.db);
    const name = decodeURIComponent(url.pathname.slice(1));
    // The scratch database is made when missing, through the server's `postgres` database.
    const adminUrl = new URL(values.db);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    await admin.end();
    database = openDatabase({ kind: 'postgres', url: values.db });
    size = async () => Number((await sql<{ size: string }>`SELECT pg_database_size(current_database()) AS size`.execute(database.db)).rows[0]?.size ?? 0);
  } else {
    const file = values.file ?? path.join('/tmp', `kd-fill-${Date.now()}.sqlite`);
    database = openDatabase({ kind: 'sqlite', file });
    size = async () => [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    process.stderr.write(`SQLite file: ${file}\n`);
  }
  try {
    await migrateToLatest(database.db);
    const result = await fillDatabase({
      database,
      parcels,
      communities: Number(values.communities),
      seed: Number(values.seed),
      events: values.events !== 'false',
      deferIndexes: values['defer-indexes'] !== 'false',
      onProgress: (m) => process.stderr.write(`${m}\n`),
    });
    const bytes = await size();
    const peakRss = process.resourceUsage().maxRSS * 1024;
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `${database.dialect}: ${result.counts.parcels} parcels, ${result.counts.residents} residents, ${result.counts.events} events in ${result.seconds} s ` +
        `(${Math.round(result.counts.parcels / (result.phases.parcels ?? result.seconds))} parcels/s while inserting parcels, ` +
        `${Math.round(result.counts.parcels / result.seconds)} parcels/s overall); ` +
        `phases ${JSON.stringify(result.phases)}; by status ${JSON.stringify(result.counts.byStatus)}; ` +
        `database ${(bytes / 2 ** 20).toFixed(0)} MiB; peak RSS of this process ${(peakRss / 2 ** 20).toFixed(0)} MiB\n`,
    );
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  cli().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
