// Operations (issue 17 point 4, API.md "Operations"): /readyz says whether an instance should get
// traffic (migrations run, database answering, not stopping); /metrics gives Prometheus requests by
// route pattern and status, latency, the outbox's depth and age, connections and event-loop lag,
// behind METRICS_TOKEN, absent in production without one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../src/server/db/index.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { buildTestApp, useTestApp } from './support/app.js';
import { createWorld, enterParcel, expectStatus } from './support/factories.js';
import { scratchPgDatabase } from './support/server-process.js';

const t = useTestApp();
const METRICS_TOKEN = 'metrics-token-0123456789';

/** The value of one series in Prometheus text, e.g. `kuaidi_outbox_queued` or `name{label="x"}`. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** An empty database of its own: a SQLite file, or a scratch PostgreSQL database. */
async function emptyDatabase() {
  const adminUrl = inject('pgAdminUrl');
  if (adminUrl) {
    const scratch = await scratchPgDatabase(adminUrl, 'kd_ops');
    const database = openDatabase({ kind: 'postgres', url: scratch.url }, { poolSize: 2 });
    return { database, drop: scratch.drop };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-ops-'));
  const database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'ops.sqlite') });
  return { database, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

describe('GET /readyz', () => {
  it('is 200 once every migration has run, 503 `migrations` before, and 503 `stopping` once shutting down', async () => {
    const { database, drop } = await emptyDatabase();
    const other = await buildTestApp({ database });
    try {
      const before = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect([before.statusCode, before.json()]).toEqual([503, { ok: false, reason: 'migrations' }]);
      await migrateToLatest(database.db);
      const after = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect([after.statusCode, after.json()]).toEqual([200, { ok: true }]);
      other.app.readiness.stopping = true;
      const stopping = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect([stopping.statusCode, stopping.json()]).toEqual([503, { ok: false, reason: 'stopping' }]);
      // /healthz (is the process alive) is not affected.
      expect((await other.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await other.close();
      await database.close();
      await drop();
    }
  });

  it('is 503 `database` when the database does not answer', async () => {
    const { database, drop } = await emptyDatabase();
    await migrateToLatest(database.db);
    const other = await buildTestApp({ database });
    try {
      expect((await other.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await database.close();
      const down = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect([down.statusCode, down.json()]).toEqual([503, { ok: false, reason: 'database' }]);
    } finally {
      await other.close();
      await drop();
    }
  });
});

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, times them, and shows the outbox, the connections and the event loop', async () => {
    const w = await createWorld(t.app);
    const first = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const queuedBefore = series(first.body, 'kuaidi_outbox_queued') ?? NaN;

    // Two parcels entered and received (each queues the resident's SMS; the test app sends nothing
    // by itself), two reads of one of them, one of a parcel that does not exist.
    const a = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    const b = expectStatus(await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }), 201);
    expectStatus(await w.admin.post('/api/parcels/receive', { ids: [a.id, b.id] }), 200);
    expectStatus(await w.admin.get(`/api/parcels/${a.id}`), 200);
    expectStatus(await w.admin.get(`/api/parcels/${a.id}`), 200);
    expect((await w.admin.get('/api/parcels/999999999')).status).toBe(404);
    t.clock.advance(90_000);

    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(series(text, 'kuaidi_http_requests_total{method="GET",route="/api/parcels/:id",status="200"}')).toBe(2);
    expect(series(text, 'kuaidi_http_requests_total{method="GET",route="/api/parcels/:id",status="404"}')).toBe(1);
    // The pattern, never the raw URL with its ids: one series per route.
    expect(text).not.toContain(`/api/parcels/${a.id}"`);
    expect(series(text, 'kuaidi_http_request_duration_seconds_count{method="GET",route="/api/parcels/:id"}')).toBe(3);
    expect(series(text, 'kuaidi_outbox_queued')).toBeGreaterThanOrEqual(queuedBefore + 2);
    // The oldest waiting message was queued at least the 90 seconds the clock moved ago.
    expect(series(text, 'kuaidi_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(series(text, 'kuaidi_db_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    // No phone or code ever appears in a label.
    expect(text).not.toContain(w.residentPhone);
  });

  it('wants METRICS_TOKEN when one is set, and is absent in production without one', async () => {
    const withToken = await buildTestApp({ database: t.database, config: { metricsToken: METRICS_TOKEN } });
    const production = await buildTestApp({ database: t.database, config: { env: 'production' } });
    try {
      expect((await withToken.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await withToken.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(
        401,
      );
      const ok = await withToken.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('kuaidi_outbox_queued');
      expect((await production.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await production.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await withToken.close();
      await production.close();
    }
  });
});
