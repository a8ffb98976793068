import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';

// Starts the real server process (src/server/main.ts) as `npm start` would, on an empty database.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-start-'));
const pgBase = inject('pgUrl');
let pgUrl: string | undefined;
let pgName: string | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(port: number): Promise<{ proc: ChildProcess; output: () => string }> {
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: pgUrl ?? '',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, output: () => out };
}

async function stop(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  return exited;
}

beforeAll(async () => {
  if (!pgBase) return;
  pgName = `kd_start_${Date.now()}_${process.pid}`;
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  await c.query(`CREATE DATABASE ${pgName}`);
  await c.end();
  const u = new URL(pgBase);
  u.pathname = `/${pgName}`;
  pgUrl = u.toString();
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!pgBase || !pgName) return;
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
  await c.end();
});

describe('start-up', () => {
  it('migrates an empty database, creates the demo data once, serves it, and stops cleanly', async () => {
    const port = await freePort();
    const first = await start(port);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin123456' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const counts = (await (await fetch(`${base}/api/parcels/counts`, { headers: { cookie } })).json()) as Record<string, number>;
    for (const state of ['pending_receipt', 'awaiting_pickup', 'picked_up', 'rejected']) expect(counts[state]).toBeGreaterThan(0);
    const communities = (await (await fetch(`${base}/api/communities`, { headers: { cookie } })).json()) as { items: unknown[] };
    expect(communities.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: '华润二十四城', feeRateFen: 200, collectionPointName: '华润二十四城管理处' }),
        expect.objectContaining({ name: '兰兰测试用', feeRateFen: 150, collectionPointName: '兰兰测试用管理处' }),
      ]),
    );
    const couriers = (await (await fetch(`${base}/api/couriers`, { headers: { cookie } })).json()) as { total: number };
    expect(couriers.total).toBe(4);
    // An overdue parcel at 2元/天 shows ¥36.00, as in the guide.
    const awaiting = (await (await fetch(`${base}/api/parcels?status=awaiting_pickup&pageSize=50`, { headers: { cookie } })).json()) as { items: { feeFen: number }[] };
    expect(awaiting.items.map((p) => p.feeFen)).toContain(3600);
    const clerk = await fetch(`${base}/api/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'clerk', password: 'clerk123456' }),
    });
    expect(clerk.status).toBe(200);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect(await stop(first.proc)).toBe(0);
    // Logs never hold the demo phones in full.
    expect(first.output()).not.toMatch(/15140620302|15640922191|18525385385/);

    // A second start finds data and adds nothing.
    const second = await start(port);
    const again = await fetch(`${base}/api/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin123456' }),
    });
    const cookie2 = (again.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const counts2 = (await (await fetch(`${base}/api/parcels/counts`, { headers: { cookie: cookie2 } })).json()) as Record<string, number>;
    expect(counts2.all).toBe(counts.all);
    expect(await stop(second.proc)).toBe(0);
  });
});
