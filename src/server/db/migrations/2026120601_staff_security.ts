import { sql, type Kysely } from 'kysely';

/**
 * Staff sign-in hardening: usernames are unique whatever their letter case (`Admin` and `admin`
 * are one account; the sign-in names no org, so they are unique across orgs too), and a staff
 * member may have to change a password someone else chose before doing anything else.
 * Fails, naming the index, when two usernames differ only by case: rename one first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('staff')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('staff_username_ci_uq')
    .on('staff')
    .unique()
    .expression(sql`lower(username)`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('staff_username_ci_uq').execute();
  await db.schema.alterTable('staff').dropColumn('must_change_password').execute();
}
