import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { OPERATOR_TOKEN } from './support/app.js';
import { randomMobile } from './support/factories.js';
import { acked, attempt, courierOf, intakeJobs, received, runIntakeClients, runReceivers, type ClientTally } from './support/intake-clients.js';
import { freePort, scratchPgDatabase, startServer, stopServer, type ServerProcess } from './support/server-process.js';

/**
 * Faults a real server process meets: SIGKILL in the middle of writes, and more load than it can
 * take. The server is the built one (dist/server/main.js, as `npm start` runs it), on a database
 * of its own: a SQLite file on the SQLite pass, a scratch PostgreSQL database on the other.
 * LONG_TESTS=1 (CI sets it) runs the full sizes; without it, a short version.
 */
const LONG = process.env.LONG_TESTS === '1';
const CRASH = LONG ? { jobs: 1000, cycles: 12, clients: 8, desks: 2 } : { jobs: 150, cycles: 3, clients: 4, desks: 1 };
const pgAdminUrl = inject('pgAdminUrl');
const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'dist/server/main.js');

/** Figures for SECURITY.md, printed at the end of the file. */
const figures: string[] = [];

beforeAll(() => {
  // The test command builds the server first; this makes the file runnable on its own.
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--server'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the server failed');
}, 120_000);

afterAll(() => {
  for (const f of figures) process.stdout.write(`${f}\n`);
});

