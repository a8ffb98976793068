import DataLoader from 'dataloader';
import { isPostgres } from './dialect.js';
import type { Executor } from './index.js';

const loaders = new WeakMap<object, Map<string, DataLoader<unknown, unknown>>>();

/**
 * Reads one row by its key, sent together with the same read of the other requests of this turn
 * of the event loop: on PostgreSQL every statement is a round trip (a `writev` and a reply, the
 * largest part of a busy server's time), so ten requests arriving together read their sessions
 * with one `IN (…)` query instead of ten. `fetch` reads the rows of many keys and answers them by
 * key. The batch waits for the I/O phase to end (`setImmediate`), so it adds no wait to a lone
 * request. Inside a unit of work, and on SQLite (in-process, no round trip to save), `fetch`
 * runs for the one key at once.
 */
export async function loadOne<V>(db: Executor, name: string, key: string, fetch: (keys: readonly string[]) => Promise<Map<string, V>>): Promise<V | undefined> {
  if (!batches(db)) return (await fetch([key])).get(key);
  return inBatch<string, V | undefined>(db, name, key, async (keys) => {
    const rows = await fetch(keys);
    return keys.map((k) => rows.get(k));
  });
}

/** Whether `loadOne` and `inBatch` send the work of one turn together: on PostgreSQL, outside a unit of work. */
export function batches(db: Executor): boolean {
  return !db.isTransaction && isPostgres(db);
}

/**
 * Runs `item` together with the other items given under `name` in this turn of the event loop:
 * `run` takes them all and answers, in their order, each one's result or its Error. The caller
 * checks `batches(db)` first; `run` must depend on the items alone (the first caller's is kept).
 */
export function inBatch<I, O>(db: Executor, name: string, item: I, run: (items: readonly I[]) => Promise<(O | Error)[]>): Promise<O> {
  let byName = loaders.get(db);
  if (!byName) loaders.set(db, (byName = new Map()));
  let loader = byName.get(name) as DataLoader<I, O> | undefined;
  if (!loader) {
    loader = new DataLoader<I, O>(run, { cache: false, maxBatchSize: 200, batchScheduleFn: (go) => setImmediate(go) });
    byName.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader.load(item);
}

/** A key of several parts, for `loadOne`. */
export function keyOf(...parts: (string | number)[]): string {
  return parts.join('\u0000');
}

/** The distinct first and second parts of two-part keys: what a batched read asks for with two `IN` lists. */
export function keyParts(keys: readonly string[]): [string[], string[]] {
  const pairs = keys.map((k) => k.split('\u0000'));
  return [[...new Set(pairs.map(([a]) => a ?? ''))], [...new Set(pairs.map(([, b]) => b ?? ''))]];
}
