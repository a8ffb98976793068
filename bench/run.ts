// npm run bench [-- --parcels 1000000 --db postgres://postgres@127.0.0.1:5432/postgres --duration 10 --connections 10 --only a,b,c,d,e,f,g,h,i --cpu-prof DIR --keep]
// Fills a database of its own with N parcels over 100 communities, starts the real server on it
// (built as `npm start` builds it), drives it over HTTP with autocannon from a separate process,
// and prints per scenario the throughput, p50/p99 latency and the ratio to a bare Fastify +
// better-sqlite3 (or pg) server doing one insert or one indexed select on the same machine; then
// the server's peak RSS and the database's size. Never part of the tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, type Database_ } from '../src/server/db/index.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { upsertPreAdvice } from '../src/server/modules/integrations/integrations.repo.js';
import { shanghaiDayHour } from '../src/shared/time.js';
import { fillDatabase } from './fill.js';
import { formatTable, peakRssMb, runLoad, startServer, type LoadResult, type Scenario } from './load.js';
import { freePort, scratchPgDatabase, signInCourier, signInStaff, startAppServer } from './support.js';

const { values } = parseArgs({
  options: {
    parcels: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    /** Some scenarios only, by letter: `--only a,d`. f and g are station mode (desk intake, checkout), i 数据看板. */
    only: { type: 'string', default: 'a,b,c,d,e,f,g,h,i' },
    /** Where the app server writes a V8 CPU profile of the whole run when it stops (`node --cpu-prof`). */
    'cpu-prof': { type: 'string' },
    /** Leave the scratch PostgreSQL database in place (its name is printed), to look into a figure with EXPLAIN. */
    keep: { type: 'boolean', default: false },
  },
});
const wanted = new Set(values.only.split(','));
/** (h): the items a carrier pushes, in calls of 1,000. */
const PRE_ADVICE_ITEMS = 100_000;
/** Latency as one user sees it: the same requests again over one connection (one clerk at a desk). */
const ONE = 'one clerk';
const parcels = Number(values.parcels);
const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-'));
const scratch = values.db ? await scratchPgDatabase(values.db) : null;
const dbLabel = scratch ? 'PostgreSQL' : 'SQLite';

/** The database's size on disk, in MiB. */
async function databaseSizeMb(): Promise<number> {
  if (!scratch) {
    return (
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith('kuaidi.sqlite'))
        .reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0) /
      2 ** 20
    );
  }
  const database = openDatabase({ kind: 'postgres', url: scratch.url });
  try {
    const { rows } = await (await import('kysely')).sql<{ size: string }>`SELECT pg_database_size(current_database())::text AS size`.execute(database.db);
    return Number(rows[0]?.size ?? 0) / 2 ** 20;
  } finally {
    await database.close();
  }
}

