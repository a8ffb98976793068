import type { Executor } from '../../db/index.js';
import { uniquely } from '../../db/dialect.js';

// The desk's own rows: what each desk intake answered, by the staff member's Idempotency-Key.

export function findDeskIdempotent(db: Executor, staffId: number, key: string) {
  return db.selectFrom('desk_idempotency_keys').selectAll().where('staff_id', '=', staffId).where('key', '=', key).executeTakeFirst();
}

export function insertDeskIdempotent(
  db: Executor,
  row: { staff_id: number; key: string; request_hash: string; status_code: number; response: string; created_at: string },
) {
  return uniquely(db.insertInto('desk_idempotency_keys').values(row).execute(), { desk_key: 'desk_idempotency_keys' });
}

/** Drops the stored answers of desk intakes made before a time (housekeeping). */
export function deleteDeskIdempotentBefore(db: Executor, before: string) {
  return db.deleteFrom('desk_idempotency_keys').where('created_at', '<', before).executeTakeFirst();
}
