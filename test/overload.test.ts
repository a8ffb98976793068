import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, dbKind, type TestApp } from './support/app.js';
import { Client, createWorld, enterParcel } from './support/factories.js';

// The load limits in one process (the flood against a real server is in faults.test.ts).

const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function appWith(overload: { maxInFlight: number; perMinute: number }, trustProxy: boolean | string = false) {
  const t = await buildTestApp({ config: { overload: { ...overload, connectionsPerAddress: 0 }, trustProxy } });
  apps.push(t);
  return t;
}

/** Anonymous GET /api/me from a socket address, with an X-Forwarded-For header. */
async function me(t: TestApp, remoteAddress: string, forwardedFor?: string) {
  const r = await t.app.inject({ method: 'GET', url: '/api/me', remoteAddress, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
  return { status: r.statusCode, body: r.json<{ error: string; retryAfterSeconds?: number }>(), retryAfter: r.headers['retry-after'] };
}

describe('the rate limit', () => {
  it('counts per client address without a session: past the limit 429 with Retry-After, and a forged X-Forwarded-For gains nothing', async () => {
    const t = await appWith({ maxInFlight: 0, perMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await me(t, '203.0.113.7', `198.51.100.${i}`)).status).toBe(401);
    const refused = await me(t, '203.0.113.7', '198.51.100.99');
    expect(refused).toMatchObject({ status: 429, body: { error: 'too_many_requests' } });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.body.retryAfterSeconds).toBe(Number(refused.retryAfter));
    // Another address is not held back by it; the web apps' files and /healthz are never limited.
    expect((await me(t, '203.0.113.8')).status).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });

  it('takes the address from X-Forwarded-For only when the socket is a trusted proxy (TRUST_PROXY)', async () => {
    const t = await appWith({ maxInFlight: 0, perMinute: 3 }, '10.0.0.1');
    // Through the trusted proxy, each client has its own count.
    for (let i = 0; i < 3; i++) expect((await me(t, '10.0.0.1', '198.51.100.1')).status).toBe(401);
    expect((await me(t, '10.0.0.1', '198.51.100.1')).status).toBe(429);
    expect((await me(t, '10.0.0.1', '198.51.100.2')).status).toBe(401);
    // From any other socket the header is ignored: varying it does not escape the limit.
    for (let i = 0; i < 3; i++) expect((await me(t, '192.0.2.50', `198.51.100.${10 + i}`)).status).toBe(401);
    expect((await me(t, '192.0.2.50', '198.51.100.20')).status).toBe(429);
    // Nor does a forged first hop in front of the real client the proxy appends.
    expect((await me(t, '10.0.0.1', '198.51.100.2, 198.51.100.1')).status).toBe(429);
  });

  it('counts per session once signed in, so a courier behind a shared address is not held back by others', async () => {
    const t = await appWith({ maxInFlight: 0, perMinute: 1000 });
    const w = await createWorld(t.app);
    // A fresh app with a small limit, on the same database and sessions.
    const limited = await buildTestApp({
      database: t.database,
      clock: t.clock,
      config: { overload: { maxInFlight: 0, perMinute: 4, connectionsPerAddress: 0 } },
    });
    apps.push(limited);
    const courier = new Client(limited.app);
    courier.cookie = w.courier.cookie;
    const admin = new Client(limited.app);
    admin.cookie = w.admin.cookie;
    for (let i = 0; i < 4; i++) expect((await courier.get('/api/courier/communities')).status).toBe(200);
    expect((await courier.get('/api/courier/communities')).status).toBe(429);
    // The admin shares the courier's address (127.0.0.1) but not the count.
    expect((await admin.get('/api/communities')).status).toBe(200);
  });
});

describe('the cap on requests in flight', () => {
  it('answers 503 overloaded with Retry-After past the cap, loses no acknowledged intake, and serves again when the load drops', async () => {
    const t = await appWith({ maxInFlight: 4, perMinute: 0 });
    const w = await createWorld(t.app);
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }, `flood-${i}`)),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 503)).toEqual([]);
    const refused = replies.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.body).toMatchObject({ error: 'overloaded', retryAfterSeconds: 1 });
    expect(refused[0]?.headers['retry-after']).toBe('1');
    // Every acknowledged intake is there once; the refused ones left nothing behind.
    const acked = replies.filter((r) => r.status === 201).map((r) => (r.body as { id: number }).id);
    const stored = await t.database.db.selectFrom('parcels').select('id').where('community_id', '=', w.community.id).execute();
    expect(stored.map((p) => p.id).sort((a, b) => a - b)).toEqual([...acked].sort((a, b) => a - b));
    // Once the burst is over, requests are served again; the refused keys can be sent again.
    for (let i = 0; i < 60; i++) {
      if (statuses[i] !== 503) continue;
      expect((await enterParcel(w.courier, { communityId: w.community.id, recipientPhone: w.residentPhone }, `flood-${i}`)).status).toBe(201);
    }
    expect((await w.admin.get('/api/parcels?communityId=' + w.community.id)).status).toBe(200);
  });
});

describe.skipIf(dbKind !== 'postgres')('a graceful stop', () => {
  it('waits for the requests still at work, also those whose client has gone, before it lets the database close', async () => {
    const t = await buildTestApp();
    const w = await createWorld(t.app);
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    // Another connection holds the communities table, so that a list of them waits on it.
    await t.database.db.connection().execute(async (lock) => {
      await sql`BEGIN`.execute(lock);
      await sql`LOCK TABLE communities IN ACCESS EXCLUSIVE MODE`.execute(lock);
      const gone = fetch(`${base}/api/communities`, { headers: { cookie: `sid=${w.admin.cookie}` }, signal: AbortSignal.timeout(300) });
      await expect(gone).rejects.toThrow();
      let closed = false;
      const closing = t.app.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 500));
      expect(closed).toBe(false);
      await sql`COMMIT`.execute(lock);
      await closing;
    });
    await t.database.close();
  });
});
