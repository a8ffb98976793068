// Operations on a real server process (issue 17 point 4). Backups: `npm run backup` copies the
// database of a server that keeps taking courier intakes meanwhile; `npm run restore` puts the
// copy into a fresh data dir (or a fresh PostgreSQL database), where every parcel acknowledged
// before the backup began is found, and a server started on it is ready. A restore over an
// existing database is refused without --force, a file that is not a backup is refused, and
// neither changes anything. Graceful restart: on SIGTERM /readyz turns 503 while requests are
// still served, every request in flight is answered, and the outbox is left with no lease held.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OPERATOR_TOKEN } from './support/app.js';
import { randomMobile } from './support/factories.js';
import { attempt, courierOf } from './support/intake-clients.js';
import { scratchPgDatabase, startServer, stopServer, type ServerProcess } from './support/server-process.js';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'dist/server/main.js');
const cli = path.join(root, 'dist/server/cli.js');
const pgAdminUrl = inject('pgAdminUrl');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-backup-'));
const drops: (() => Promise<void>)[] = [];

beforeAll(() => {
  // The test command builds the server first; this makes the file runnable on its own.
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--server'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the server failed');
}, 120_000);

afterAll(async () => {
  for (const drop of drops) await drop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Where a server keeps its data: a fresh data dir, or a fresh PostgreSQL database. */
async function freshDatabase(label: string): Promise<{ env: Record<string, string>; url?: string; file: string }> {
  const dir = fs.mkdtempSync(path.join(work, `${label}-`));
  if (!pgAdminUrl) return { env: { DATA_DIR: dir, DATABASE_URL: '' }, file: path.join(dir, 'kuaidi.sqlite') };
  const scratch = await scratchPgDatabase(pgAdminUrl, `kd_${label}`);
  drops.push(scratch.drop);
  return { env: { DATA_DIR: dir, DATABASE_URL: scratch.url }, url: scratch.url, file: '' };
}

/** The operator's command, run as its own process (not blocking this one: the writers go on meanwhile). */
function runCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function trackingNumbers(db: { url?: string; file: string }): Promise<Map<string, number>> {
  let rows: { id: number; tracking_no: string }[];
  if (db.url) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    rows = (await c.query<{ id: number; tracking_no: string }>('SELECT id, tracking_no FROM parcels')).rows;
    await c.end();
  } else {
    const s = new Database(db.file, { readonly: true });
    rows = s.prepare('SELECT id, tracking_no FROM parcels').all() as { id: number; tracking_no: string }[];
    s.close();
  }
  return new Map(rows.map((r) => [r.tracking_no, Number(r.id)]));
}

const serverEnv = (env: Record<string, string>) => ({ ...env, DEMO_DATA: 'off', LOG_LEVEL: 'warn', OPERATOR_TOKEN, MAX_CONNECTIONS_PER_ADDRESS: '0' });

describe('backup and restore', () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServer(server.proc);
  });

  it('backs up a serving database under writes and restores it into a fresh place with every acknowledged parcel', { timeout: 120_000 }, async () => {
    const live = await freshDatabase('live');
    server = await startServer([main], serverEnv(live.env));
    const who = await courierOf(server.base);
    const base = server.base;
    const acked = new Map<string, number>();
    let seq = 0;
    let writing = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        const no = `BK${String(seq++).padStart(7, '0')}`;
        const { status, text } = await attempt(`${base}/api/courier/parcels`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: who.courier, 'idempotency-key': no },
          body: JSON.stringify({ communityId: who.communityId, trackingNo: no, recipientPhone: randomMobile(), recipientName: '收件人' }),
        });
        expect(status, text).toBe(201);
        acked.set(no, (JSON.parse(text) as { id: number }).id);
      }
    });
    while (acked.size < 200) await new Promise((r) => setTimeout(r, 20));

    // The backup, taken while the writers go on.
    const before = new Map(acked);
    const file = path.join(work, pgAdminUrl ? 'kuaidi.pgdump' : 'kuaidi.sqlite');
    const backup = await runCli(['backup', file], live.env);
    const during = acked.size - before.size;
    writing = false;
    await Promise.all(writers);
    expect(backup.status, backup.stderr).toBe(0);
    const facts = (JSON.parse(backup.stdout) as { backedUp: { parcels?: number; bytes: number } }).backedUp;
    if (!pgAdminUrl) expect(facts.parcels).toBeGreaterThanOrEqual(before.size);
    expect(await stopServer(server.proc)).toBe(0);
    server = undefined;

    // Into a fresh place: every parcel acknowledged before the backup began, with its id.
    const fresh = await freshDatabase('restored');
    const restore = await runCli(['restore', file], fresh.env);
    expect(restore.status, restore.stderr).toBe(0);
    const restored = await trackingNumbers(fresh);
    expect([...before].filter(([no, id]) => restored.get(no) !== id)).toEqual([]);
    // Nothing the live database does not hold (the copy is one moment of it).
    const all = await trackingNumbers(live);
    expect([...restored].filter(([no, id]) => all.get(no) !== id)).toEqual([]);
    process.stdout.write(
      `[backup ${pgAdminUrl ? 'postgres' : 'sqlite'}] ${before.size} parcels acknowledged before the backup, ${during} during it, ${restored.size} in the copy (${facts.bytes} bytes), all found after restore\n`,
    );

    // A server on the restored data is ready and serves the courier's parcels.
    server = await startServer([main], serverEnv(fresh.env));
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    expect(await stopServer(server.proc)).toBe(0);
    server = undefined;

    // Over the restored database again: refused without --force, nothing changed.
    const again = await runCli(['restore', file], fresh.env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/--force/);
    expect((await trackingNumbers(fresh)).size).toBe(restored.size);
  });

  it('refuses a file that is not a backup and leaves the target as it was', async () => {
    const junk = path.join(work, 'junk.bin');
    fs.writeFileSync(junk, 'not a backup at all');
    const target = await freshDatabase('junk');
    const r = await runCli(['restore', junk], target.env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(pgAdminUrl ? /pg_restore failed/ : /is not a SQLite database/);
    if (!pgAdminUrl) expect(fs.existsSync(target.file)).toBe(false);
    const missing = await runCli(['restore', path.join(work, 'nowhere.sqlite')], target.env);
    expect([missing.status, missing.stderr.trim()]).toEqual([1, `no backup at ${path.join(work, 'nowhere.sqlite')}`]);
    expect((await runCli(['backup'], target.env)).status).toBe(2);
  });
});

