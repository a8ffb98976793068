import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loginDemoAdmin, scratchPgDatabase, startServer, stopServer } from './support/server-process.js';

// Starts the real server process (src/server/main.ts) as `npm start` would, on an empty database.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-start-'));
const pgBase = inject('pgAdminUrl');
let scratch: Awaited<ReturnType<typeof scratchPgDatabase>> | undefined;

const start = () =>
  startServer(['--import', 'tsx', 'src/server/main.ts'], { DATA_DIR: dataDir, DATABASE_URL: scratch?.url ?? '', LOG_LEVEL: 'info' });

beforeAll(async () => {
  if (pgBase) scratch = await scratchPgDatabase(pgBase, 'kd_start');
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await scratch?.drop();
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
    const awaiting = (await (await fetch(`${base}/api/parcels?status=awaiting_pickup&pageSize=50`, { headers: { cookie } })).json()) as { items: { feeFen: number }[] };
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
