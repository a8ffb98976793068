import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DB } from './types.js';
import * as init from './migrations/2026112901_init.js';
import * as notifications from './migrations/2026112902_notifications.js';
import * as search from './migrations/2026112903_search.js';
import * as listIndexes from './migrations/2026112904_list_indexes.js';
import * as parcelCounts from './migrations/2026112905_parcel_counts.js';
import * as staffSecurity from './migrations/2026120601_staff_security.js';
import * as station from './migrations/2026120602_station.js';
import * as keyPruning from './migrations/2026120603_key_pruning.js';
import * as openApi from './migrations/2026120701_open_api.js';
import * as exceptions from './migrations/2026120702_exceptions.js';
import * as household from './migrations/2026120703_household.js';
import * as proofs from './migrations/2026120704_proofs.js';
import * as audit from './migrations/2026120705_audit.js';
import * as stats from './migrations/2026120801_stats.js';
import * as payments from './migrations/2026120901_payments.js';
import * as preferences from './migrations/2026121001_preferences.js';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '2026112901_init': init,
  '2026112902_notifications': notifications,
  '2026112903_search': search,
  '2026112904_list_indexes': listIndexes,
  '2026112905_parcel_counts': parcelCounts,
  '2026120601_staff_security': staffSecurity,
  '2026120602_station': station,
  '2026120603_key_pruning': keyPruning,
  '2026120701_open_api': openApi,
  '2026120702_exceptions': exceptions,
  '2026120703_household': household,
  '2026120704_proofs': proofs,
  '2026120705_audit': audit,
  '2026120801_stats': stats,
  '2026120901_payments': payments,
  '2026121001_preferences': preferences,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The migrations this code knows that the database has not run (empty once it is up to date). */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const all = await new Migrator({ db, provider }).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
