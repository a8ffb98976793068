import { sql, type Insertable } from 'kysely';
import { scopeIds, type Scope } from '../../actors.js';
import type { Executor } from '../../db/index.js';
import type { PreferenceChangeTable, PreferenceMode, PreferenceTable } from '../../db/types.js';

export function preferencesOfPhone(db: Executor, phone: string) {
  return db.selectFrom('preferences').selectAll().where('phone', '=', phone).execute();
}

export function findPreference(db: Executor, orgId: number, communityId: number, phone: string) {
  return db
    .selectFrom('preferences')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('community_id', '=', communityId)
    .where('phone', '=', phone)
    .executeTakeFirst();
}

/** The preferences of these (community, phone) pairs of an org. */
export function preferencesOf(db: Executor, orgId: number, pairs: { communityId: number; phone: string }[]) {
  if (pairs.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('preferences')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => eb.or(pairs.map((p) => eb.and([eb('community_id', '=', p.communityId), eb('phone', '=', p.phone)]))))
    .execute();
}

export function preferencesByHash(db: Executor, orgId: number, hash: string, communityId?: number) {
  return db
    .selectFrom('preferences')
    .select(['community_id', 'mode', 'carriers', 'carrier_consent', 'consent_at'])
    .where('org_id', '=', orgId)
    .where('phone_hash', '=', hash)
    .$if(communityId !== undefined, (q) => q.where('community_id', '=', communityId ?? 0))
    .orderBy('community_id')
    .execute();
}

export type PreferenceWrite = Omit<Insertable<PreferenceTable>, 'id'>;

/** Writes the preference (one per org, community and phone). */
export function upsertPreference(db: Executor, row: PreferenceWrite) {
  return db
    .insertInto('preferences')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['org_id', 'community_id', 'phone']).doUpdateSet({
        mode: row.mode,
        carriers: row.carriers,
        carrier_consent: row.carrier_consent,
        consent_at: row.consent_at,
        updated_at: row.updated_at,
        phone_hash: row.phone_hash,
      }),
    )
    .execute();
}

export function insertChange(db: Executor, row: Omit<Insertable<PreferenceChangeTable>, 'id'>) {
  return db.insertInto('preference_changes').values(row).execute();
}

function changesOfPhone(db: Executor, orgId: number, communityId: number, phone: string) {
  return db
    .selectFrom('preference_changes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('community_id', '=', communityId)
    .where('phone', '=', phone)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc');
}

/** A phone's changes in a community, newest first. */
export function changesOf(db: Executor, orgId: number, communityId: number, phone: string) {
  return changesOfPhone(db, orgId, communityId, phone).execute();
}

/** The change standing at a moment: the last one made at or before it. */
export function changeAt(db: Executor, orgId: number, communityId: number, phone: string, at: string) {
  return changesOfPhone(db, orgId, communityId, phone).where('at', '<=', at).limit(1).executeTakeFirst();
}

/** The change of its recipient standing at a parcel's reception (a correlated subquery per row). */
const standing = <T extends string>(column: 'mode' | 'carriers' | 'carrier_consent' | 'consent_at' | 'at') =>
  sql<T | null>`(SELECT c.${sql.ref(column)} FROM preference_changes c WHERE c.org_id = parcels.org_id AND c.community_id = parcels.community_id
    AND c.phone = parcels.recipient_phone AND c.at <= parcels.received_at ORDER BY c.at DESC, c.id DESC LIMIT 1)`;

/** 代收同意记录: one page (by id, newest first) of the parcels held (received) in a range, with the consent standing then. */
export function heldWithConsent(db: Executor, scope: Scope, f: { from: string; to: string; communityId?: number; beforeId?: number }, limit: number) {
  const ids = scopeIds(scope);
  return db
    .selectFrom('parcels')
    .innerJoin('communities', 'communities.id', 'parcels.community_id')
    .select([
      'parcels.id',
      'communities.name as community_name',
      'parcels.tracking_no',
      'parcels.carrier',
      'parcels.recipient_name',
      'parcels.recipient_phone',
      'parcels.received_at',
      'parcels.status',
      standing<PreferenceMode>('mode').as('consent_mode'),
      standing('carriers').as('consent_carriers'),
      standing('carrier_consent').as('consent_carrier_consent'),
      standing('consent_at').as('consent_at'),
      standing('at').as('consent_changed_at'),
    ])
    .where('parcels.org_id', '=', scope.orgId)
    .where('parcels.received_at', '>=', f.from)
    .where('parcels.received_at', '<', f.to)
    .$if(ids !== null, (q) => q.where('parcels.community_id', 'in', ids ?? []))
    .$if(f.communityId !== undefined, (q) => q.where('parcels.community_id', '=', f.communityId ?? 0))
    .$if(f.beforeId !== undefined, (q) => q.where('parcels.id', '<', f.beforeId ?? 0))
    .orderBy('parcels.id', 'desc')
    .limit(limit)
    .execute();
}