async function query<T>(db: { url?: string; file: string }, text: string): Promise<T[]> {
  if (db.url) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } finally {
      await c.end();
    }
  }
  const s = new Database(db.file, { readonly: true });
  try {
    return s.prepare(text).all() as T[];
  } finally {
    s.close();
  }
}

describe('graceful restart', () => {
  it('on SIGTERM: /readyz 503 while the drain lasts, every request in flight answered, no outbox lease left, exit 0', { timeout: 60_000 }, async () => {
    const db = await freshDatabase('drain');
    const server = await startServer([main], serverEnv({ ...db.env, SHUTDOWN_DRAIN_MS: '1500' }));
    try {
      const base = server.base;
      const who = await courierOf(base);
      const post = (url: string, body: unknown, cookie: string, key?: string) =>
        attempt(`${base}${url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, ...(key ? { 'idempotency-key': key } : {}) },
          body: JSON.stringify(body),
        });
      const intake = (no: string) =>
        post(
          '/api/courier/parcels',
          { communityId: who.communityId, trackingNo: no, recipientPhone: randomMobile(), recipientName: '收件人' },
          who.courier,
          no,
        );
      const first = await Promise.all(Array.from({ length: 30 }, (_, i) => intake(`DRAIN${String(i).padStart(4, '0')}`)));
      const ids = first.map((r) => (JSON.parse(r.text) as { id: number }).id);

      // In flight when the signal comes: 30 receipts (each queues the resident's SMS) and 30 intakes.
      const inFlight = [post('/api/parcels/receive', { ids }, who.admin), ...Array.from({ length: 30 }, (_, i) => intake(`LATE${String(i).padStart(4, '0')}`))];
      await new Promise((r) => setTimeout(r, 5));
      const exited = new Promise<number | null>((resolve) => server.proc.once('exit', (code) => resolve(code)));
      server.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const ready = await attempt(`${base}/readyz`, {});
      expect([ready.status, ready.text]).toEqual([503, JSON.stringify({ ok: false, reason: 'stopping' })]);
      expect((await attempt(`${base}/healthz`, {})).status).toBe(200);
      // Still served while the proxy takes note.
      expect((await intake('DURINGDRAIN')).status).toBe(201);
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual([200, ...Array.from({ length: 30 }, () => 201)]);
      expect(await exited).toBe(0);

      const parcels = await query<{ status: string; n: number }>(db, 'SELECT status, count(*) AS n FROM parcels GROUP BY status ORDER BY status');
      expect(parcels.map((p) => [p.status, Number(p.n)])).toEqual([
        ['awaiting_pickup', 30],
        ['pending_receipt', 31],
      ]);
      // Each receipt's message is there once, sent or waiting, none held by a lease of the stopped worker.
      const outbox = await query<{ parcel_id: number; status: string; locked_until: string | null }>(
        db,
        'SELECT parcel_id, status, locked_until FROM outbox WHERE parcel_id IS NOT NULL',
      );
      expect(new Set(outbox.map((o) => Number(o.parcel_id)))).toEqual(new Set(ids));
      expect(outbox.filter((o) => o.status === 'queued' && o.locked_until !== null)).toEqual([]);
    } finally {
      await stopServer(server.proc);
    }
  });
});
