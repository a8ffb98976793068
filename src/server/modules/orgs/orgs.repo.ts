import type { Executor } from '../../db/index.js';

export function findOrg(db: Executor, id: number) {
  return db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertOrg(db: Executor, row: { name: string; created_at: string }) {
  return db
    .insertInto('orgs')
    .values({ ...row, app_enabled: 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function setAppEnabled(db: Executor, id: number, enabled: boolean) {
  return db
    .updateTable('orgs')
    .set({ app_enabled: enabled ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

/** Gives the org its phone salt unless it has one (the first caller's stays). */
export function setPhoneSaltIfNone(db: Executor, id: number, salt: string) {
  return db.updateTable('orgs').set({ phone_salt: salt }).where('id', '=', id).where('phone_salt', 'is', null).execute();
}
