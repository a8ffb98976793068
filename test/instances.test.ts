// Several instances on one PostgreSQL database (issue 17 point 3): two server processes start
// together on an empty database (both migrate at once), then take intakes, receipts and pickups
// through both at the same time. No pickup code is given twice in a community, every message is
// sent exactly once (two outbox workers lease with FOR UPDATE SKIP LOCKED), a session made on one
// is valid on the other, and two instances queueing the day's reminders at once queue each once.
// PostgreSQL only: the embedded SQLite database is one process's (a second instance is not a
// supported deployment of it).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pino from 'pino';
import { createContext } from '../src/server/context.js';
import { openDatabase } from '../src/server/db/index.js';
import { migrations } from '../src/server/db/migrate.js';
import { consoleMessaging } from '../src/server/modules/notifications/messaging.js';
import { queueReminders } from '../src/server/modules/notifications/reminders.js';
import { OPERATOR_TOKEN } from './support/app.js';
import { randomMobile } from './support/factories.js';
import { attempt, courierOf } from './support/intake-clients.js';
import { scratchPgDatabase, startServer, stopServer, type ServerProcess } from './support/server-process.js';

const root = path.resolve(import.meta.dirname, '..');
const main = path.join(root, 'dist/server/main.js');
const pgAdminUrl = inject('pgAdminUrl');
const PARCELS = 120;

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** `n` calls, at most `width` at a time. */
async function pool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

describe.skipIf(!pgAdminUrl)('two instances on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof scratchPgDatabase>>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--server'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('building the server failed');
    scratch = await scratchPgDatabase(pgAdminUrl ?? '', 'kd_two');
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) await stopServer(s.proc);
    await scratch?.drop();
  });

  it('start together, migrate once, and share sessions, codes and the outbox without a duplicate', { timeout: 120_000 }, async () => {
    const env = {
      DATABASE_URL: scratch.url,
      DEMO_DATA: 'off',
      LOG_LEVEL: 'warn',
      OPERATOR_TOKEN,
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
    };
    // Both migrate the empty database at the same moment: Kysely's migrator takes an advisory lock.
    servers.push(...(await Promise.all([startServer([main], env), startServer([main], env)])));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    for (const s of servers) expect((await fetch(`${s.base}/readyz`)).status).toBe(200);
    const ran = await sql<{ name: string; n: number }>(scratch.url, 'SELECT name, count(*)::int AS n FROM kysely_migration GROUP BY name ORDER BY name');
    expect(ran).toEqual(Object.keys(migrations).map((name) => ({ name, n: 1 })));

    // Signed in on A; the same cookies work on B.
    const who = await courierOf(a.base);
    for (const cookie of [who.admin, who.courier]) expect((await fetch(`${b.base}/api/me`, { headers: { cookie } })).status).toBe(200);

    const base = (i: number) => (i % 2 === 0 ? a.base : b.base);
    const post = (i: number, url: string, body: unknown, cookie: string, key?: string) =>
      attempt(`${base(i)}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...(key ? { 'idempotency-key': key } : {}) },
        body: JSON.stringify(body),
      });

    // Intakes through both at once; then receipts through both at once (each draws a pickup code).
    const entered = await pool(PARCELS, 8, (i) =>
      post(
        i,
        '/api/courier/parcels',
        { communityId: who.communityId, trackingNo: `TWO${String(i).padStart(5, '0')}`, recipientPhone: randomMobile(), recipientName: '收件人' },
        who.courier,
        `two-${i}`,
      ),
    );
    expect(entered.filter((r) => r.status !== 201)).toEqual([]);
    const ids = entered.map((r) => (JSON.parse(r.text) as { id: number }).id);
    const received = await pool(PARCELS, 8, (i) => post(i + 1, `/api/parcels/${ids[i]}/receive`, {}, who.admin));
    expect(received.filter((r) => r.status !== 200)).toEqual([]);
    const codes = received.map((r) => (JSON.parse(r.text) as { pickupCode: string }).pickupCode);
    expect(new Set(codes).size).toBe(PARCELS);
    const dup = await sql(
      scratch.url,
      "SELECT pickup_code FROM parcels WHERE status = 'awaiting_pickup' GROUP BY community_id, pickup_code HAVING count(*) > 1",
    );
    expect(dup).toEqual([]);

    // Both outbox workers send: each receipt's SMS goes out exactly once.
    const deadline = Date.now() + 60_000;
    while ((await sql<{ n: number }>(scratch.url, "SELECT count(*)::int AS n FROM outbox WHERE status = 'queued'"))[0]?.n !== 0) {
      if (Date.now() > deadline) throw new Error('the outbox did not drain');
      await new Promise((r) => setTimeout(r, 200));
    }
    const sent = await sql<{ text: string; n: number }>(
      scratch.url,
      `SELECT d.text, count(*)::int AS n FROM dev_messages d JOIN parcels p ON p.recipient_phone = d.recipient
        WHERE p.id = ANY($1::int[]) GROUP BY d.recipient, d.text`,
      [ids],
    );
    expect(sent.length).toBe(PARCELS);
    expect(sent.filter((m) => m.n !== 1)).toEqual([]);
    for (const code of codes) expect(sent.filter((m) => m.text.includes(code)).length, code).toBe(1);

    // Pickups through both at once.
    const picked = await pool(PARCELS, 8, (i) => post(i, `/api/parcels/${ids[i]}/pickup`, { feeFen: 0 }, who.admin));
    expect(picked.filter((r) => r.status !== 200)).toEqual([]);
    const states = await sql<{ status: string; n: number }>(scratch.url, 'SELECT status, count(*)::int AS n FROM parcels GROUP BY status');
    expect(states).toEqual([{ status: 'picked_up', n: PARCELS }]);
  });

  it('two instances queueing the day’s reminders at once queue each resident’s once', { timeout: 60_000 }, async () => {
    // Parcels waiting two days, in a community with reminders on (the one the first test made).
    await sql(scratch.url, "UPDATE parcels SET status = 'awaiting_pickup', picked_up_at = NULL, received_at = $1", [
      new Date(Date.now() - 2 * 86_400_000).toISOString(),
    ]);
    const overdue = (await sql<{ n: number }>(scratch.url, 'SELECT count(DISTINCT recipient_phone)::int AS n FROM parcels'))[0]?.n ?? 0;
    expect(overdue).toBe(PARCELS);
    // 10:00 in Shanghai today, after the reminder hour.
    const at = new Date(`${new Date().toISOString().slice(0, 10)}T02:00:00Z`);
    const instances = [openDatabase({ kind: 'postgres', url: scratch.url }), openDatabase({ kind: 'postgres', url: scratch.url })];
    try {
      const queued = await Promise.all(
        instances.map((d) =>
          queueReminders(
            createContext({ db: d.db, now: () => at, log: pino({ level: 'silent' }), outboxKick: () => {}, messaging: consoleMessaging(d.db) }),
            10,
          ),
        ),
      );
      expect(queued.reduce((x, y) => x + y, 0)).toBe(overdue);
      const reminders = await sql<{ n: number }>(scratch.url, "SELECT count(*)::int AS n FROM outbox WHERE kind = 'pickup_reminder'");
      expect(reminders[0]?.n).toBe(overdue);
    } finally {
      for (const d of instances) await d.close();
    }
  });
});
