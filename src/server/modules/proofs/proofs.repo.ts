import type { Insertable } from 'kysely';
import type { Executor } from '../../db/index.js';
import type { ParcelProofTable } from '../../db/types.js';

export function insertProof(db: Executor, row: Insertable<ParcelProofTable>) {
  return db.insertInto('parcel_proofs').values(row).returning(['id', 'kind', 'mime', 'size', 'width', 'height', 'created_at']).executeTakeFirstOrThrow();
}

export function markHasProof(db: Executor, orgId: number, parcelId: number) {
  return db.updateTable('parcels').set({ has_proof: 1 }).where('org_id', '=', orgId).where('id', '=', parcelId).execute();
}

/** The parcel's latest proof, with its bytes. */
export function latestProof(db: Executor, orgId: number, parcelId: number) {
  return db
    .selectFrom('parcel_proofs')
    .select(['mime', 'data', 'kind'])
    .where('org_id', '=', orgId)
    .where('parcel_id', '=', parcelId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
