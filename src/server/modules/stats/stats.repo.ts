import { sql, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db/types.js';
import { scopeIds, type Scope } from '../../actors.js';
import type { Executor } from '../../db/index.js';

/** Which rollup rows a call reads: the staff member's org and communities (or one of them), the days. */
export interface StatsRange {
  scope: Scope;
  communityId?: number;
  from: string;
  to: string;
}

type Rollup = 'parcel_daily' | 'parcel_dwell' | 'message_daily';

function ofRange<T extends Rollup>(db: Executor, table: T, r: StatsRange) {
  const ids = scopeIds(r.scope);
  const qb: SelectQueryBuilder<DB, Rollup, object> = db.selectFrom(table);
  return qb
    .where('org_id', '=', r.scope.orgId)
    .where('day', '>=', r.from)
    .where('day', '<=', r.to)
    .$if(ids !== null, (q) => q.where('community_id', 'in', ids ?? []))
    .$if(r.communityId !== undefined, (q) => q.where('community_id', '=', r.communityId ?? 0));
}

const sums = {
  received: sql<number>`coalesce(sum(received), 0)`.as('received'),
  picked_up: sql<number>`coalesce(sum(picked_up), 0)`.as('picked_up'),
  rejected: sql<number>`coalesce(sum(rejected), 0)`.as('rejected'),
  returned: sql<number>`coalesce(sum(returned), 0)`.as('returned'),
  fee_fen: sql<number>`coalesce(sum(fee_fen), 0)`.as('fee_fen'),
  waived: sql<number>`coalesce(sum(waived), 0)`.as('waived'),
};

/** The range's totals. */
export function totals(db: Executor, r: StatsRange) {
  return ofRange(db, 'parcel_daily', r).select(Object.values(sums)).executeTakeFirstOrThrow();
}

/** The range's totals by day (days without a parcel absent). */
export function byDay(db: Executor, r: StatsRange) {
  return ofRange(db, 'parcel_daily', r)
    .select(['day', ...Object.values(sums)])
    .groupBy('day')
    .orderBy('day')
    .execute();
}

/** By courier record (0: none) and carrier. */
export function byCourier(db: Executor, r: StatsRange) {
  return ofRange(db, 'parcel_daily', r)
    .select(['courier_id', 'carrier', sums.received, sums.rejected, sums.returned])
    .groupBy(['courier_id', 'carrier'])
    .execute();
}

export function byCarrier(db: Executor, r: StatsRange) {
  return ofRange(db, 'parcel_daily', r).select(['carrier', sums.received, sums.picked_up, sums.rejected, sums.returned]).groupBy('carrier').execute();
}

export function byCommunity(db: Executor, r: StatsRange) {
  return ofRange(db, 'parcel_daily', r).select(['community_id', sums.received, sums.picked_up, sums.fee_fen]).groupBy('community_id').execute();
}

/** How many parcels picked up in the range waited each bucket of hours (the whole org's from its own rows, community 0). */
export function dwell(db: Executor, r: StatsRange) {
  const wholeOrg = scopeIds(r.scope) === null && r.communityId === undefined;
  return ofRange(db, 'parcel_dwell', r)
    .where('community_id', wholeOrg ? '=' : '<>', 0)
    .select(['hours', sql<number>`sum(n)`.as('n')])
    .groupBy('hours')
    .orderBy('hours')
    .execute() as Promise<{ hours: number; n: number }[]>;
}

/** Messages sent in the range, by day and channel. */
export function messages(db: Executor, r: StatsRange) {
  return ofRange(db, 'message_daily', r)
    .select(['day', 'channel', sql<number>`sum(sent)`.as('sent')])
    .groupBy(['day', 'channel'])
    .execute() as Promise<{ day: string; channel: string; sent: number }[]>;
}

/** Names of courier records and communities of the org (for the tables). */
export function courierNames(db: Executor, orgId: number, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('couriers').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
}

export function communityNames(db: Executor, orgId: number, ids: number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('communities').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
}

/** Parcels awaiting pickup now, per community (the kept counts). */
export function waitingByCommunity(db: Executor, r: StatsRange) {
  const ids = scopeIds(r.scope);
  return db
    .selectFrom('parcel_counts')
    .select(['community_id', sql<number>`sum(n)`.as('n')])
    .where('org_id', '=', r.scope.orgId)
    .where('status', '=', 'awaiting_pickup')
    .$if(ids !== null, (q) => q.where('community_id', 'in', ids ?? []))
    .$if(r.communityId !== undefined, (q) => q.where('community_id', '=', r.communityId ?? 0))
    .groupBy('community_id')
    .execute();
}
