import type { Kysely } from 'kysely';
import { dropAppendOnly, makeAppendOnly, tableWithId } from './shared.js';

/**
 * The audit trail (SPEC §15): who did what to which record, what changed (phones masked,
 * passwords and codes never), from where and when; written in the transaction of the write it
 * records. Append-only: no route changes or deletes a row, and the database refuses it too (a
 * trigger on each engine), so neither a bug nor a stray statement can rewrite the past. No foreign
 * keys: a row outlives what it names (a courier removed, a key revoked).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await tableWithId(db, 'audit_log')
    // Null for what belongs to no one org (a sign-in of a phone, a failed sign-in of nobody).
    .addColumn('org_id', 'integer')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('changes', 'text')
    .addColumn('ip', 'text')
    .execute();
  // The console's page reads an org's newest first; a record's history by its entity and id. The
  // other filters (actor kind, action, time) narrow those two orders; each index is a cost to every write.
  await db.schema.createIndex('audit_log_org_idx').on('audit_log').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['org_id', 'entity', 'entity_id', 'id']).execute();
  await makeAppendOnly(db, 'audit_log');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropAppendOnly(db, 'audit_log');
}