/** A database for one server: a SQLite file, or a scratch PostgreSQL database. */
async function serverDatabase(label: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kd-${label}-`));
  const scratch = pgAdminUrl ? await scratchPgDatabase(pgAdminUrl, `kd_${label}`) : undefined;
  return {
    env: { DATA_DIR: dir, DATABASE_URL: scratch?.url ?? '' },
    file: path.join(dir, 'kuaidi.sqlite'),
    pgUrl: scratch?.url,
    async drop() {
      await scratch?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SQL with `?` placeholders against the server's database, after the server has stopped. */
async function query<T>(db: { file: string; pgUrl?: string }, text: string, params: unknown[] = []): Promise<T[]> {
  if (db.pgUrl) {
    const c = new pg.Client({ connectionString: db.pgUrl });
    await c.connect();
    try {
      let n = 0;
      return (
        await c.query(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as T[];
    } finally {
      await c.end();
    }
  }
  const s = new Database(db.file, { readonly: true });
  try {
    return s.prepare(text).all(...params) as T[];
  } finally {
    s.close();
  }
}

const serverEnv = (db: { env: Record<string, string> }, extra: Record<string, string> = {}) => ({
  ...db.env,
  DEMO_DATA: 'off',
  LOG_LEVEL: 'warn',
  OPERATOR_TOKEN,
  // Every client of these tests is 127.0.0.1: the cap per address (slow-clients.test.ts) is off.
  MAX_CONNECTIONS_PER_ADDRESS: '0',
  ...extra,
});

describe('crash: SIGKILL in the middle of courier intakes and receipts', () => {
  let db: Awaited<ReturnType<typeof serverDatabase>>;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServer(server.proc);
    await db?.drop();
  });

  it(
    `after ${CRASH.cycles} kills every acknowledged intake is there once, every confirmed receipt once, states, events, codes, notices and counts agreeing`,
    async () => {
      db = await serverDatabase('crash');
      const env = serverEnv(db, { RATE_LIMIT_PER_MINUTE: '0' });
      const port = await freePort();
      const start = () => startServer([main], env, port);
      server = await start();
      const base = server.base;
      const who = await courierOf(base);
      const jobs = intakeJobs(who.communityId, CRASH.jobs, `CRASH${Date.now() % 100000}`);
      const tally: ClientTally = { receivedBeforeLostAnswer: 0, unexpected: [], retried: {} };
      let released = 0;
      let finished = false;
      const clients = Promise.all([
        runIntakeClients({ base: () => base, cookie: who.courier, jobs, released: () => released, clients: CRASH.clients, done: () => finished, tally }),
        runReceivers({ base: () => base, cookie: who.admin, jobs, clients: CRASH.desks, done: () => finished, tally }),
      ]);

      // Each cycle releases a wave of jobs and kills the server once a random share of the wave
      // is acknowledged (so the kill lands among requests in flight and commits under way), then
      // starts it again on the same port; the clients retry whatever went unanswered.
      const wave = Math.ceil(CRASH.jobs / CRASH.cycles);
      let kills = 0;
      for (let c = 0; c < CRASH.cycles; c++) {
        const target = Math.min(CRASH.jobs, c * wave + Math.floor(wave * (0.2 + Math.random() * 0.6)));
        released = Math.min(CRASH.jobs, (c + 1) * wave);
        while (acked(jobs) < target && tally.unexpected.length === 0) await new Promise((r) => setTimeout(r, 2));
        await new Promise((r) => setTimeout(r, Math.random() * 15));
        const exited = new Promise((r) => server?.proc.once('exit', r));
        server.proc.kill('SIGKILL');
        await exited;
        kills++;
        server = await start();
      }
      const toReceive = Math.ceil(CRASH.jobs / 2);
      while (tally.unexpected.length === 0 && (acked(jobs) < CRASH.jobs || received(jobs) < toReceive)) await new Promise((r) => setTimeout(r, 10));
      finished = true;
      await clients;
      expect(await stopServer(server.proc)).toBe(0);
      server = undefined;

      expect(tally.unexpected).toEqual([]);
      expect(kills).toBeGreaterThanOrEqual(CRASH.cycles);

      const parcels = await query<{ id: number; tracking_no: string; status: string }>(
        db,
        'SELECT id, tracking_no, status FROM parcels WHERE community_id = ?',
        [who.communityId],
      );
      const byTracking = new Map<string, number[]>();
      for (const p of parcels) byTracking.set(p.tracking_no, [...(byTracking.get(p.tracking_no) ?? []), Number(p.id)]);
      const duplicates = [...byTracking.values()].filter((ids) => ids.length > 1).length;
      const lost = jobs.filter((j) => !(byTracking.get(j.body.trackingNo) ?? []).includes(j.ackedId ?? -1)).length;
      expect({ parcels: parcels.length, duplicates, lost }).toEqual({ parcels: CRASH.jobs, duplicates: 0, lost: 0 });
      // States and events agree: a parcel received is awaiting pickup with its entry and its
      // receipt; the others wait for receipt with their entry alone.
      const receivedIds = new Set(jobs.filter((j) => j.received).map((j) => j.ackedId));
      expect(receivedIds.size).toBe(toReceive);
      const events = await query<{ parcel_id: number; to_status: string }>(
        db,
        'SELECT e.parcel_id, e.to_status FROM parcel_events e JOIN parcels p ON p.id = e.parcel_id WHERE p.community_id = ? ORDER BY e.id',
        [who.communityId],
      );
      const history = new Map<number, string[]>();
      for (const e of events) history.set(Number(e.parcel_id), [...(history.get(Number(e.parcel_id)) ?? []), e.to_status]);
      const disagreeing = parcels.filter((p) => {
        const expected = receivedIds.has(Number(p.id)) ? ['pending_receipt', 'awaiting_pickup'] : ['pending_receipt'];
        return p.status !== expected.at(-1) || JSON.stringify(history.get(Number(p.id))) !== JSON.stringify(expected);
      });
      expect(disagreeing).toEqual([]);

      // Codes unique among the parcels awaiting pickup; one received notice each, none twice.
      const codes = await query<{ pickup_code: string }>(db, "SELECT pickup_code FROM parcels WHERE community_id = ? AND status = 'awaiting_pickup'", [
        who.communityId,
      ]);
      expect(new Set(codes.map((c) => c.pickup_code)).size).toBe(toReceive);
      const notices = await query<{ parcel_id: number }>(
        db,
        "SELECT parcel_id FROM outbox WHERE kind = 'parcel_received' AND org_id = (SELECT org_id FROM communities WHERE id = ?)",
        [who.communityId],
      );
      expect({ notices: notices.length, parcels: new Set(notices.map((n) => Number(n.parcel_id))).size }).toEqual({ notices: toReceive, parcels: toReceive });

      // Every key holds the answer of its parcel; the kept counts agree with a real count.
      const keys = await query<{ key: string; response: string }>(db, 'SELECT key, response FROM idempotency_keys');
      const idOfKey = new Map(keys.map((k) => [k.key, (JSON.parse(k.response) as { id: number }).id]));
      expect(jobs.filter((j) => idOfKey.get(j.key) !== j.ackedId)).toEqual([]);
      const counts = await query<{ status: string; n: number }>(db, 'SELECT status, SUM(n) AS n FROM parcel_counts WHERE community_id = ? GROUP BY status', [
        who.communityId,
      ]);
      const kept = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]).filter(([, n]) => n !== 0));
      expect(kept).toEqual({ pending_receipt: CRASH.jobs - toReceive, awaiting_pickup: toReceive });

      if (!db.pgUrl) {
        const integrity = await query<{ integrity_check: string }>(db, 'PRAGMA integrity_check');
        expect(integrity).toEqual([{ integrity_check: 'ok' }]);
      }
      const retries = Object.entries(tally.retried)
        .map(([s, n]) => `${s === '0' ? 'no answer' : s}: ${n}`)
        .join(', ');
      figures.push(
        `[crash ${db.pgUrl ? 'postgres' : 'sqlite'}] ${kills} SIGKILLs survived; ${CRASH.jobs} intakes acknowledged, ` +
          `${lost} lost, ${duplicates} duplicated; ${received(jobs)} receipts confirmed (${tally.receivedBeforeLostAnswer} had committed before their answer was lost), ` +
          `states, events, codes, notices and counts agreeing; retries (${retries || 'none'}); integrity ${db.pgUrl ? 'n/a' : 'ok'}`,
      );
    },
    LONG ? 600_000 : 180_000,
  );
});

describe('overload: a flood against the real server', () => {
  let db: Awaited<ReturnType<typeof serverDatabase>>;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServer(server.proc);
    await db?.drop();
  });

  it('past its capacity it answers 503 or 429 at once, loses no acknowledged write, never fails, and serves again after', async () => {
    db = await serverDatabase('flood');
    server = await startServer([main], serverEnv(db, { MAX_IN_FLIGHT: '8', RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'info' }));
    const base = server.base;
    const who = await courierOf(base);
    const connections = 200;
    const seconds = LONG ? 10 : 3;
    const statuses: Record<number, number> = {};
    const latency: Record<string, number[]> = {};
    const ackedIds = new Map<string, number>();
    let seq = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < until) {
          const i = seq++;
          const t0 = performance.now();
          const { status, text } = await attempt(`${base}/api/courier/parcels`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie: who.courier, 'idempotency-key': `flood-${i}` },
            body: JSON.stringify({ communityId: who.communityId, trackingNo: `FLOOD${i}`, recipientPhone: randomMobile(), recipientName: '收件人' }),
          });
          statuses[status] = (statuses[status] ?? 0) + 1;
          (latency[status] ??= []).push(performance.now() - t0);
          if (status === 201) ackedIds.set(`FLOOD${i}`, (JSON.parse(text) as { id: number }).id);
          if (status === 503) await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    // Only acknowledgements and refusals to come back later: no 5xx but 503, no lost connection.
    expect(
      Object.keys(statuses)
        .map(Number)
        .filter((s) => s !== 201 && s !== 503 && s !== 429),
    ).toEqual([]);
    expect(statuses[503]).toBeGreaterThan(0);
    expect(server.proc.exitCode).toBeNull();
    // The load has dropped: served again at once.
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${base}/api/courier/parcels`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: who.courier, 'idempotency-key': `after-${i}` },
        body: JSON.stringify({ communityId: who.communityId, trackingNo: `AFTER${i}`, recipientPhone: randomMobile(), recipientName: '收件人' }),
      });
      expect(r.status).toBe(201);
    }
    expect(await stopServer(server.proc)).toBe(0);
    const output = server.output();
    expect(output).not.toMatch(/"level":50|request failed/);
    server = undefined;
    const rows = await query<{ id: number; tracking_no: string }>(db, "SELECT id, tracking_no FROM parcels WHERE tracking_no LIKE 'FLOOD%'");
    expect(rows.length).toBe(ackedIds.size);
    expect(rows.filter((r) => ackedIds.get(r.tracking_no) !== Number(r.id))).toEqual([]);

    // How long the server took to answer (its own log's responseTime), by status; the client's
    // figures add the queueing of 200 connections on a 2-core machine.
    const serverTimes: Record<number, number[]> = {};
    for (const line of output.split('\n')) {
      const m = /"res":\{"statusCode":(\d+)\},"responseTime":([\d.]+)/.exec(line);
      if (m) (serverTimes[Number(m[1])] ??= []).push(Number(m[2]));
    }
    const p99 = (xs: number[] = []) => (xs.length ? (xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0).toFixed(1) : '-');
    figures.push(
      `[overload ${db.pgUrl ? 'postgres' : 'sqlite'}] ${connections} connections for ${seconds} s against MAX_IN_FLIGHT=8: ` +
        `${statuses[201] ?? 0} × 201 (server p99 ${p99(serverTimes[201])} ms, client p99 ${p99(latency[201])} ms), ` +
        `${statuses[503] ?? 0} × 503 (server p99 ${p99(serverTimes[503])} ms, client p99 ${p99(latency[503])} ms), ` +
        `${statuses[429] ?? 0} × 429, 0 errors; ${ackedIds.size} acknowledged, all stored once; 20 of 20 served after`,
    );
  }, 120_000);
});
