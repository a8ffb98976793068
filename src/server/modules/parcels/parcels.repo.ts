import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../db/index.js';
import { parcelSearch } from '../../db/search.js';
import { keyOf, keyParts, loadOne } from '../../db/batch.js';
import { pageWindow } from '../../db/paging.js';
import { auditLinesInsert, insertAlongside, isPostgres, stateLiteral, uniquely } from '../../db/dialect.js';
import { SEARCH_COUNT_CAP } from '../../../shared/constants.js';
import type { AuditLogTable, Bool, NewParcel, ParcelEventTable, ParcelStatus, ParcelUpdate } from '../../db/types.js';
import type { Insertable } from 'kysely';
import { scopeIds, type Scope } from '../../actors.js';

/** What a parcel's write may find taken in its community: an open tracking number, a waiting parcel's code or shelf place. */
const TAKEN = { tracking_no: 'tracking_no', pickup_code: 'pickup_code', shelf_label: 'shelf_label' };

const parcelColumns = [
  'parcels.id',
  'parcels.org_id',
  'parcels.community_id',
  'communities.name as community_name',
  'communities.collection_point_name',
  'communities.fee_rate_fen as community_fee_rate_fen',
  'parcels.carrier',
  'parcels.tracking_no',
  'parcels.courier_id',
  'parcels.courier_name',
  'parcels.courier_phone',
  'parcels.courier_account_id',
  'parcels.recipient_name',
  'parcels.recipient_phone',
  'parcels.address',
  'parcels.status',
  'parcels.damaged',
  'parcels.entered_at',
  'parcels.received_at',
  'parcels.picked_up_at',
  'parcels.rejected_at',
  'parcels.reject_reason',
  'parcels.pickup_code',
  'parcels.fee_rate_fen',
  'parcels.fee_waived',
  'parcels.fee_charged_fen',
  'parcels.shelf_id',
  'parcels.shelf_layer',
  'parcels.shelf_label',
  'parcels.source',
  'parcels.exception_kind',
  'parcels.exception_note',
  'parcels.exception_at',
  'parcels.returned_at',
  'parcels.return_reason',
  'parcels.taken_back_at',
  'communities.return_after_days',
  'parcels.picked_up_relation',
  'parcels.picked_up_phone',
  'parcels.has_proof',
  'communities.proof_required',
  'parcels.fee_paid_fen',
  'parcels.fee_paid_at',
] as const;

function parcels(db: Executor) {
  return db.selectFrom('parcels').innerJoin('communities', 'communities.id', 'parcels.community_id');
}

/** A parcel with its community's name, collection point and current rate. */
export type ParcelJoined = Awaited<ReturnType<typeof getParcel>>;

/** A parcel known to exist (just written in this transaction). */
export function getParcel(db: Executor, id: number) {
  return parcels(db).select(parcelColumns).where('parcels.id', '=', id).executeTakeFirstOrThrow();
}

