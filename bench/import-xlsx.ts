// Imports a 10,000-row courier xlsx (then the same again, then its csv export) into the real
// server process, built as `npm start` builds it, and prints each import's time and the server's
// peak memory (VmHWM). Run: npm run bench:import [-- --rows 10000 --db postgres://…]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { CARRIERS } from '../src/shared/carriers.js';
import { processMemory, scratchPgDatabase, signInStaff, startAppServer } from './support.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, db: { type: 'string' } } });
const rows = Number(values.rows);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-'));

// On PostgreSQL the run gets a database of its own, made through --db and dropped at the end.
const scratch = values.db ? await scratchPgDatabase(values.db) : null;
const app = await startAppServer({ DATA_DIR: dir, DATABASE_URL: scratch?.url ?? '' });
const { base } = app;
const serverMemory = () => processMemory(app.proc.pid ?? 0);

// The demo data (created on the empty database) gives the admin and three communities.
const cookie = await signInStaff(base, 'admin', 'admin123456');
const communities = ((await (await fetch(`${base}/api/communities`, { headers: { cookie } })).json()) as { items: { name: string }[] }).items.map(
  (c) => c.name,
);

async function makeXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('快递员信息');
  ws.addRow(['基本信息(必填)', '联系信息(必填)', '快递公司信息(必填)', '关联信息(必填)']);
  ws.addRow(['姓名', '手机', '快递公司', '派送小区']);
  for (let i = 0; i < rows; i++) {
    ws.addRow([`快递员${i}`, `139${String(10_000_000 + i).slice(-8)}`, CARRIERS[i % 19]?.name ?? '百世', communities[i % communities.length]]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function measure(label: string, file: Buffer, name: string): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), name);
  const before = serverMemory();
  const started = performance.now();
  const r = await fetch(`${base}/api/couriers/import`, { method: 'POST', headers: { cookie }, body: form });
  const ms = performance.now() - started;
  const body = await r.text();
  const after = serverMemory();
  process.stdout.write(
    `${label.padEnd(26)} ${(file.length / 1024).toFixed(0).padStart(5)} KiB ${ms.toFixed(0).padStart(7)} ms   ` +
      `server rss ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MiB, peak ${after.peak.toFixed(0)} MiB   ${r.status} ${body.slice(0, 56)}\n`,
  );
}

try {
  process.stdout.write(`courier import of ${rows} rows; ${values.db ? 'PostgreSQL' : 'SQLite'}; node ${process.version}; ${os.cpus().length} cores\n`);
  const idle = serverMemory();
  process.stdout.write(`server idle: rss ${idle.rss.toFixed(0)} MiB\n`);
  const xlsx = await makeXlsx();
  await measure('xlsx, all new', xlsx, 'couriers.xlsx');
  await measure('same xlsx, all updates', xlsx, 'couriers.xlsx');
  const csv = Buffer.from(
    await (await fetch(`${base}/api/couriers/export?format=csv&q=${encodeURIComponent('快递员')}`, { headers: { cookie } })).arrayBuffer(),
  );
  await measure('its csv export, round trip', csv, 'couriers.csv');
} finally {
  await app.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  await scratch?.drop();
}