const results: LoadResult[] = [];
let baselinePeak = 0;
const out = (s: string) => process.stdout.write(`${s}\n`);
try {
  out(
    `快递代收 benchmark: ${parcels.toLocaleString('en')} parcels on ${dbLabel}; node ${process.version}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );

  // 1. The data, written straight into a migrated database (the app's own schema and services).
  const config = scratch ? ({ kind: 'postgres', url: scratch.url } as const) : ({ kind: 'sqlite', file: path.join(dir, 'kuaidi.sqlite') } as const);
  const database = openDatabase(config);
  await migrateToLatest(database.db);
  const world = await fillDatabase({ database, parcels });
  // Station mode runs in the second busy community, which (a)–(c) leave alone; its desk intakes
  // are for its own residents, as a collection point's are (the fill's sample is of all communities).
  const station = world.communities.filter((c) => c.busy)[1] ?? world.communities[0];
  if (!station) throw new Error('no community');
  const stationResidents = await residentsOf(database, station.id, 5_000);
  // The daily 催取 reminders are a load of their own (at 10M parcels, some 350,000 messages queued
  // and sent when the server starts); off, so that the scenarios measure the desk's requests alone.
  await database.db.updateTable('communities').set({ reminders_enabled: 0 }).execute();
  // (i)'s 滞留 card counts the parcels waiting past their community's days: a week, so that some are.
  if (wanted.has('i')) await database.db.updateTable('communities').set({ return_after_days: 7 }).execute();
  // (h)'s floor: the same 100,000 pre-advice rows upserted straight into the database, 1,000 a statement.
  const preAdviceFloor = wanted.has('h') ? await preAdviceStraight(database, world.orgId, station.id, world.sample.residentPhones) : 0;
  await database.close();
  out(
    `filled ${world.counts.parcels.toLocaleString('en')} parcels, ${world.counts.residents.toLocaleString('en')} residents in ${world.seconds.toFixed(0)} s; database ${(await databaseSizeMb()).toFixed(0)} MiB`,
  );

  // 2. The baseline: the least this machine does for one durable insert and one indexed select,
  // over a table as large, with the same durability settings.
  const baselineArgs = [
    '--port',
    String(await freePort()),
    '--rows',
    String(parcels),
    ...(scratch ? ['--db', scratch.url] : ['--file', path.join(dir, 'baseline.sqlite')]),
  ];
  const baseline = await startServer('bench/baseline-server.ts', baselineArgs);
  const baselineResults: LoadResult[] = [];
  try {
    const phones = world.sample.residentPhones;
    const load = (s: Omit<Scenario, 'url' | 'connections' | 'durationSeconds'>) =>
      runLoad({ url: baseline.url, connections, durationSeconds, ...s }, { serverPid: baseline.pid });
    baselineResults.push(
      await load({
        name: 'baseline: insert',
        requests: [{ method: 'POST', path: '/insert', body: { key: '{{uuid}}', phone: '{{pick:phones}}', body: 'x' } }],
        lists: { phones },
      }),
      await load({ name: 'baseline: select', requests: [{ method: 'GET', path: '/select?phone={{pick:phones}}' }], lists: { phones } }),
    );
    baselinePeak = peakRssMb(baseline.pid);
  } finally {
    await baseline.stop();
  }
  const [baseInsert, baseSelect] = baselineResults as [LoadResult, LoadResult];

  // 3. The real server on the filled database.
  const server = await startAppServer(
    {
      DATA_DIR: dir,
      DATABASE_URL: scratch?.url ?? '',
      DEMO_DATA: 'off',
      SMS_CAP_PER_HOUR: '1000',
      SMS_CAP_PER_DAY: '10000',
      RATE_LIMIT_PER_MINUTE: '0',
      MAX_CONNECTIONS_PER_ADDRESS: '0',
    },
    { nodeArgs: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [] },
  );
  try {
    const admin = await signInStaff(server.base, world.admin.username, world.admin.password);
    const busy = world.communities.find((c) => c.busy) ?? world.communities[0];
    if (!busy) throw new Error('no community');
    const courier = world.couriers.find((c) => c.communityId === busy.id) ?? world.couriers[0];
    if (!courier) throw new Error('no courier');
    const courierCookie = await signInCourier(server.base, courier.phone);
    const pid = server.proc.pid ?? 0;
    const run = async (s: Omit<Scenario, 'url'>) => {
      if (!wanted.has(s.name.slice(1, 2))) return;
      const r = await runLoad({ url: server.base, connections, durationSeconds, ...s }, { serverPid: pid });
      results.push(r);
    };
    const runId = Date.now().toString(36).toUpperCase();

    // (a) courier intake, each request with its own Idempotency-Key and tracking number.
    await run({
      name: '(a) intake POST /api/courier/parcels',
      requests: [
        {
          method: 'POST',
          path: '/api/courier/parcels',
          headers: { cookie: courierCookie, 'idempotency-key': '{{uuid}}' },
          body: { communityId: busy.id, trackingNo: `BN${runId}{{seq}}`, recipientPhone: '{{pick:phones}}', recipientName: '{{pick:names}}' },
        },
      ],
      lists: { phones: world.sample.residentPhones, names: world.sample.names },
    });

    // (e) 待领取 of the busiest community: page 1, and a page deep in it (before (c) collects them).
    const total = await countOf(server.base, admin, `status=awaiting_pickup&communityId=${busy.id}`);
    const deep = Math.max(1, Math.floor(total / 20 / 2));
    await run({
      name: '(e) 待领取 page 1',
      requests: [{ method: 'GET', path: `/api/parcels?status=awaiting_pickup&communityId=${busy.id}&page=1`, headers: { cookie: admin } }],
    });
    await run({
      name: `(e) 待领取 page ${deep}`,
      requests: [{ method: 'GET', path: `/api/parcels?status=awaiting_pickup&communityId=${busy.id}&page=${deep}`, headers: { cookie: admin } }],
    });

    // (b) front-desk receive of what was just entered, each parcel once.
    const pending = (await listParcels(server.base, admin, `status=pending_receipt&communityId=${busy.id}`, 20_000)).map((p) => p.id);
    await run({
      name: '(b) receive POST /api/parcels/:id/receive',
      amount: pending.length,
      durationSeconds: undefined,
      requests: [{ method: 'POST', path: '/api/parcels/{{pick:ids}}/receive', headers: { cookie: admin }, body: {} }],
      lists: { ids: pending.map(String) },
    });

    // (c) pickup by code: the clerk searches the code, then confirms the fee the answer showed.
    // Half of the codes at full speed over all connections, then some over one connection.
    const codes = (await listParcels(server.base, admin, `status=awaiting_pickup&communityId=${busy.id}`, 20_000)).flatMap((p) =>
      p.pickupCode ? [p.pickupCode] : [],
    );
    const pickup = (list: string[]) => ({
      name: '(c) pickup: search code + pickup',
      amount: list.length * 2,
      durationSeconds: undefined,
      requests: [
        {
          method: 'GET' as const,
          path: `/api/parcels?status=awaiting_pickup&communityId=${busy.id}&q={{pick:codes}}`,
          headers: { cookie: admin },
          capture: { id: 'items.0.id', feeFen: 'items.0.feeFen' },
        },
        { method: 'POST' as const, path: '/api/parcels/{{ctx:id}}/pickup', headers: { cookie: admin }, body: { feeFen: '{{ctx:feeFen}}' } },
      ],
      lists: { codes: list },
    });
    const half = Math.floor(codes.length / 2);
    await run(pickup(codes.slice(0, half)));
    const alone = codes.slice(half, half + 500);
    await run({ ...pickup(alone), name: `(c) pickup … ${ONE}`, amount: alone.length * 2, connections: 1 });

    // (d) searches over all parcels: a whole phone (exact), a phone's last four digits, a
    // tracking-number substring, a recipient name; each over all connections, then over one.
    const middles = world.sample.trackingNos.map((t) => t.slice(3, 11));
    const tails = world.sample.residentPhones.map((p) => p.slice(-4));
    const searches: [string, string, readonly string[]][] = [
      ['(d) search whole phone', 'phones', world.sample.residentPhones],
      ['(d) search phone tail (4 digits)', 'tails', tails],
      ['(d) search tracking substring (8)', 'middles', middles],
      ['(d) search by name', 'names', world.sample.names],
    ];
    for (const [name, list, values] of searches) {
      const s = {
        name,
        requests: [{ method: 'GET' as const, path: `/api/parcels?q={{pick:${list}}}`, headers: { cookie: admin } }],
        lists: { [list]: values },
      };
      await run(s);
      await run({ ...s, name: `${name} ${ONE}`, connections: 1 });
    }

    // (f) desk intake (station mode): the clerk scans a parcel nobody entered and it is received at
    // once onto a shelf, with its code and label; the resident is told. Then over one connection.
    if (wanted.has('f')) {
      for (const code of ['A', 'B', 'C', 'D']) await addShelf(server.base, admin, station.id, code);
      await checkDeskIntake(server.base, admin, station.id, stationResidents);
      const desk = deskIntake(station.id, admin, stationResidents);
      await run({ ...desk, seqStart: 10_000_000 });
      await run({ ...desk, name: `${desk.name} ${ONE}`, seqStart: 50_000_000, connections: 1 });
    }

    // (g) checkout lookup (出库查询): the resident's code, or their phone's last four digits, finds
    // what they have waiting (with the desk's new parcels, if (f) ran). Read only: the same keys serve
    // every run. The phone tail is matched with LIKE over the community's waiting parcels.
    if (wanted.has('g')) {
      const waiting = await listParcels(server.base, admin, `status=awaiting_pickup&communityId=${station.id}`, 20_000);
      const keys: [string, string[]][] = [
        ['(g) checkout by pickup code', waiting.flatMap((p) => (p.pickupCode ? [p.pickupCode] : []))],
        ['(g) checkout by phone tail (4)', [...new Set(waiting.map((p) => p.recipientPhone.slice(-4)))]],
      ];
      for (const [name, list] of keys) {
        const s = {
          name,
          requests: [{ method: 'GET' as const, path: `/api/parcels/checkout?communityId=${station.id}&key={{pick:keys}}`, headers: { cookie: admin } }],
          lists: { keys: list },
        };
        await checkCheckout(server.base, admin, station.id, list[0] ?? '');
        await run(s);
        await run({ ...s, name: `${name} ${ONE}`, connections: 1 });
      }
    }

    // (h) 预报: a carrier's key pushes 100,000 items in calls of 1,000, two calls in flight.
    if (wanted.has('h')) {
      const h = await pushPreAdvice(server.base, admin, station.id, world.sample.residentPhones);
      out(
        `(h) pre-advice POST /api/open/v1/pre-advice: ${h.items.toLocaleString('en')} items in calls of 1,000 in ${h.seconds.toFixed(1)} s = ${Math.round(h.items / h.seconds).toLocaleString('en')} items/s (call p50 ${h.p50.toFixed(0)} ms, p99 ${h.p99.toFixed(0)} ms); the same rows upserted straight: ${Math.round(preAdviceFloor).toLocaleString('en')} rows/s (${(h.items / h.seconds / preAdviceFloor).toFixed(2)}×)`,
      );
    }

    // (i) 数据看板: the stats calls over one community's 30 days, and over all communities' year.
    if (wanted.has('i')) {
      const today = shanghaiDayHour(new Date()).day;
      const daysBefore = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
      const ranges: [string, string][] = [
        ['one community, 30 days', `communityId=${busy.id}&from=${daysBefore(29)}&to=${today}`],
        ['all communities, a year', `from=${daysBefore(364)}&to=${today}`],
      ];
      for (const [label, q] of ranges) {
        for (const call of ['summary', 'daily', 'by-courier']) {
          const s = {
            name: `(i) stats ${call}: ${label}`,
            requests: [{ method: 'GET' as const, path: `/api/stats/${call}?${q}`, headers: { cookie: admin } }],
          };
          // One user at a dashboard first (the latency that user sees), then ten at once.
          await run({ ...s, name: `${s.name} ${ONE}`, connections: 1 });
          await run(s);
        }
      }
    }

    const peak = peakRssMb(pid);
    // Writes compare with the baseline's insert, reads with its indexed select.
    const versus = Object.fromEntries(
      results.filter((r) => !r.name.endsWith(ONE)).map((r) => [r.name, /^\((a|b|c|f)\)/.test(r.name) ? baseInsert : baseSelect]),
    );
    out('');
    out(formatTable([...baselineResults, ...results], versus));
    out('');
    const size = await databaseSizeMb();
    out(`server peak RSS ${peak.toFixed(0)} MiB (baseline ${baselinePeak.toFixed(0)} MiB); database ${size.toFixed(0)} MiB (${dbLabel})`);
    fs.mkdirSync('artifacts/bench', { recursive: true });
    fs.writeFileSync(
      `artifacts/bench/${dbLabel.toLowerCase()}-${parcels}.json`,
      JSON.stringify({ parcels, db: dbLabel, baseline: baselineResults, results, peakRssMb: peak, baselinePeakRssMb: baselinePeak, databaseMb: size }, null, 2),
    );
  } finally {
    await server.stop();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  if (values.keep && scratch) out(`kept ${scratch.url}`);
  else await scratch?.drop();
}

/** Item i of the pushed pre-advice: a 圆通 number of its own, one of the community's residents. */
function preAdviceItem(communityId: number, phones: string[], i: number) {
  return {
    communityId,
    trackingNo: `YT${String(9_000_000_000 + i)}`,
    recipientPhone: phones[i % phones.length] ?? '13800000000',
    recipientName: '预报收件人',
    carrier: '圆通',
  };
}

/** Rows a second for the pre-advice upsert alone (the repository's statement, 1,000 rows each), written then removed. */
async function preAdviceStraight(database: Database_, orgId: number, communityId: number, phones: string[]): Promise<number> {
  const started = performance.now();
  const at = new Date().toISOString();
  for (let from = 0; from < PRE_ADVICE_ITEMS; from += 1000) {
    const rows = Array.from({ length: 1000 }, (_, k) => {
      const it = preAdviceItem(communityId, phones, from + k);
      return {
        org_id: orgId,
        community_id: communityId,
        tracking_no: it.trackingNo,
        recipient_phone: it.recipientPhone,
        recipient_name: it.recipientName,
        carrier: '圆通速递',
        api_key_id: 0,
        created_at: at,
        updated_at: at,
      };
    });
    await database.db.transaction().execute((trx) => upsertPreAdvice(trx, rows));
  }
  const rate = PRE_ADVICE_ITEMS / ((performance.now() - started) / 1000);
  await database.db.deleteFrom('pre_advice').execute();
  return rate;
}

/** 100 calls of 1,000 items with a fresh key, two in flight: the items, the seconds, the calls' p50 and p99. */
async function pushPreAdvice(base: string, cookie: string, communityId: number, phones: string[]) {
  const made = await fetch(`${base}/api/integrations/keys`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', scopes: ['pre_advice:write'] }),
  });
  if (made.status !== 201) throw new Error(`key: ${made.status} ${await made.text()}`);
  const { key } = (await made.json()) as { key: string };
  const calls = PRE_ADVICE_ITEMS / 1000;
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (let c = next++; c < calls; c = next++) {
      const items = Array.from({ length: 1000 }, (_, k) => preAdviceItem(communityId, phones, c * 1000 + k));
      const t0 = performance.now();
      const res = await fetch(`${base}/api/open/v1/pre-advice`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      });
      const r = (await res.json()) as { accepted: number };
      if (res.status !== 200 || r.accepted !== 1000) throw new Error(`pre-advice: ${res.status} ${JSON.stringify(r).slice(0, 300)}`);
      times.push(performance.now() - t0);
    }
  };
  await Promise.all([lane(), lane()]);
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return { items: PRE_ADVICE_ITEMS, seconds, p50: q(0.5), p99: q(0.99) };
}

/** What the bench reads of a listed parcel. */
interface Listed {
  id: number;
  pickupCode: string | null;
  recipientPhone: string;
}

/** A list's parcels, page by page, at most `max`. */
async function listParcels(base: string, cookie: string, query: string, max: number): Promise<Listed[]> {
  const items: Listed[] = [];
  for (let page = 1; items.length < max; page++) {
    const r = (await (await fetch(`${base}/api/parcels?${query}&pageSize=200&page=${page}`, { headers: { cookie } })).json()) as { items: Listed[] };
    items.push(...r.items);
    if (r.items.length < 200) break;
  }
  return items;
}

async function countOf(base: string, cookie: string, query: string): Promise<number> {
  const r = (await (await fetch(`${base}/api/parcels?${query}&pageSize=1`, { headers: { cookie } })).json()) as { total: number };
  return r.total;
}

/** Up to `max` residents of a community, read from the filled database before the server opens it. */
async function residentsOf(database: Database_, communityId: number, max: number): Promise<{ phones: string[]; names: string[] }> {
  const rows = await database.db.selectFrom('residents').select(['phone', 'name']).where('community_id', '=', communityId).orderBy('id').limit(max).execute();
  if (rows.length === 0) throw new Error(`no residents in community ${communityId}`);
  return { phones: rows.map((r) => r.phone), names: rows.map((r) => r.name) };
}

/** A shelf for the station's desk intakes: without one an intake gets no place and no label. */
async function addShelf(base: string, cookie: string, communityId: number, code: string): Promise<void> {
  const res = await fetch(`${base}/api/communities/${communityId}/shelves`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    // Room for every intake of the run: a full shelf is refused (409), and the bench would measure that.
    body: JSON.stringify({ code, layers: 5, capacity: 5_000 }),
  });
  if (res.status !== 201) throw new Error(`shelf ${code}: ${res.status} ${await res.text()}`);
}

/**
 * Desk intakes of the community's residents, each with its own Idempotency-Key and tracking number.
 * The numbers are 顺丰's shape (SF8000 + 8 digits of {{seq}}), so the carrier is guessed as at a
 * real desk; the fill's 顺丰 numbers have 13 digits, so none is already open. Each run needs a
 * seqStart of its own (10,000,000 and up): the worker's counter starts anew each time.
 */
function deskIntake(communityId: number, cookie: string, residents: { phones: string[]; names: string[] }): Omit<Scenario, 'url'> {
  return {
    name: '(f) desk intake POST /api/parcels/desk-intake',
    requests: [
      {
        method: 'POST',
        path: '/api/parcels/desk-intake',
        headers: { cookie, 'idempotency-key': '{{uuid}}' },
        body: { communityId, trackingNo: 'SF8000{{seq}}', recipientPhone: '{{pick:phones}}', recipientName: '{{pick:names}}' },
      },
    ],
    // Phones and names advance together (one pick each per request), so each name stays with its phone.
    lists: { phones: residents.phones, names: residents.names },
  };
}

/** One desk intake by hand before the load: a 201 with a shelf label, or the figures would measure an error. */
async function checkDeskIntake(base: string, cookie: string, communityId: number, residents: { phones: string[]; names: string[] }): Promise<void> {
  const res = await fetch(`${base}/api/parcels/desk-intake`, {
    method: 'POST',
    headers: { cookie, 'idempotency-key': 'bench-check', 'content-type': 'application/json' },
    body: JSON.stringify({ communityId, trackingNo: 'SF800099999999', recipientPhone: residents.phones[0], recipientName: residents.names[0] }),
  });
  const parcel = (await res.json()) as { shelfLabel?: string | null };
  if (res.status !== 201 || !parcel.shelfLabel) throw new Error(`desk intake: ${res.status} ${JSON.stringify(parcel)}`);
}

/** One checkout by hand before the load: a 200 that finds parcels (and, by code, is verified). */
async function checkCheckout(base: string, cookie: string, communityId: number, key: string): Promise<void> {
  const res = await fetch(`${base}/api/parcels/checkout?communityId=${communityId}&key=${encodeURIComponent(key)}`, { headers: { cookie } });
  const r = (await res.json()) as { items?: unknown[]; verified?: boolean };
  if (res.status !== 200 || !r.items?.length || r.verified !== /^\d{6}$/.test(key))
    throw new Error(`checkout ${key}: ${res.status} ${JSON.stringify(r).slice(0, 300)}`);
}
