import { keyOf, keyParts, loadOne } from '../../db/batch.js';
import type { Executor } from '../../db/index.js';
import { containsText, isPostgres, uniquely } from '../../db/dialect.js';
import { pageWindow } from '../../db/paging.js';
import { scopeIds, type Scope } from '../../actors.js';

export interface CourierFilter {
  q?: string;
  communityId?: number;
  carrier?: string;
}

/** What a write here may find taken: one courier per phone in a community. */
const TAKEN = { courier_phone: 'phone' };

const columns = ['couriers.id', 'couriers.community_id', 'communities.name as community_name', 'couriers.name', 'couriers.phone', 'couriers.carrier'] as const;

function filtered(db: Executor, scope: Scope, f: CourierFilter) {
  const ids = scopeIds(scope);
  const pg = isPostgres(db);
  return db
    .selectFrom('couriers')
    .innerJoin('communities', 'communities.id', 'couriers.community_id')
    .where('couriers.org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('couriers.community_id', 'in', ids ?? []))
    .$if(f.communityId !== undefined, (qb) => qb.where('couriers.community_id', '=', f.communityId ?? 0))
    .$if(f.carrier !== undefined, (qb) => qb.where('couriers.carrier', '=', f.carrier ?? ''))
    .$if(!!f.q, (qb) => qb.where((eb) => eb.or([containsText(pg, eb.ref('couriers.phone'), f.q ?? ''), containsText(pg, eb.ref('couriers.name'), f.q ?? '')])));
}

/** 快递员管理: one page of the filtered list, newest last as entered. */
export async function listCouriers(db: Executor, scope: Scope, f: CourierFilter, page: number, pageSize: number) {
  const { offset, limit } = pageWindow(page, pageSize);
  const [items, total] = await Promise.all([
    filtered(db, scope, f).select(columns).orderBy('couriers.community_id').orderBy('couriers.id').limit(limit).offset(offset).execute(),
    filtered(db, scope, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export function findCourier(db: Executor, scope: Scope, id: number) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('couriers')
    .innerJoin('communities', 'communities.id', 'couriers.community_id')
    .select(columns)
    .where('couriers.org_id', '=', scope.orgId)
    .where('couriers.id', '=', id)
    .$if(ids !== null, (qb) => qb.where('couriers.community_id', 'in', ids ?? []))
    .executeTakeFirst();
}

export function insertCourier(
  db: Executor,
  row: { org_id: number; community_id: number; name: string; phone: string; carrier: string; created_at: string; updated_at: string },
) {
  return uniquely(db.insertInto('couriers').values(row).returning('id').executeTakeFirstOrThrow(), TAKEN);
}

export function updateCourier(db: Executor, id: number, set: { community_id?: number; name?: string; phone?: string; carrier?: string; updated_at: string }) {
  return uniquely(db.updateTable('couriers').set(set).where('id', '=', id).execute(), TAKEN);
}

export function deleteCourier(db: Executor, id: number) {
  return db.deleteFrom('couriers').where('id', '=', id).execute();
}

/** Every community a courier's phone is recorded for, with the carrier there. */
export function communitiesOfCourierPhone(db: Executor, phone: string) {
  return db
    .selectFrom('couriers')
    .innerJoin('communities', 'communities.id', 'couriers.community_id')
    .select(['couriers.community_id', 'communities.name as community_name', 'couriers.carrier'])
    .where('couriers.phone', '=', phone)
    .orderBy('couriers.id')
    .execute();
}

/** The courier record of a phone in a community, with the community and its org's app switch (reads of one turn batched: loadOne). */
export function courierRecordIn(db: Executor, phone: string, communityId: number) {
  return loadOne(db, 'courierRecordIn', keyOf(phone, communityId), async (keys) => {
    const [firsts, seconds] = keyParts(keys);
    const rows = await db
      .selectFrom('couriers')
      .innerJoin('communities', 'communities.id', 'couriers.community_id')
      .innerJoin('orgs', 'orgs.id', 'couriers.org_id')
      .select([
        'couriers.id',
        'couriers.org_id',
        'couriers.name',
        'couriers.phone',
        'couriers.carrier',
        'communities.id as community_id',
        'communities.name as community_name',
        'orgs.app_enabled',
      ])
      .where('couriers.phone', 'in', firsts)
      .where('couriers.community_id', 'in', seconds.map(Number))
      .execute();
    return new Map(rows.map((r) => [keyOf(r.phone, r.community_id), r]));
  });
}

/** Existing couriers of these communities with these phones (the import's overwrite rule). */
export function couriersByKeys(db: Executor, communityIds: number[], phones: string[]) {
  if (communityIds.length === 0 || phones.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('couriers')
    .select(['id', 'community_id', 'phone', 'name', 'carrier'])
    .where('community_id', 'in', communityIds)
    .where('phone', 'in', phones)
    .execute();
}

export function insertCouriers(
  db: Executor,
  rows: { org_id: number; community_id: number; name: string; phone: string; carrier: string; created_at: string; updated_at: string }[],
) {
  return uniquely(db.insertInto('couriers').values(rows).execute(), TAKEN);
}
