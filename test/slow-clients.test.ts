// Slow clients against a listening server: sockets that send their headers and one byte of a
// declared body, then nothing (slowloris with bodies). They must not hold the cap on requests in
// flight, the server must close them after a bounded time, one address may not open hundreds, and
// /healthz must say when the API really is saturated.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/server/config.js';
import { buildTestApp, type TestApp } from './support/app.js';
import { createWorld, staffLogin } from './support/factories.js';

const TIMEOUTS = { headersMs: 2_000, requestMs: 3_000 };
let running: TestApp | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function listening(overload: Partial<Config['overload']>): Promise<{ t: TestApp; port: number }> {
  const t = await buildTestApp({ config: { overload: { maxInFlight: 256, perMinute: 0, connectionsPerAddress: 0, ...overload }, timeouts: TIMEOUTS } });
  running = t;
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('not listening');
  return { t, port: address.port };
}

interface SlowSocket {
  socket: net.Socket;
  closedAt?: number;
}

/** Sockets that declare a body of `length` bytes, send the headers and its first byte, then nothing. */
async function slowSockets(
  port: number,
  n: number,
  request: { path: string; headers?: Record<string, string>; firstBytes?: string; length?: number },
): Promise<SlowSocket[]> {
  const sockets: SlowSocket[] = [];
  for (let i = 0; i < n; i++) {
    const s: SlowSocket = { socket: net.connect({ port, host: '127.0.0.1' }) };
    s.socket.on('error', () => {});
    s.socket.on('data', () => {}); // a 408 or 503 the server may send before it closes
    s.socket.once('close', () => (s.closedAt = Date.now()));
    const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': String(request.length ?? 1000), ...request.headers };
    s.socket.write(
      `POST ${request.path} HTTP/1.1\r\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n${request.firstBytes ?? '{'}`,
    );
    sockets.push(s);
  }
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => (s.socket.connecting ? s.socket.once('connect', () => resolve()) : resolve()))));
  return sockets;
}

/** A GET through a real socket from a given local address (127.0.0.x: another client), timed. */
function timedGet(port: number, path: string, cookie: string | undefined, localAddress = '127.0.0.1'): Promise<{ status: number; ms: number; body: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, localAddress, agent: false, headers: cookie ? { cookie: `sid=${cookie}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started, body }));
    });
    req.on('error', reject);
  });
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await cond())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

const connections = (t: TestApp) => new Promise<number>((resolve, reject) => t.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

describe('slow bodies', () => {
  it('300 sockets stuck in their bodies hold no slot: a clerk is answered 200 within 2 s, /healthz says 200, and the server closes them within the request timeout', async () => {
    const { t, port } = await listening({});
    const w = await createWorld(t.app);
    const clerk = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const opened = Date.now();
    const slow = await slowSockets(port, 300, { path: '/api/auth/staff/login' });
    await until('300 connections', async () => (await connections(t)) >= 300, 10_000);
    await new Promise((r) => setTimeout(r, 200)); // their headers parsed, their bodies awaited

    const answer = await timedGet(port, '/api/parcels', clerk.cookie);
    expect(answer.status, answer.body).toBe(200);
    expect(answer.ms).toBeLessThan(2_000);
    expect((await timedGet(port, '/healthz', undefined)).status).toBe(200);
    expect(slow.filter((s) => s.closedAt !== undefined)).toHaveLength(0);

    // Node checks every 2 s: each is closed by the request timeout (3 s) plus at most one check.
    await until('the slow sockets to be closed', () => slow.every((s) => s.closedAt !== undefined), TIMEOUTS.requestMs + 6_000);
    const lasted = Math.max(...slow.map((s) => (s.closedAt ?? 0) - opened));
    expect(lasted).toBeGreaterThanOrEqual(TIMEOUTS.requestMs - 500);
    expect(lasted).toBeLessThan(TIMEOUTS.requestMs + 4_500);
    process.stdout.write(
      `[slow bodies] 300 stuck sockets: the clerk answered 200 in ${answer.ms} ms; all closed ${lasted} ms after they opened (request timeout ${TIMEOUTS.requestMs} ms)\n`,
    );
  });

  it('one address may hold 64 connections: the rest are closed at once, and a client at another address is served', async () => {
    const { t, port } = await listening({ connectionsPerAddress: 64 });
    const w = await createWorld(t.app);
    const clerk = await staffLogin(t.app, w.adminUsername, 'admin-pass-123');
    const slow = await slowSockets(port, 300, { path: '/api/auth/staff/login' });
    await until('236 to be closed', () => slow.filter((s) => s.closedAt !== undefined).length >= 236, 5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(slow.filter((s) => s.closedAt === undefined)).toHaveLength(64);
    const answer = await timedGet(port, '/api/parcels', clerk.cookie, '127.0.0.2');
    expect(answer.status, answer.body).toBe(200);
    expect(answer.ms).toBeLessThan(2_000);
    for (const s of slow) s.socket.destroy();
  });

  it('/healthz answers 503 overloaded while the cap on requests in flight is really reached (uploads that stall), and 200 once they are gone', async () => {
    const { t, port } = await listening({ maxInFlight: 3 });
    const w = await createWorld(t.app);
    const boundary = 'slowboundary';
    // A signed-in admin's imports: an upload reads its file in the handler, so it holds its slot.
    const uploads = await slowSockets(port, 3, {
      path: '/api/couriers/import',
      headers: { cookie: `sid=${w.admin.cookie ?? ''}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      firstBytes: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n姓名`,
      length: 100_000,
    });
    await until('the uploads to hold the cap', async () => (await timedGet(port, '/healthz', undefined)).status === 503, 5_000);
    const health = await timedGet(port, '/healthz', undefined);
    expect(JSON.parse(health.body)).toEqual({ ok: false, reason: 'overloaded' });
    const refused = await timedGet(port, '/api/parcels', w.admin.cookie, '127.0.0.2');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'overloaded' });
    for (const s of uploads) s.socket.destroy();
    await until('/healthz to be 200 again', async () => (await timedGet(port, '/healthz', undefined)).status === 200, 5_000);
    expect((await timedGet(port, '/api/parcels', w.admin.cookie)).status).toBe(200);
  });
});
