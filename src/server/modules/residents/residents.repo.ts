import type { Insertable } from 'kysely';
import { keyOf, keyParts, loadOne } from '../../db/batch.js';
import type { Executor } from '../../db/index.js';
import type { ResidentTable } from '../../db/types.js';

/** A resident's row as written: the table's own columns, id and defaults left to the database. */
type NewResident = Insertable<ResidentTable>;
import { containsText, isPostgres, uniquely } from '../../db/dialect.js';

/** What a write here may find taken: a phone at one home of a community. */
const TAKEN = { resident_home: 'residents' };
import { pageWindow } from '../../db/paging.js';
import { scopeIds, type Scope } from '../../actors.js';

export interface ResidentFilter {
  q?: string;
  communityId?: number;
  building?: string;
}

const columns = [
  'residents.id',
  'residents.community_id',
  'communities.name as community_name',
  'residents.name',
  'residents.phone',
  'residents.building',
  'residents.unit',
  'residents.room',
] as const;

function filtered(db: Executor, scope: Scope, f: ResidentFilter) {
  const ids = scopeIds(scope);
  const pg = isPostgres(db);
  return db
    .selectFrom('residents')
    .innerJoin('communities', 'communities.id', 'residents.community_id')
    .where('residents.org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('residents.community_id', 'in', ids ?? []))
    .$if(f.communityId !== undefined, (qb) => qb.where('residents.community_id', '=', f.communityId ?? 0))
    .$if(!!f.building, (qb) => qb.where('residents.building', '=', f.building ?? ''))
    .$if(!!f.q, (qb) =>
      qb.where((eb) => eb.or([containsText(pg, eb.ref('residents.phone'), f.q ?? ''), containsText(pg, eb.ref('residents.name'), f.q ?? '')])),
    );
}

/** 住户管理: one page of the filtered list. */
export async function listResidents(db: Executor, scope: Scope, f: ResidentFilter, page: number, pageSize: number) {
  const { offset, limit } = pageWindow(page, pageSize);
  const [items, total] = await Promise.all([
    filtered(db, scope, f)
      .select(columns)
      .orderBy('residents.community_id')
      .orderBy('residents.building')
      .orderBy('residents.unit')
      .orderBy('residents.room')
      .orderBy('residents.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    filtered(db, scope, f)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export function findResident(db: Executor, scope: Scope, id: number) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('residents')
    .innerJoin('communities', 'communities.id', 'residents.community_id')
    .select(columns)
    .where('residents.org_id', '=', scope.orgId)
    .where('residents.id', '=', id)
    .$if(ids !== null, (qb) => qb.where('residents.community_id', 'in', ids ?? []))
    .executeTakeFirst();
}

export function insertResident(db: Executor, row: NewResident) {
  return uniquely(db.insertInto('residents').values(row).returning('id').executeTakeFirstOrThrow(), TAKEN);
}

export function updateResident(
  db: Executor,
  id: number,
  set: { community_id?: number; name?: string; phone?: string; building?: string; unit?: string; room?: string; updated_at: string },
) {
  return uniquely(db.updateTable('residents').set(set).where('id', '=', id).execute(), TAKEN);
}

export function deleteResident(db: Executor, id: number) {
  return db.deleteFrom('residents').where('id', '=', id).execute();
}

/** The resident of a community with this phone (the first recorded, when a phone has several homes). */
export function residentByPhone(db: Executor, communityId: number, phone: string) {
  return loadOne(db, 'residentByPhone', keyOf(phone, communityId), async (keys) => {
    const [firsts, seconds] = keyParts(keys);
    const rows = await db
      .selectFrom('residents')
      .select(['id', 'name', 'building', 'unit', 'room', 'phone', 'community_id'])
      .where('phone', 'in', firsts)
      .where('community_id', 'in', seconds.map(Number))
      .orderBy('id', 'desc')
      .execute();
    // Ordered newest first, so that each key keeps its first recorded resident.
    return new Map(rows.map((r) => [keyOf(r.phone, r.community_id), r]));
  });
}

/** A few residents of a community whose phone ends with these digits (a privacy waybill's tail), first recorded first. */
export function residentsByPhoneTail(db: Executor, communityId: number, tail: string) {
  return db
    .selectFrom('residents')
    .select(['id', 'name', 'phone', 'building', 'unit', 'room'])
    .where('community_id', '=', communityId)
    .where('phone', 'like', `%${tail}`)
    .orderBy('id')
    .limit(20)
    .execute();
}

/** Existing residents of these communities with these phones (the import's overwrite rule). */
export function residentsByPhones(db: Executor, communityIds: number[], phones: string[]) {
  if (communityIds.length === 0 || phones.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('residents')
    .select(['id', 'community_id', 'phone', 'name', 'building', 'unit', 'room'])
    .where('community_id', 'in', communityIds)
    .where('phone', 'in', phones)
    .execute();
}

export function insertResidents(db: Executor, rows: NewResident[]) {
  return uniquely(db.insertInto('residents').values(rows).execute(), TAKEN);
}
