import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dialect, Driver, Kysely } from 'kysely';

/**
 * Inside a unit of work every query goes through the unit's transaction. A query on the outer
 * database from inside one would, on SQLite, wait for the one connection the unit itself holds:
 * the unit never ends and every other query of the process queues behind it; on PostgreSQL it
 * would run outside the transaction, unseen by its rollback. So a guarded database refuses it:
 * its driver hands out no connection while the caller's async context is inside a unit.
 *
 * The mark costs: AsyncLocalStorage tracks every promise once in use, and that took about 15 % of
 * a busy server's intake throughput (bench/RESULTS.md). So databases are guarded in development
 * and in the tests (`UNIT_GUARD=auto`, the default), where every path of the suite runs under the
 * guard, and not in production, where no unit is marked and nothing is tracked.
 */
const units = new AsyncLocalStorage<true>();
let guarding = false;

/** Runs `fn` as the body of a unit of work (its queries go through its transaction only). */
export function insideUnit<T>(fn: () => Promise<T>): Promise<T> {
  return guarding ? units.run(true, fn) : fn();
}

/** What the outer database throws when a unit of work reaches for it. */
export class OuterDatabaseInUnit extends Error {
  override readonly name = 'OuterDatabaseInUnit';
  constructor() {
    super('the outer database was used inside a unit of work: use the unit’s own ctx.db');
  }
}

/** A dialect whose driver refuses a connection to a caller inside a unit of work. */
export function guardedDialect(dialect: Dialect): Dialect {
  guarding = true;
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => dialect.createIntrospector(db),
    createDriver: () => guardedDriver(dialect.createDriver()),
  };
}

function guardedDriver(driver: Driver): Driver {
  const acquire = driver.acquireConnection.bind(driver);
  driver.acquireConnection = () => (units.getStore() ? Promise.reject(new OuterDatabaseInUnit()) : acquire());
  return driver;
}
