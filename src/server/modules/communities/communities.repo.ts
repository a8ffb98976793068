import type { Executor } from '../../db/index.js';
import { uniquely } from '../../db/dialect.js';
import { scopeIds, type Scope } from '../../actors.js';

export function listCommunities(db: Executor, scope: Scope) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('communities')
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .$if(ids !== null, (qb) => qb.where('id', 'in', ids ?? []))
    .orderBy('id')
    .execute();
}

export function findCommunity(db: Executor, scope: Scope, id: number) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('communities')
    .selectAll()
    .where('org_id', '=', scope.orgId)
    .where('id', '=', id)
    .$if(ids !== null, (qb) => qb.where('id', 'in', ids ?? []))
    .executeTakeFirst();
}

export function countCommunitiesInOrg(db: Executor, orgId: number, ids: number[]) {
  return db
    .selectFrom('communities')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow();
}

/** What a write here may find taken: a community's name in its org. */
const TAKEN = { community_name: 'name' };

export function insertCommunity(db: Executor, row: { org_id: number; name: string; collection_point_name: string; fee_rate_fen: number; created_at: string }) {
  return uniquely(db.insertInto('communities').values(row).returningAll().executeTakeFirstOrThrow(), TAKEN);
}

export function updateCommunity(
  db: Executor,
  id: number,
  set: { collection_point_name?: string; fee_rate_fen?: number; reminders_enabled?: 0 | 1; return_after_days?: number; proof_required?: 0 | 1 },
) {
  return db.updateTable('communities').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** A resident's communities (residents belong to no org): those with a parcel for the phone, or a home of it on record. */
export function communitiesOfResident(db: Executor, phone: string) {
  return db
    .selectFrom('communities')
    .select(['id', 'org_id', 'name', 'collection_point_name', 'door_delivery_fen', 'door_delivery_hours'])
    .where((eb) =>
      eb.or([
        eb('id', 'in', eb.selectFrom('parcels').select('community_id').where('recipient_phone', '=', phone)),
        eb('id', 'in', eb.selectFrom('residents').select('community_id').where('phone', '=', phone)),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** The names of these communities, of these orgs (the lists of requests and orders name theirs). */
export function communityNames(db: Executor, orgIds: number[], ids: number[]) {
  return db.selectFrom('communities').select(['id', 'name']).where('org_id', 'in', orgIds).where('id', 'in', ids).execute();
}
