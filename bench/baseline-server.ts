/**
 * The bare minimum this machine can do with the app's stack: Fastify 5 plus one table in SQLite
 * (better-sqlite3, WAL, synchronous=FULL — the durability src/server/db/index.ts gives the app) or
 * PostgreSQL (a pg Pool of 10, the app's default). The app's figures are compared against it.
 *
 *   tsx bench/baseline-server.ts --port N [--file /tmp/x.sqlite | --db postgres://…] [--rows N] [--phones N] [--fresh]
 *
 * Prints `listening <url>` when ready; stops on SIGTERM/SIGINT.
 * Routes: POST /insert {key, phone, body} → 201 {id}; GET /select?phone= → {items} (LIMIT 20, by the phone index).
 * --rows N pre-fills the table (only when it holds fewer than N rows) with rows whose phone is
 * baselinePhone(i % phones), so a load run can pick phones that exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

/** The phone number of pre-filled row i (i counted modulo --phones): 11 digits, like a mainland mobile. */
export function baselinePhone(i: number): string {
  return `13${String(i).padStart(9, '0')}`;
}

/** The key of pre-filled row i; load runs use fresh UUIDs, which never collide with these. */
export function baselineKey(i: number): string {
  return `fill-${String(i).padStart(9, '0')}`;
}

/** The default number of distinct phones for a fill of `rows` rows: about 20 parcels a phone, so LIMIT 20 is usually full. */
export function defaultPhones(rows: number): number {
  return Math.max(1, Math.floor(rows / 20));
}

/** What one row looks like on the wire. */
export interface Item {
  id: number;
  key: string;
  phone: string;
  body: string;
}

/** The two operations the routes need, on either database. */
interface Store {
  insert(key: string, phone: string, body: string): Promise<number>;
  select(phone: string): Promise<Item[]>;
  count(): Promise<number>;
  fill(from: number, to: number, phones: number): Promise<void>;
  close(): Promise<void>;
}

// A body of a realistic size for a parcel row (address, names, notes): ~100 bytes.
const FILL_BODY = '收件人：张三 地址：幸福小区 3 栋 2 单元 501 备注：放门口，勿敲门 快递公司：中通';

function sqliteStore(file: string, fresh: boolean): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // The same pragmas as the app's openDatabase: a 2xx means the row is on disk.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  if (fresh) db.exec('DROP TABLE IF EXISTS items');
  db.exec(`CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, phone TEXT NOT NULL, body TEXT NOT NULL)`);
  db.exec('CREATE INDEX IF NOT EXISTS items_phone ON items (phone)');
  const insert = db.prepare<[string, string, string], { id: number }>('INSERT INTO items (key, phone, body) VALUES (?, ?, ?) RETURNING id');
  const select = db.prepare<[string], Item>('SELECT id, key, phone, body FROM items WHERE phone = ? LIMIT 20');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM items');
  return {
    insert: async (key, phone, body) => {
      const row = insert.get(key, phone, body);
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return row.id;
    },
    select: async (phone) => select.all(phone),
    count: async () => count.get()?.n ?? 0,
    fill: async (from, to, phones) => {
      // The phone index is dropped for the bulk load and rebuilt once: building it sorted at the
      // end is several times faster than maintaining it for a million random inserts.
      db.exec('DROP INDEX IF EXISTS items_phone');
      const ins = db.prepare<[string, string, string]>('INSERT INTO items (key, phone, body) VALUES (?, ?, ?)');
      const batch = db.transaction((a: number, b: number) => {
        for (let i = a; i < b; i++) ins.run(baselineKey(i), baselinePhone(i % phones), FILL_BODY);
      });
      // Batches of 100k keep each transaction's WAL growth bounded.
      for (let a = from; a < to; a += 100_000) batch(a, Math.min(to, a + 100_000));
      db.exec('CREATE INDEX IF NOT EXISTS items_phone ON items (phone)');
      db.exec('ANALYZE');
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    close: async () => {
      db.close();
    },
  };
}