/** A parcel the staff member may see (their org; a clerk's communities), else undefined. */
export function findParcelInScope(db: Executor, scope: Scope, id: number) {
  const ids = scopeIds(scope);
  return parcels(db)
    .select(parcelColumns)
    .where('parcels.id', '=', id)
    .where('parcels.org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('parcels.community_id', 'in', ids ?? []))
    .executeTakeFirst();
}

/** Parcels the staff member may see among these ids. */
export function findParcelsInScope(db: Executor, scope: Scope, ids: number[]) {
  const community = scopeIds(scope);
  if (ids.length === 0) return Promise.resolve([]);
  return parcels(db)
    .select(parcelColumns)
    .where('parcels.id', 'in', ids)
    .where('parcels.org_id', '=', scope.orgId)
    .$if(community !== null, (qb) => qb.where('parcels.community_id', 'in', community ?? []))
    .orderBy('parcels.id')
    .execute();
}

/** The parcel with this tracking number that is open (pending or awaiting pickup) in a community. */
export function findOpenByTracking(db: Executor, communityId: number, trackingNo: string) {
  return parcels(db)
    .select(parcelColumns)
    .where('parcels.community_id', '=', communityId)
    .where('parcels.tracking_no', '=', trackingNo)
    .where('parcels.status', 'in', [stateLiteral('pending_receipt'), stateLiteral('awaiting_pickup')])
    .executeTakeFirst();
}

/** The latest parcel of a community with this tracking number (any state): the open one if there is one. */
export function findLatestByTracking(db: Executor, communityId: number, trackingNo: string) {
  return parcels(db)
    .select(parcelColumns)
    .where('parcels.community_id', '=', communityId)
    .where('parcels.tracking_no', '=', trackingNo)
    .orderBy('parcels.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Who the latest parcel of a community with this tracking number was for (any state). */
export function latestRecipientByTracking(db: Executor, communityId: number, trackingNo: string) {
  return db
    .selectFrom('parcels')
    .select(['recipient_phone', 'recipient_name', 'carrier'])
    .where('community_id', '=', communityId)
    .where('tracking_no', '=', trackingNo)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** What a checkout key finds among a community's parcels awaiting pickup. */
export type AwaitingKey = { code: string } | { label: string } | { phone: string } | { phoneTail: string };

/** A community's parcels awaiting pickup by pickup code, shelf label, whole phone or phone tail (at most 50, oldest first). */
export function awaitingBy(db: Executor, communityId: number, key: AwaitingKey) {
  return parcels(db)
    .select(parcelColumns)
    .where('parcels.community_id', '=', communityId)
    .where('parcels.status', '=', stateLiteral('awaiting_pickup'))
    .$if('code' in key, (qb) => qb.where('parcels.pickup_code', '=', 'code' in key ? key.code : ''))
    .$if('label' in key, (qb) => qb.where('parcels.shelf_label', '=', 'label' in key ? key.label : ''))
    .$if('phone' in key, (qb) => qb.where('parcels.recipient_phone', '=', 'phone' in key ? key.phone : ''))
    .$if('phoneTail' in key, (qb) => qb.where('parcels.recipient_phone', 'like', `%${'phoneTail' in key ? key.phoneTail : ''}`))
    .orderBy('parcels.id')
    .limit(50)
    .execute();
}

export interface ParcelFilter {
  status?: ParcelStatus;
  q?: string;
  communityId?: number;
  carrier?: string;
  courierId?: number;
  from?: string;
  to?: string;
  damaged?: boolean;
  /** 滞留: awaiting pickup and received before its community's cutoff (only these communities). */
  staleBefore?: { communityId: number; before: string }[];
  /** Only parcels with a smaller id (keyset paging for exports). */
  beforeId?: number;
}

/** The ids of the filtered list: conditions on `parcels` alone, so that an index can answer them. */
function filtered(db: Executor, scope: Scope, f: ParcelFilter) {
  const ids = scopeIds(scope);
  const q = f.q;
  return db
    .selectFrom('parcels')
    .where('parcels.org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('parcels.community_id', 'in', ids ?? []))
    .$if(f.status !== undefined, (qb) => qb.where('parcels.status', '=', f.status ?? 'pending_receipt'))
    .$if(f.communityId !== undefined, (qb) => qb.where('parcels.community_id', '=', f.communityId ?? 0))
    .$if(f.carrier !== undefined, (qb) => qb.where('parcels.carrier', '=', f.carrier ?? ''))
    .$if(f.courierId !== undefined, (qb) => qb.where('parcels.courier_id', '=', f.courierId ?? 0))
    .$if(f.from !== undefined, (qb) => qb.where('parcels.entered_at', '>=', f.from ?? ''))
    .$if(f.to !== undefined, (qb) => qb.where('parcels.entered_at', '<', f.to ?? ''))
    .$if(f.damaged !== undefined, (qb) => qb.where('parcels.damaged', '=', f.damaged ? 1 : 0))
    .$if(f.beforeId !== undefined, (qb) => qb.where('parcels.id', '<', f.beforeId ?? 0))
    .$if(f.staleBefore !== undefined, (qb) =>
      qb
        .where('parcels.status', '=', stateLiteral('awaiting_pickup'))
        .where((eb) =>
          (f.staleBefore ?? []).length === 0
            ? sql<SqlBool>`1 = 0`
            : eb.or((f.staleBefore ?? []).map((c) => eb.and([eb('parcels.community_id', '=', c.communityId), eb('parcels.received_at', '<', c.before)]))),
        ),
    )
    .$if(!!q, (qb) => qb.where(parcelSearch(isPostgres(db), q ?? '')));
}

/** The parcels of these ids that exist, with their community, newest first. */
export function parcelsByIds(db: Executor, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return parcels(db).select(parcelColumns).where('parcels.id', 'in', ids).orderBy('parcels.id', 'desc').execute();
}

/**
 * 快递记录: one page of the filtered list, newest first. The page's ids come first, from the
 * indexes alone (a deep page skips index entries, not rows), then their rows. A search counts
 * its matches up to SEARCH_COUNT_CAP only (`capped` beyond): a broad one ("1234") can match tens
 * of thousands, whose exact number costs more than the page and serves no one.
 */
export async function listParcels(db: Executor, scope: Scope, f: ParcelFilter, page: number, pageSize: number) {
  const { offset, limit } = pageWindow(page, pageSize);
  const pageIds = (order: 'parcels.id' | RawBuilder<number>) =>
    filtered(db, scope, f).select('parcels.id').orderBy(order, 'desc').limit(limit).offset(offset).execute();
  let hits: { id: number }[];
  let counted: number;
  if (f.q && isPostgres(db)) {
    // PostgreSQL guesses a trigram match's size poorly and may walk the primary key backwards
    // through every parcel to find 20 rare matches. The capped count tells: up to the cap, the
    // matches come from the trigram index and are sorted (`id + 0` hides the key's order);
    // beyond it they are dense, and walking the key finds a page at once.
    counted = await countParcels(db, scope, f, SEARCH_COUNT_CAP + 1);
    hits = counted === 0 ? [] : await pageIds(counted > SEARCH_COUNT_CAP ? 'parcels.id' : sql<number>`parcels.id + 0`);
  } else {
    [hits, counted] = await Promise.all([pageIds('parcels.id'), countParcels(db, scope, f, f.q ? SEARCH_COUNT_CAP + 1 : undefined)]);
  }
  const capped = !!f.q && counted > SEARCH_COUNT_CAP;
  return {
    items: await parcelsByIds(
      db,
      hits.map((h) => h.id),
    ),
    total: capped ? SEARCH_COUNT_CAP : counted,
    capped,
  };
}

/** The next `limit` parcels of the filtered list (newest first), without counting: export pages. */
export async function parcelsPage(db: Executor, scope: Scope, f: ParcelFilter, limit: number) {
  const hits = await filtered(db, scope, f).select('parcels.id').orderBy('parcels.id', 'desc').limit(limit).execute();
  return parcelsByIds(
    db,
    hits.map((h) => h.id),
  );
}

/** How many parcels the filtered list holds (at most `upTo`, when given). */
export async function countParcels(db: Executor, scope: Scope, f: ParcelFilter, upTo?: number): Promise<number> {
  const { status, communityId, ...rest } = f;
  if (Object.values(rest).every((v) => v === undefined || v === '')) {
    // A tab of a community or of all: the kept counters know.
    const r = await counters(db, scope, communityId)
      .$if(status !== undefined, (qb) => qb.where('status', '=', status ?? 'pending_receipt'))
      .select(sql<number>`coalesce(sum(n), 0)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  const r =
    upTo === undefined
      ? await filtered(db, scope, f)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      : await db
          .selectFrom(filtered(db, scope, f).select('parcels.id').limit(upTo).as('hits'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Parcels of one courier account or to one phone, newest first. */
export async function listOwnParcels(
  db: Executor,
  who: { courierAccountId: number } | { recipientPhone: string },
  status: ParcelStatus | undefined,
  page: number,
  pageSize: number,
) {
  const { offset, limit } = pageWindow(page, pageSize);
  const base = () =>
    parcels(db)
      .$if('courierAccountId' in who, (qb) => qb.where('parcels.courier_account_id', '=', 'courierAccountId' in who ? who.courierAccountId : 0))
      .$if('recipientPhone' in who, (qb) => qb.where('parcels.recipient_phone', '=', 'recipientPhone' in who ? who.recipientPhone : ''))
      .$if(status !== undefined, (qb) => qb.where('parcels.status', '=', status ?? 'pending_receipt'));
  const [items, total] = await Promise.all([
    base().select(parcelColumns).orderBy('parcels.id', 'desc').limit(limit).offset(offset).execute(),
    base()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** 家人代领: the parcels awaiting pickup addressed to these phones, in any org, newest first. */
export function awaitingFor(db: Executor, phones: string[]) {
  if (phones.length === 0) return Promise.resolve([]);
  return parcels(db)
    .select(parcelColumns)
    .where('parcels.recipient_phone', 'in', phones)
    .where('parcels.status', '=', stateLiteral('awaiting_pickup'))
    .orderBy('parcels.id', 'desc')
    .limit(200)
    .execute();
}

/** Parcels known to exist, in the order of `ids`. */
export async function getParcels(db: Executor, ids: number[]) {
  const rows = await parcels(db).select(parcelColumns).where('parcels.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r) throw new Error(`parcel ${id} not found`);
    return r;
  });
}

/** Several new parcels in one statement; their ids in the order of `rows`. */
export async function insertParcels(db: Executor, rows: NewParcel[]): Promise<number[]> {
  const ids = await uniquely(db.insertInto('parcels').values(rows).returning(['id', 'community_id', 'tracking_no']).execute(), TAKEN);
  // RETURNING promises no order: an open tracking number is unique in its community.
  const byKey = new Map(ids.map((r) => [`${r.community_id}:${r.tracking_no}`, r.id]));
  return rows.map((r) => byKey.get(`${r.community_id}:${r.tracking_no}`) ?? 0);
}

/** Moves a parcel only if it is still in `from` (and, when given, its waiver is as read): true when it moved. */
export async function updateParcelIf(db: Executor, id: number, from: ParcelStatus, set: ParcelUpdate, expectWaived?: Bool): Promise<boolean> {
  const r = await uniquely(
    db
      .updateTable('parcels')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', from)
      .$if(expectWaived !== undefined, (qb) => qb.where('fee_waived', '=', expectWaived ?? 0))
      .executeTakeFirst(),
    TAKEN,
  );
  return Number(r.numUpdatedRows) === 1;
}

/** Whether the parcel is in a 送货上门 request paid or out with its runner (then only the runner hands it over). */
export async function inPaidDelivery(db: Executor, orgId: number, parcelId: number): Promise<boolean> {
  const r = await db
    .selectFrom('delivery_parcels')
    .innerJoin('deliveries', (j) => j.onRef('deliveries.id', '=', 'delivery_parcels.delivery_id').onRef('deliveries.org_id', '=', 'delivery_parcels.org_id'))
    .select('deliveries.id')
    .where('delivery_parcels.org_id', '=', orgId)
    .where('delivery_parcels.parcel_id', '=', parcelId)
    .where('deliveries.status', 'in', ['paid', 'dispatched'])
    .executeTakeFirst();
  return r !== undefined;
}

/** Whether a pickup code is in use by a parcel awaiting pickup in the community. */
export async function pickupCodeInUse(db: Executor, communityId: number, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('parcels')
    .select('id')
    .where('community_id', '=', communityId)
    .where('pickup_code', '=', code)
    .where('status', '=', stateLiteral('awaiting_pickup'))
    .executeTakeFirst();
  return row !== undefined;
}

/** Events of different parcels and their audit lines, in one statement (on PostgreSQL); the events' ids in the order of `rows`. */
export async function insertEvents(db: Executor, rows: Insertable<ParcelEventTable>[], audit: Insertable<AuditLogTable>[] = []): Promise<number[]> {
  const ids = await insertAlongside(db, auditLinesInsert(db, audit), db.insertInto('parcel_events').values(rows).returning(['id', 'parcel_id']));
  const byParcel = new Map(ids.map((r) => [r.parcel_id, r.id]));
  return rows.map((r) => byParcel.get(r.parcel_id) ?? 0);
}

export function eventsOf(db: Executor, parcelId: number) {
  return db.selectFrom('parcel_events').selectAll().where('parcel_id', '=', parcelId).orderBy('id').execute();
}

/** Counts by state for the tabs (待接收, 待领取, 全部), from the kept counters. */
/** The communities in scope whose parcels turn stale, with their days. */
export function staleRules(db: Executor, scope: Scope) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('communities')
    .select(['id', 'return_after_days'])
    .where('org_id', '=', scope.orgId)
    .where('return_after_days', '>', 0)
    .$if(ids !== null, (qb) => qb.where('id', 'in', ids ?? []))
    .execute();
}

/**
 * Per community, the parcels awaiting pickup received at or after its cutoff: the few of the last
 * days (the partial index on awaiting parcels' received_at), so that 滞留 is the kept waiting count
 * minus these instead of a count of every old waiting parcel.
 */
export function awaitingSince(db: Executor, orgId: number, cutoffs: { communityId: number; before: string }[]) {
  if (cutoffs.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('parcels')
    .select(['community_id', sql<number>`count(*)`.as('n')])
    .where('org_id', '=', orgId)
    .where('status', '=', stateLiteral('awaiting_pickup'))
    .where((eb) => eb.or(cutoffs.map((c) => eb.and([eb('community_id', '=', c.communityId), eb('received_at', '>=', c.before)]))))
    .groupBy('community_id')
    .execute();
}

/** Parcels awaiting pickup now in these communities (the kept counters). */
export async function waitingIn(db: Executor, scope: Scope, communityIds: number[]): Promise<number> {
  if (communityIds.length === 0) return 0;
  const r = await counters(db, scope)
    .where('status', '=', 'awaiting_pickup')
    .where('community_id', 'in', communityIds)
    .select(sql<number>`coalesce(sum(n), 0)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function countByStatus(db: Executor, scope: Scope, communityId?: number) {
  return counters(db, scope, communityId)
    .select(['status', sql<number>`sum(n)`.as('n')])
    .groupBy('status')
    .execute();
}

function counters(db: Executor, scope: Scope, communityId?: number) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('parcel_counts')
    .where('org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('community_id', 'in', ids ?? []))
    .$if(communityId !== undefined, (qb) => qb.where('community_id', '=', communityId ?? 0));
}

// Idempotency of courier entry
/** Drops the stored answers of courier entries made before a time (housekeeping). */
export function deleteIdempotentBefore(db: Executor, before: string) {
  return db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
}

/** The answer stored under a courier's key (reads of one turn batched: loadOne). */
export function findIdempotent(db: Executor, courierAccountId: number, key: string) {
  return loadOne(db, 'findIdempotent', keyOf(courierAccountId, key), async (keys) => {
    const [firsts, seconds] = keyParts(keys);
    const rows = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('courier_account_id', 'in', firsts.map(Number))
      .where('key', 'in', seconds)
      .execute();
    return new Map(rows.map((r) => [keyOf(r.courier_account_id, r.key), r]));
  });
}

export function insertIdempotent(db: Executor, rows: IdempotentRow | IdempotentRow[]) {
  return uniquely(db.insertInto('idempotency_keys').values(rows).execute(), { entry_key: 'idempotency_keys' });
}

type IdempotentRow = { courier_account_id: number; key: string; request_hash: string; status_code: number; response: string; created_at: string };
