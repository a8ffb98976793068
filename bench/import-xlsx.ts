// Imports a 10,000-row courier xlsx (then the same again, then its csv export) into the real
// server process, built as `npm start` builds it, and prints each import's time and the server's
// peak memory (VmHWM). Run: npm run bench:import [-- --rows 10000 --db postgres://…]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { CARRIERS } from '../src/shared/carriers.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, db: { type: 'string' } } });
const rows = Number(values.rows);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

// On PostgreSQL the run gets a database of its own, made through --db and dropped at the end.
let dbUrl = '';
const scratchDb = `kd_bench_${Date.now()}`;
if (values.db) {
  const admin = new pg.Client({ connectionString: values.db });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratchDb}`);
  await admin.end();
  const u = new URL(values.db);
  u.pathname = `/${scratchDb}`;
  dbUrl = u.toString();
}

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const port = await freePort();
const server = spawn(process.execPath, ['dist/server/main.js'], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The server's memory from /proc: resident now and its high-water mark, in MiB. */
function serverMemory(): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

// The demo data (created on the empty database) gives the admin and three communities.
const login = await fetch(`${base}/api/auth/staff/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: 'admin123456' }),
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const communities = ((await (await fetch(`${base}/api/communities`, { headers: { cookie } })).json()) as { items: { name: string }[] }).items.map((c) => c.name);

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
  form.append('file', new Blob([file]), name);
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
  const csv = Buffer.from(await (await fetch(`${base}/api/couriers/export?format=csv&q=${encodeURIComponent('快递员')}`, { headers: { cookie } })).arrayBuffer());
  await measure('its csv export, round trip', csv, 'couriers.csv');
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
  if (values.db) {
    const admin = new pg.Client({ connectionString: values.db });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${scratchDb} WITH (FORCE)`);
    await admin.end();
  }
}
