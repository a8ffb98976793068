import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loginDemoAdmin, scratchPgDatabase, startServer, stopServer } from './support/server-process.js';

// Starts the real server process (src/server/main.ts) as `npm start` would, on an empty database.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-start-'));
const prodDirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'kd-prod-')), fs.mkdtempSync(path.join(os.tmpdir(), 'kd-prod-'))];
const pgBase = inject('pgAdminUrl');
let scratch: Awaited<ReturnType<typeof scratchPgDatabase>> | undefined;
let prodScratch: Awaited<ReturnType<typeof scratchPgDatabase>>[] = [];

const start = () => startServer(['--import', 'tsx', 'src/server/main.ts'], { DATA_DIR: dataDir, DATABASE_URL: scratch?.url ?? '', LOG_LEVEL: 'info' });
/** The server as in production, on an empty database of its own (`which`), with more settings. */
const startProduction = (which: 0 | 1, env: Record<string, string> = {}) =>
  startServer(['--import', 'tsx', 'src/server/main.ts'], {
    NODE_ENV: 'production',
    DATA_DIR: prodDirs[which] ?? '',
    DATABASE_URL: prodScratch[which]?.url ?? '',
    LOG_LEVEL: 'info',
    ...env,
  });

beforeAll(async () => {
  if (pgBase) {
    scratch = await scratchPgDatabase(pgBase, 'kd_start');
    prodScratch = [await scratchPgDatabase(pgBase, 'kd_prod'), await scratchPgDatabase(pgBase, 'kd_prod')];
  }
});

afterAll(async () => {
  for (const dir of [dataDir, ...prodDirs]) fs.rmSync(dir, { recursive: true, force: true });
  await scratch?.drop();
  for (const s of prodScratch) await s.drop();
});

const staffSignIn = (base: string, username: string, password: string) =>
  fetch(`${base}/api/auth/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

describe('start-up in production', () => {
  it('creates no demo data and so no known password; no /docs, no development inbox', async () => {
    const prod = await startProduction(0);
    try {
      for (const [username, password] of [
        ['admin', 'admin123456'],
        ['clerk', 'clerk123456'],
      ] as const)
        expect((await staffSignIn(prod.base, username, password)).status).toBe(401);
      expect((await fetch(`${prod.base}/docs`)).status).toBe(404);
      expect((await fetch(`${prod.base}/api/dev/messages`)).status).toBe(404);
      expect((await fetch(`${prod.base}/healthz`)).status).toBe(200);
    } finally {
      expect(await stopServer(prod.proc)).toBe(0);
    }
    expect(prod.output()).not.toMatch(/demo data created/);
  });

  it('with DEMO_DATA=on: random passwords, printed once, that must be changed before anything else', async () => {
    const prod = await startProduction(1, { DEMO_DATA: 'on' });
    try {
      const printed = Object.fromEntries([...prod.output().matchAll(/^ {2}(admin|clerk) \/ (\S+)$/gm)].map((m) => [m[1], m[2]]));
      expect(Object.keys(printed).sort()).toEqual(['admin', 'clerk']);
      expect(printed.admin).toMatch(/^[\w-]{16}$/);
      expect(printed.admin).not.toBe(printed.clerk);
      expect((await staffSignIn(prod.base, 'admin', 'admin123456')).status).toBe(401);
      const login = await staffSignIn(prod.base, 'admin', printed.admin ?? '');
      expect(login.status).toBe(200);
      expect(((await login.json()) as { staff: { mustChangePassword: boolean } }).staff.mustChangePassword).toBe(true);
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const parcels = await fetch(`${prod.base}/api/parcels`, { headers: { cookie } });
      expect(parcels.status).toBe(403);
      expect(((await parcels.json()) as { error: string }).error).toBe('password_change_required');
      const change = await fetch(`${prod.base}/api/auth/password`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ currentPassword: printed.admin, newPassword: 'a-long-new-password' }),
      });
      expect(change.status).toBe(204);
      expect((await fetch(`${prod.base}/api/parcels`, { headers: { cookie } })).status).toBe(200);
      // Only the log line says that demo data was made; the passwords are not in it.
      const logLines = prod
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      expect(logLines.some((l) => l.includes('random passwords'))).toBe(true);
      expect(logLines.join('\n')).not.toContain(printed.admin ?? '-');
    } finally {
      expect(await stopServer(prod.proc)).toBe(0);
    }
    // A restart prints nothing again.
    const again = await startProduction(1, { DEMO_DATA: 'on' });
    expect(await stopServer(again.proc)).toBe(0);
    expect(again.output()).not.toMatch(/Demo sign-ins/);
  });
});

describe('start-up', () => {
  it('migrates an empty database, creates the demo data once, serves it, and stops cleanly', async () => {
    const first = await start();
    const base = first.base;
    const cookie = await loginDemoAdmin(base);
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
    const awaiting = (await (await fetch(`${base}/api/parcels?status=awaiting_pickup&pageSize=50`, { headers: { cookie } })).json()) as {
      items: { feeFen: number }[];
    };
    expect(awaiting.items.map((p) => p.feeFen)).toContain(3600);
    const clerk = await fetch(`${base}/api/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'clerk', password: 'clerk123456' }),
    });
    expect(clerk.status).toBe(200);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
    expect(await stopServer(first.proc)).toBe(0);
    // Logs never hold the demo phones in full.
    expect(first.output()).not.toMatch(/15140620302|15640922191|18525385385/);

    // A second start finds data and adds nothing.
    const second = await start();
    const base2 = second.base;
    const cookie2 = await loginDemoAdmin(base2);
    const counts2 = (await (await fetch(`${base2}/api/parcels/counts`, { headers: { cookie: cookie2 } })).json()) as Record<string, number>;
    expect(counts2.all).toBe(counts.all);
    expect(await stopServer(second.proc)).toBe(0);
  });
});