function postgresStore(url: string, fresh: boolean): { store: Store; ready: Promise<void> } {
  // int8 (bigserial ids) as numbers, as the app does: ids stay far below 2^53.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const ready = (async () => {
    if (fresh) await pool.query('DROP TABLE IF EXISTS items');
    await pool.query(`CREATE TABLE IF NOT EXISTS items (
      id bigserial PRIMARY KEY, key text NOT NULL UNIQUE, phone text NOT NULL, body text NOT NULL)`);
    await pool.query('CREATE INDEX IF NOT EXISTS items_phone ON items (phone)');
  })();
  const store: Store = {
    insert: async (key, phone, body) => {
      const r = await pool.query<{ id: number }>({
        name: 'insert',
        text: 'INSERT INTO items (key, phone, body) VALUES ($1, $2, $3) RETURNING id',
        values: [key, phone, body],
      });
      const row = r.rows[0];
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return row.id;
    },
    select: async (phone) => {
      const r = await pool.query<Item>({
        name: 'select',
        text: 'SELECT id, key, phone, body FROM items WHERE phone = $1 LIMIT 20',
        values: [phone],
      });
      return r.rows;
    },
    count: async () => {
      const r = await pool.query<{ n: number }>('SELECT count(*)::int8 AS n FROM items');
      return r.rows[0]?.n ?? 0;
    },
    fill: async (from, to, phones) => {
      // One server-side INSERT … SELECT generate_series: no rows cross the wire. The key and
      // phone formats must match baselineKey / baselinePhone.
      await pool.query('DROP INDEX IF EXISTS items_phone');
      await pool.query(
        `INSERT INTO items (key, phone, body)
         SELECT 'fill-' || lpad(i::text, 9, '0'), '13' || lpad((i % $3)::text, 9, '0'), $4
         FROM generate_series($1::int, $2::int - 1) AS i`,
        [from, to, phones, FILL_BODY],
      );
      await pool.query('CREATE INDEX IF NOT EXISTS items_phone ON items (phone)');
      await pool.query('ANALYZE items');
    },
    close: () => pool.end(),
  };
  return { store, ready };
}

/** The command line, parsed. */
export interface BaselineOptions {
  port: number;
  file?: string;
  db?: string;
  rows: number;
  phones?: number;
  fresh: boolean;
}

/** Parses `--port N [--file F | --db URL] [--rows N] [--phones N] [--fresh]`. */
export function parseArgs(argv: readonly string[]): BaselineOptions {
  const opts: BaselineOptions = { port: 0, rows: 0, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') opts.port = Number(value());
    else if (a === '--file') opts.file = value();
    else if (a === '--db') opts.db = value();
    else if (a === '--rows') opts.rows = Number(value());
    else if (a === '--phones') opts.phones = Number(value());
    else if (a === '--fresh') opts.fresh = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (opts.file !== undefined && opts.db !== undefined) throw new Error('give --file or --db, not both');
  if (!Number.isInteger(opts.port) || opts.port < 0) throw new Error('--port must be a port number');
  if (!Number.isInteger(opts.rows) || opts.rows < 0) throw new Error('--rows must be a count');
  return opts;
}

/** Opens the store, fills it, and serves until SIGTERM. */
export async function main(argv: readonly string[]): Promise<void> {
  const opts = parseArgs(argv);
  let store: Store;
  if (opts.db !== undefined) {
    const pgStore = postgresStore(opts.db, opts.fresh);
    await pgStore.ready;
    store = pgStore.store;
  } else {
    store = sqliteStore(opts.file ?? '/tmp/baseline.sqlite', opts.fresh);
  }

  if (opts.rows > 0) {
    const have = await store.count();
    if (have < opts.rows) {
      const t0 = performance.now();
      await store.fill(have, opts.rows, opts.phones ?? defaultPhones(opts.rows));
      process.stderr.write(`filled ${opts.rows - have} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    // The fill's memory is not what a load run should see: reset VmHWM (Linux ≥ 4.0) so the
    // caller's peakRssMb reads the serving peak. Best-effort: elsewhere the peak includes the fill.
    try {
      fs.writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      /* not Linux, or not allowed: keep the fill in the peak */
    }
  }

  // No logger: the baseline measures the stack, not the app's request logging.
  const app = Fastify({ logger: false });
  app.post<{ Body: { key: string; phone: string; body: string } }>('/insert', {
    schema: {
      body: {
        type: 'object',
        required: ['key', 'phone', 'body'],
        properties: { key: { type: 'string' }, phone: { type: 'string' }, body: { type: 'string' } },
      },
    },
    handler: async (req, reply) => {
      const id = await store.insert(req.body.key, req.body.phone, req.body.body);
      return reply.code(201).send({ id });
    },
  });
  app.get<{ Querystring: { phone: string } }>('/select', {
    schema: { querystring: { type: 'object', required: ['phone'], properties: { phone: { type: 'string' } } } },
    handler: async (req) => ({ items: await store.select(req.query.phone) }),
  });

  const url = await app.listen({ port: opts.port, host: '127.0.0.1' });
  process.stdout.write(`listening ${url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void app
      .close()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`${String(err)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Run only as a script, so that load runs can import baselinePhone without starting a server.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
